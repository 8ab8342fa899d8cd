package dev.stoa.gateway.impl;

import dev.stoa.cluster.Services;
import dev.stoa.common.StoaException;
import dev.stoa.proto.client.Code;
import dev.stoa.proto.client.Messages;
import dev.stoa.proto.client.Send;
import dev.stoa.proto.client.SendAck;
import dev.stoa.proto.client.SyncResult;
import dev.stoa.proto.internal.AckRequest;
import dev.stoa.common.SessionId;
import dev.stoa.proto.internal.CloseRoomRequest;
import dev.stoa.proto.internal.Connection;
import dev.stoa.proto.internal.DeliverRequest;
import dev.stoa.proto.client.Frame;
import dev.stoa.proto.client.Kick;
import dev.stoa.proto.internal.Empty;
import dev.stoa.proto.internal.RoomClosedNotice;
import dev.stoa.proto.internal.RoomMembership;
import dev.stoa.proto.internal.RoomReply;
import dev.stoa.proto.internal.Rooms;
import dev.stoa.proto.internal.PullRequest;
import dev.stoa.proto.internal.State;
import dev.stoa.proto.internal.SendRequest;
import dev.stoa.proto.internal.SendResult;
import dev.stoa.proto.internal.Writer;
import dev.stoa.proto.internal.SyncRequest;
import dev.stoa.router.RoomTable;
import dev.stoa.cluster.ServiceDirectory;
import io.vertx.core.Future;
import io.vertx.core.VertxException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The gateway's calls to the roles behind it (writer, reader, state server), found through the
 * {@link ServiceDirectory}. Every returned future either succeeds with the answer or fails with a
 * {@link StoaException} carrying the PROTOCOL.md code and a message naming the field or role:
 * an in-band rejection keeps the role's code and message; a transport failure (connection lost,
 * timeout, gRPC error) is UNAVAILABLE; anything else is INTERNAL and logged. Futures may complete
 * on the caller's context (the directory's rule). Thread-safe.
 */
public final class Backend {
  private static final Logger LOG = Logger.getLogger(Backend.class.getName());

  private final ServiceDirectory directory;
  private final RoomTable rooms;

  /** @param rooms the room table, for closing rooms; null: rooms cannot be closed here (UNAVAILABLE) */
  public Backend(ServiceDirectory directory, RoomTable rooms) {
    this.directory = directory;
    this.rooms = rooms;
  }

  /**
   * Sends through any writer (the HTTP API: no connection, no order to keep); succeeds only with
   * an OK {@code sendAck}.
   */
  public Future<SendAck> send(String userId, String deviceId, long connId, Send send) {
    SendRequest request = SendRequest.newBuilder().setUserId(userId).setDeviceId(deviceId).setConnId(connId)
        .setSend(send).build();
    return call("writer", () -> directory.any(Services.WRITER).send(request)).compose(Backend::sendAck);
  }

  /**
   * Sends as send number {@code sendSeq} of connection {@code connId} through writer
   * {@code writerId} (see {@link #writerFor}), which takes a connection's sends in that order
   * from {@code answered + 1} on (every send up to {@code answered} has been answered);
   * succeeds only with an OK {@code sendAck}. A writer that is gone answers UNAVAILABLE.
   */
  public Future<SendAck> send(String writerId, String userId, String deviceId, long connId, long sendSeq,
      long answered, Send send) {
    SendRequest request = SendRequest.newBuilder().setUserId(userId).setDeviceId(deviceId).setConnId(connId)
        .setConnSendSeq(sendSeq).setConnSendsAnswered(answered).setSend(send).build();
    return call("writer", () -> writer(writerId).send(request)).compose(Backend::sendAck);
  }

  /** The writer that serves connection {@code connId} now; "" if none is announced. */
  public String writerFor(long connId) {
    return directory.pick(Services.WRITER, connId).orElse("");
  }

