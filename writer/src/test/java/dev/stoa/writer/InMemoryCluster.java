package dev.stoa.writer;

import dev.stoa.proto.internal.AppendRequest;
import dev.stoa.proto.internal.AppendResult;
import dev.stoa.proto.internal.CloseRoomRequest;
import dev.stoa.proto.internal.CloseRoomResult;
import dev.stoa.proto.internal.FetchRequest;
import dev.stoa.proto.internal.FetchResult;
import dev.stoa.proto.internal.Index;
import dev.stoa.proto.internal.ReadRequest;
import dev.stoa.proto.internal.ReadResult;
import dev.stoa.proto.internal.AckRequest;
import dev.stoa.proto.internal.Connection;
import dev.stoa.proto.internal.Empty;
import dev.stoa.proto.internal.Gateway;
import dev.stoa.proto.internal.PushRequest;
import dev.stoa.proto.internal.Reader;
import dev.stoa.proto.internal.Route;
import dev.stoa.proto.internal.State;
import dev.stoa.proto.internal.Writer;
import dev.stoa.router.RoomTable;
import dev.stoa.router.RouteTable;
import dev.stoa.cluster.LocalDirectory;
import dev.stoa.cluster.ServiceDirectory;
import dev.stoa.cluster.ServiceKind;
import dev.stoa.cluster.Services;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Hand-written in-memory peers of the router: a route table, a directory and state servers. */
final class InMemoryCluster {
  private InMemoryCluster() {}

  static final class Routes implements RouteTable {
    final Map<String, List<Route>> byUser = new ConcurrentHashMap<>();
    final Set<String> failing = ConcurrentHashMap.newKeySet();

    @Override
    public Future<Void> register(String userId, Route route) {
      byUser.computeIfAbsent(userId, k -> new CopyOnWriteArrayList<>()).add(route);
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> unregister(String userId, long connId) {
      byUser.getOrDefault(userId, List.of()).removeIf(r -> r.getConnId() == connId);
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> refresh(String gatewayId, Collection<UserConnection> connections) {
      return Future.succeededFuture();
    }

    @Override
    public Future<List<Route>> lookup(String userId) {
      if (failing.contains(userId)) {
        return Future.failedFuture(new IllegalStateException("route table partition of '" + userId + "' is down"));
      }
      return Future.succeededFuture(List.copyOf(byUser.getOrDefault(userId, List.of())));
    }
  }

  /** Room memberships in memory. */
  static final class Rooms implements RoomTable {
    final Set<String> members = ConcurrentHashMap.newKeySet();

    @Override
    public Future<Void> join(String roomId, String userId, long connId) {
      members.add(roomId + "/" + userId);
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> leave(String roomId, String userId, long connId) {
      members.remove(roomId + "/" + userId);
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> refresh(Collection<Membership> memberships) {
      return Future.succeededFuture();
    }

    @Override
    public Future<Boolean> isMember(String roomId, String userId) {
      return Future.succeededFuture(members.contains(roomId + "/" + userId));
    }

    @Override
    public Future<Integer> close(String roomId) {
      int before = members.size();
      members.removeIf(m -> m.startsWith(roomId + "/"));
      return Future.succeededFuture(before - members.size());
    }
  }

  /** An index server peer that records appends and answers with what {@link #answer} says. */
  static final class RecordingIndex implements Index {
    final List<AppendRequest> appends = new CopyOnWriteArrayList<>();
    volatile Future<AppendResult> answer;

    @Override
    public Future<AppendResult> append(AppendRequest request) {
      appends.add(request);
      return answer;
    }

    @Override
    public Future<ReadResult> read(ReadRequest request) {
      return Future.failedFuture(new UnsupportedOperationException("writer tests do not read"));
    }

    @Override
    public Future<FetchResult> fetch(FetchRequest request) {
      return Future.failedFuture(new UnsupportedOperationException("writer tests do not fetch"));
    }

    @Override
    public Future<CloseRoomResult> closeRoom(CloseRoomRequest request) {
      return Future.failedFuture(new UnsupportedOperationException("writer tests do not close rooms"));
    }
  }

  static final class StateServer implements State {
    final List<PushRequest> pushes = new CopyOnWriteArrayList<>();
    volatile boolean failing;

    @Override
    public Future<Empty> attach(Connection request) {
      return Future.succeededFuture(Empty.getDefaultInstance());
    }

    @Override
    public Future<Empty> detach(Connection request) {
      return Future.succeededFuture(Empty.getDefaultInstance());
    }

    @Override
    public Future<Empty> push(PushRequest request) {
      if (failing) {
        return Future.failedFuture(new IllegalStateException("state server is down"));
      }
      pushes.add(request);
      return Future.succeededFuture(Empty.getDefaultInstance());
    }

    @Override
    public Future<Empty> ack(AckRequest request) {
      return Future.succeededFuture(Empty.getDefaultInstance());
    }
  }

  static final class Directory implements ServiceDirectory {
    private static final ServiceDirectory NONE = new LocalDirectory();
    final Map<String, State> states = new ConcurrentHashMap<>();
    volatile Index index;
    final Map<String, Object> registered = new ConcurrentHashMap<>();
    final List<String> log = new CopyOnWriteArrayList<>();

    @Override
    public <T> Future<Void> register(ServiceKind<T> kind, String instanceId, T service) {
      registered.put(kind + "/" + instanceId, service);
      log.add("register " + kind + " " + instanceId);
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> unregister(ServiceKind<?> kind, String instanceId) {
      registered.remove(kind + "/" + instanceId);
      log.add("unregister " + kind + " " + instanceId);
      return Future.succeededFuture();
    }

    @Override
    public <T> T any(ServiceKind<T> kind) {
      if (kind == Services.INDEX) {
        return index != null ? kind.type().cast(index) : NONE.any(kind);
      }
      throw new UnsupportedOperationException(kind + " is not needed by the writer tests");
    }

    @Override
    public <T> Optional<T> find(ServiceKind<T> kind, String instanceId) {
      return kind == Services.STATE ? Optional.ofNullable(states.get(instanceId)).map(kind.type()::cast)
          : Optional.empty();
    }

    @Override
    public Optional<String> pick(ServiceKind<?> kind, long key) {
      return kind == Services.STATE ? states.keySet().stream().findFirst() : Optional.empty();
    }

    @Override
    public List<String> announced(ServiceKind<?> kind) {
      return kind == Services.STATE ? states.keySet().stream().sorted().toList() : List.of();
    }

    @Override
    public Optional<String> incarnation(ServiceKind<?> kind, String instanceId) {
      return Optional.empty();
    }
  }

  static Route route(long connId, String device, String stateServerId) {
    return Route.newBuilder().setConnId(connId).setDeviceId(device).setGatewayId("gw-1")
        .setStateServerId(stateServerId).build();
  }

  static List<Long> connIds(List<PushRequest> pushes) {
    List<Long> out = new ArrayList<>();
    pushes.forEach(p -> out.addAll(p.getConnIdsList()));
    return out;
  }
}
