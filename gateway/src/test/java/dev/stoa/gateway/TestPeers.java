package dev.stoa.gateway;

import dev.stoa.common.SessionId;
import dev.stoa.proto.client.Code;
import dev.stoa.proto.client.Message;
import dev.stoa.proto.client.Messages;
import dev.stoa.proto.client.SendAck;
import dev.stoa.proto.client.SyncResult;
import dev.stoa.proto.internal.RoomClosedNotice;
import dev.stoa.proto.internal.RoomMembership;
import dev.stoa.proto.internal.RoomReply;
import dev.stoa.proto.internal.Rooms;
import dev.stoa.proto.internal.AckRequest;
import dev.stoa.proto.internal.Connection;
import dev.stoa.proto.internal.Empty;
import dev.stoa.proto.internal.Gateway;
import dev.stoa.proto.internal.PullRequest;
import dev.stoa.proto.internal.PullResult;
import dev.stoa.proto.internal.PushRequest;
import dev.stoa.proto.internal.Reader;
import dev.stoa.proto.internal.Route;
import dev.stoa.proto.internal.SendRequest;
import dev.stoa.proto.internal.SendResult;
import dev.stoa.proto.internal.State;
import dev.stoa.proto.internal.SyncReply;
import dev.stoa.proto.internal.SyncRequest;
import dev.stoa.proto.internal.Writer;
import dev.stoa.router.RouteTable;
import dev.stoa.cluster.ServiceDirectory;
import dev.stoa.cluster.ServiceKind;
import dev.stoa.cluster.Services;
import io.vertx.core.Future;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * Minimal in-test peers of the roles behind the gateway (writer, reader, state server, route table,
 * directory). They stand in for other modules in this module's tests only and record what the
 * gateway asked of them.
 */
final class TestPeers {
  private TestPeers() {}

  /** A writer that answers with {@link #behaviour}; by default an OK sendAck with msgId 7345 and seq 1. */
  static final class FakeWriter implements Writer {
    final List<SendRequest> requests = new CopyOnWriteArrayList<>();
    volatile Function<SendRequest, Future<SendResult>> behaviour = FakeWriter::ok;

    static Future<SendResult> ok(SendRequest request) {
      String session = SessionId.parse("sessionId", request.getSend().getSessionId(), request.getUserId()).id();
      return Future.succeededFuture(SendResult.newBuilder().setAck(SendAck.newBuilder()
          .setClientMsgId(request.getSend().getClientMsgId()).setSessionId(session).setMsgId(7345)
          .setSeq(1).setPreSeq(0).setPreMsgId(0).setSentAt(1_763_800_000_123L).setCode(Code.OK)).build());
    }

    static Future<SendResult> reject(SendRequest request, Code code, String error) {
      return Future.succeededFuture(SendResult.newBuilder().setAck(SendAck.newBuilder()
          .setClientMsgId(request.getSend().getClientMsgId()).setCode(code)).setError(error).build());
    }

    @Override
    public Future<SendResult> send(SendRequest request) {
      requests.add(request);
      return behaviour.apply(request);
    }
  }

  static Message message(String sessionId, long seq) {
    return Message.newBuilder().setSessionId(sessionId).setSeq(seq).setPreSeq(seq - 1).setMsgId(1000 + seq)
        .setPreMsgId(seq == 1 ? 0 : 999 + seq).setFromUserId("bob").setFromDeviceId("phone")
        .setClientMsgId("b-" + seq).setBody("hello " + seq).setSentAt(1_763_800_000_000L + seq).build();
  }

  /** A reader that serves one message per pull and sync, or rejects sessions named {@code c2c:x:y}. */
  static final class FakeReader implements Reader {
    final List<PullRequest> pulls = new CopyOnWriteArrayList<>();
    final List<SyncRequest> syncs = new CopyOnWriteArrayList<>();
    /** When set, the body of every message a pull answers (for replies larger than a socket takes). */
    volatile String pullBody;

    @Override
    public Future<PullResult> pull(PullRequest request) {
      pulls.add(request);
      if (request.getSessionId().equals("c2c:x:y")) {
        return Future.succeededFuture(PullResult.newBuilder().setCode(Code.FORBIDDEN)
            .setError("sessionId: user '" + request.getUserId() + "' is not in c2c:x:y").build());
      }
      return Future.succeededFuture(PullResult.newBuilder().setCode(Code.OK).setMessages(Messages.newBuilder()
          .setSessionId(request.getSessionId()).addMessages(pullBody == null
              ? message(request.getSessionId(), request.getAfterSeq() + 1)
              : message(request.getSessionId(), request.getAfterSeq() + 1).toBuilder().setBody(pullBody).build())
          .setHasMore(false)).build());
    }

    @Override
    public Future<SyncReply> sync(SyncRequest request) {
      syncs.add(request);
      return Future.succeededFuture(SyncReply.newBuilder().setCode(Code.OK).setResult(SyncResult.newBuilder()
          .addMessages(message("c2c:alice:bob", 1)).setCursor(request.getCursor() + 1).setHasMore(true)).build());
    }
  }

  /** A state server that records attach/detach/ack. */
  static final class FakeState implements State {
    final List<Connection> attached = new CopyOnWriteArrayList<>();
    final List<Connection> detached = new CopyOnWriteArrayList<>();
    final List<AckRequest> acks = new CopyOnWriteArrayList<>();