  /** Writer {@code writerId}; "" (none was announced): the directory's, which fails UNAVAILABLE while none is. */
  private Writer writer(String writerId) {
    if (writerId.isEmpty()) {
      return directory.any(Services.WRITER);
    }
    return directory.find(Services.WRITER, writerId).orElseThrow(() -> new StoaException(Code.UNAVAILABLE,
        "writer '" + writerId + "' is not available; retry later"));
  }

  private static Future<SendAck> sendAck(SendResult result) {
    SendAck ack = result.getAck();
    if (ack.getCode() == Code.OK) {
      return Future.succeededFuture(ack);
    }
    return Future.failedFuture(rejection(ack.getCode(), result.getError(), "send"));
  }

  public Future<Messages> pull(String userId, String sessionId, long afterSeq, int limit) {
    PullRequest request = PullRequest.newBuilder().setUserId(userId).setSessionId(sessionId)
        .setAfterSeq(afterSeq).setLimit(limit).build();
    return call("reader", () -> directory.any(Services.READER).pull(request)).compose(result -> result.getCode() == Code.OK
        ? Future.succeededFuture(result.getMessages())
        : Future.failedFuture(rejection(result.getCode(), result.getError(), "pull")));
  }

  public Future<SyncResult> sync(String userId, long cursor, int limit) {
    SyncRequest request = SyncRequest.newBuilder().setUserId(userId).setCursor(cursor).setLimit(limit).build();
    return call("reader", () -> directory.any(Services.READER).sync(request)).compose(result -> result.getCode() == Code.OK
        ? Future.succeededFuture(result.getResult())
        : Future.failedFuture(rejection(result.getCode(), result.getError(), "sync")));
  }

  public Future<Void> attach(String stateServerId, Connection connection) {
    return call("state server '" + stateServerId + "'", () -> state(stateServerId).attach(connection)).mapEmpty();
  }

  /**
   * Which start of state server {@code stateServerId} is announced now (see
   * {@link ServiceDirectory#incarnation}); empty if it is not announced.
   */
  public String stateIncarnation(String stateServerId) {
    return directory.incarnation(Services.STATE, stateServerId).orElse("");
  }

  /**
   * Delivers {@code kick} to connection {@code connId} through gateway {@code gatewayId} (this one
   * or another), which writes it and closes the connection; succeeds doing nothing when that
   * gateway is not announced (its connections are gone with it).
   */
  public Future<Void> kick(String gatewayId, long connId, String reason) {
    DeliverRequest request = DeliverRequest.newBuilder().addConnIds(connId)
        .setFrame(Frame.newBuilder().setKick(Kick.newBuilder().setReason(reason))).build();
    return call("gateway '" + gatewayId + "'", () -> directory.find(Services.GATEWAY, gatewayId)
        .map(g -> g.deliver(request).<Void>mapEmpty()).orElseGet(Future::succeededFuture));
  }

  public Future<Void> detach(String stateServerId, Connection connection) {
    return call("state server '" + stateServerId + "'", () -> state(stateServerId).detach(connection)).mapEmpty();
  }

  public Future<Void> ack(String stateServerId, long connId, String sessionId, long msgId) {
    AckRequest request = AckRequest.newBuilder().setConnId(connId).setSessionId(sessionId).setMsgId(msgId).build();
    return call("state server '" + stateServerId + "'", () -> state(stateServerId).ack(request)).mapEmpty();
  }

  /** Joins connection {@code connId} to {@code roomId} through the state server that owns it. */
  public Future<Void> join(String stateServerId, String userId, long connId, String roomId) {
    RoomMembership m = RoomMembership.newBuilder().setConnId(connId).setUserId(userId).setRoomId(roomId).build();
    return call("state server '" + stateServerId + "'", () -> rooms(stateServerId).join(m))
        .compose(reply -> roomReply(reply, "join"));
  }

  /** Takes connection {@code connId} out of {@code roomId} through the state server that owns it. */
  public Future<Void> leave(String stateServerId, String userId, long connId, String roomId) {
    RoomMembership m = RoomMembership.newBuilder().setConnId(connId).setUserId(userId).setRoomId(roomId).build();
    return call("state server '" + stateServerId + "'", () -> rooms(stateServerId).leave(m))
        .compose(reply -> roomReply(reply, "leave"));
  }

  /**
   * Closes a room: the index server drops its ring (and writes the close to its log), the room
   * table drops its memberships, then every state server is told to stop fanning it out. Fails
   * if the index server or the room table could not do their part; a state server that cannot be
   * told is logged (its memberships are gone already, and it drops the room when a read finds it
   * closed).
   */
  public Future<Void> closeRoom(String roomId) {
    if (rooms == null) {
      return Future.failedFuture(new StoaException(Code.UNAVAILABLE, "roomId: this gateway has no room table"));
    }
    String sessionId = SessionId.ROOM_PREFIX + roomId;
    CloseRoomRequest request = CloseRoomRequest.newBuilder().setSessionId(sessionId).build();
    return call("index server", () -> directory.any(Services.INDEX).closeRoom(request))
        .compose(result -> result.getCode() == Code.OK ? Future.succeededFuture()
            : Future.failedFuture(rejection(result.getCode(), result.getError(), "close")))
        .compose(v -> call("room table", () -> rooms.close(roomId)))
        .compose(members -> {
          RoomClosedNotice notice = RoomClosedNotice.newBuilder().setRoomId(roomId).build();
          List<Future<Empty>> told = new ArrayList<>();
          for (String stateServerId : directory.announced(Services.ROOMS)) {
            told.add(call("state server '" + stateServerId + "'", () -> rooms(stateServerId).closed(notice))
                .onFailure(e -> LOG.log(Level.WARNING, "close of room '" + roomId + "': state server '"
                    + stateServerId + "' not told: " + e.getMessage())));
          }
          return Future.join(told).<Void>mapEmpty().otherwiseEmpty();
        });
  }

  private static Future<Void> roomReply(RoomReply reply, String what) {
    return reply.getCode() == Code.OK ? Future.succeededFuture()
        : Future.failedFuture(rejection(reply.getCode(), reply.getError(), what));
  }

  private Rooms rooms(String stateServerId) {
    return directory.find(Services.ROOMS, stateServerId).orElseThrow(() -> new StoaException(Code.UNAVAILABLE,
        "stateServer: the rooms of state server '" + stateServerId + "' are not available; retry later"));
  }

  /** The state server for a new connection, or UNAVAILABLE. */
  public String pickStateServer(long connId) {
    return directory.pick(Services.STATE, connId).orElseThrow(() -> new StoaException(Code.UNAVAILABLE,
        "stateServer: no state server is available; retry later"));
  }

  private State state(String stateServerId) {
    return directory.find(Services.STATE, stateServerId).orElseThrow(() -> new StoaException(Code.UNAVAILABLE,
        "stateServer: state server '" + stateServerId + "' is not available; retry later"));
  }

  private static <T> Future<T> call(String role, Supplier<Future<T>> call) {
    Future<T> future;
    try {
      future = call.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(failure(role, e));
    }
    if (future == null) {
      return Future.failedFuture(failure(role, new IllegalStateException(role + " returned no future")));
    }
    return future.recover(e -> Future.failedFuture(failure(role, e)));
  }

  private static StoaException rejection(Code code, String error, String what) {
    Code c = code == Code.UNRECOGNIZED ? Code.INTERNAL : code;
    String message = error == null || error.isEmpty() ? what + ": rejected with " + c.name() : error;
    return new StoaException(c, message);
  }

  /** Maps any failure of a call to {@code role} to a StoaException (see the class contract). */
  public static StoaException failure(String role, Throwable t) {
    if (t instanceof StoaException se) {
      return se;
    }
    if (t instanceof VertxException || t instanceof IOException || t instanceof TimeoutException) {
      return new StoaException(Code.UNAVAILABLE, role + ": unavailable (" + t.getClass().getSimpleName()
          + (t.getMessage() == null ? "" : ": " + t.getMessage()) + "); retry later");
    }
    LOG.log(Level.WARNING, "unexpected failure calling " + role, t);
    return new StoaException(Code.INTERNAL, role + ": internal error (" + t.getClass().getSimpleName() + ")");
  }
}