    @Override
    public Future<Empty> attach(Connection request) {
      attached.add(request);
      return Future.succeededFuture(Empty.getDefaultInstance());
    }

    @Override
    public Future<Empty> detach(Connection request) {
      detached.add(request);
      return Future.succeededFuture(Empty.getDefaultInstance());
    }

    @Override
    public Future<Empty> push(PushRequest request) {
      return Future.succeededFuture(Empty.getDefaultInstance());
    }

    @Override
    public Future<Empty> ack(AckRequest request) {
      acks.add(request);
      return Future.succeededFuture(Empty.getDefaultInstance());
    }
  }

  /** The room side of a state server: records joins and leaves, refuses room "full". */
  static final class FakeRooms implements Rooms {
    final List<RoomMembership> joins = new CopyOnWriteArrayList<>();
    final List<RoomMembership> leaves = new CopyOnWriteArrayList<>();

    @Override
    public Future<RoomReply> join(RoomMembership request) {
      if (request.getRoomId().equals("full")) {
        return Future.succeededFuture(RoomReply.newBuilder().setCode(Code.RATE_LIMITED)
            .setError("roomId: connection is in too many rooms").build());
      }
      joins.add(request);
      return Future.succeededFuture(RoomReply.newBuilder().setCode(Code.OK).build());
    }

    @Override
    public Future<RoomReply> leave(RoomMembership request) {
      leaves.add(request);
      return Future.succeededFuture(RoomReply.newBuilder().setCode(Code.OK).build());
    }

    @Override
    public Future<Empty> closed(RoomClosedNotice request) {
      return Future.succeededFuture(Empty.getDefaultInstance());
    }
  }

  /** A route table in a map, recording refreshes. */
  static final class FakeRouteTable implements RouteTable {
    final Map<String, Map<Long, Route>> routes = new ConcurrentHashMap<>();
    final List<Collection<UserConnection>> refreshes = new CopyOnWriteArrayList<>();

    @Override
    public Future<Void> register(String userId, Route route) {
      routes.computeIfAbsent(userId, u -> new ConcurrentHashMap<>()).put(route.getConnId(), route);
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> unregister(String userId, long connId) {
      Map<Long, Route> byConn = routes.get(userId);
      if (byConn != null) {
        byConn.remove(connId);
      }
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> refresh(String gatewayId, Collection<UserConnection> connections) {
      refreshes.add(List.copyOf(connections));
      return Future.succeededFuture();
    }

    @Override
    public Future<List<Route>> lookup(String userId) {
      return Future.succeededFuture(List.copyOf(routes.getOrDefault(userId, Map.of()).values()));
    }

    Optional<Route> route(String userId, long connId) {
      return Optional.ofNullable(routes.getOrDefault(userId, Map.of()).get(connId));
    }
  }

  /** A directory over the fakes above, with one state server "ss-1" unless {@link #stateServers} is emptied. */
  static final class FakeDirectory implements ServiceDirectory {
    final FakeWriter writer = new FakeWriter();
    final FakeReader reader = new FakeReader();
    final FakeState state = new FakeState();
    final FakeRooms rooms = new FakeRooms();
    final Map<String, Object> registered = new ConcurrentHashMap<>();
    final List<String> stateServers = new CopyOnWriteArrayList<>(List.of("ss-1"));
    /** The writer every connection is picked for; any id finds {@link #writer}. */
    volatile String writerId = "writer-1";
    /** The writer ids sends were looked up under, in order. */
    final List<String> writerCalls = new CopyOnWriteArrayList<>();

    @Override
    public <T> Future<Void> register(ServiceKind<T> kind, String instanceId, T service) {
      registered.put(kind + "/" + instanceId, service);
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> unregister(ServiceKind<?> kind, String instanceId) {
      registered.remove(kind + "/" + instanceId);
      return Future.succeededFuture();
    }

    @Override
    public <T> T any(ServiceKind<T> kind) {
      if (kind == Services.WRITER) {
        return kind.type().cast(writer);
      }
      if (kind == Services.READER) {
        return kind.type().cast(reader);
      }
      throw new UnsupportedOperationException(kind + " is not faked here");
    }

    @Override
    public <T> Optional<T> find(ServiceKind<T> kind, String instanceId) {
      Object found;
      if (kind == Services.STATE) {
        found = stateServers.contains(instanceId) ? state : null;
      } else if (kind == Services.ROOMS) {
        found = stateServers.contains(instanceId) ? rooms : null;
      } else if (kind == Services.WRITER) {
        writerCalls.add(instanceId);
        found = writer;
      } else {
        found = registered.get(kind + "/" + instanceId);
      }
      return Optional.ofNullable(found).map(kind.type()::cast);
    }

    @Override
    public Optional<String> pick(ServiceKind<?> kind, long key) {
      if (kind == Services.WRITER) {
        return Optional.of(writerId);
      }
      if (kind != Services.STATE || stateServers.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(stateServers.get((int) Long.remainderUnsigned(key, stateServers.size())));
    }

    @Override
    public List<String> announced(ServiceKind<?> kind) {
      return kind == Services.STATE || kind == Services.ROOMS ? List.copyOf(stateServers) : List.of();
    }

    @Override
    public Optional<String> incarnation(ServiceKind<?> kind, String instanceId) {
      return Optional.empty();
    }
  }
}
