package dev.stoa.gateway.impl;

import dev.stoa.common.Ids;
import dev.stoa.common.StoaException;
import dev.stoa.proto.client.Code;
import dev.stoa.proto.client.Frame;
import dev.stoa.proto.client.Send;
import dev.stoa.proto.client.Joined;
import dev.stoa.proto.client.Left;
import dev.stoa.proto.client.Pong;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Answers the frames of a connected session (everything but {@code connect}): {@code send} to the
 * writer ({@code sendAck} or {@code error} with the clientMsgId), {@code ack} to the connection's
 * state server (no answer), {@code pull}/{@code sync} to a reader ({@code messages}/
 * {@code syncResult} or {@code error}), {@code ping} ({@code pong}), {@code join}/{@code leave}
 * through the state server that owns the connection ({@code joined}/{@code left} or {@code error}). The returned future never fails: a failure becomes an
 * {@code error} frame; it succeeds with null when there is nothing to answer. It may complete on
 * any thread. Thread-safe.
 */
public final class FrameDispatcher {
  private static final Logger LOG = Logger.getLogger(FrameDispatcher.class.getName());

  private final Backend backend;
  private final Clock clock;

  public FrameDispatcher(Backend backend, Clock clock) {
    this.backend = backend;
    this.clock = clock;
  }

  /**
   * A long connection's {@code send}, numbered {@code sendSeq} in its connection (every send up
   * to {@code answered} answered), through writer {@code writerId}: its {@code sendAck}, or an
   * {@code error} with the clientMsgId.
   */
  public Future<Frame> send(ConnectionInfo who, String writerId, long sendSeq, long answered, Send send) {
    return answer(backend.send(writerId, who.userId(), who.deviceId(), who.connId(), sendSeq, answered, send)
        .map(ack -> Frame.newBuilder().setSendAck(ack).build()), send.getClientMsgId());
  }

  public Future<Frame> handle(ConnectionInfo who, Frame frame) {
    return switch (frame.getFrameCase()) {
      case SEND -> {
        String clientMsgId = frame.getSend().getClientMsgId();
        yield answer(backend.send(who.userId(), who.deviceId(), who.connId(), frame.getSend())
            .map(ack -> Frame.newBuilder().setSendAck(ack).build()), clientMsgId);
      }
      case ACK -> {
        backend.ack(who.stateServerId(), who.connId(), frame.getAck().getSessionId(), frame.getAck().getMsgId())
            .onFailure(e -> LOG.log(Level.FINE, "ack of conn " + Long.toUnsignedString(who.connId()) + " lost", e));
        yield Future.succeededFuture();
      }
      case PULL -> answer(backend.pull(who.userId(), frame.getPull().getSessionId(), frame.getPull().getAfterSeq(),
          frame.getPull().getLimit()).map(m -> Frame.newBuilder().setMessages(m).build()), null);
      case SYNC -> answer(backend.sync(who.userId(), frame.getSync().getCursor(), frame.getSync().getLimit())
          .map(r -> Frame.newBuilder().setSyncResult(r).build()), null);
      case PING -> Future.succeededFuture(
          Frame.newBuilder().setPong(Pong.newBuilder().setServerTime(clock.millis())).build());
      case JOIN -> {
        String roomId = frame.getJoin().getRoomId();
        yield answer(validRoom(roomId).compose(ok -> backend.join(who.stateServerId(), who.userId(), who.connId(), roomId))
            .map(v -> Frame.newBuilder().setJoined(Joined.newBuilder().setRoomId(roomId)).build()), null);
      }
      case LEAVE -> {
        String roomId = frame.getLeave().getRoomId();
        yield answer(validRoom(roomId).compose(ok -> backend.leave(who.stateServerId(), who.userId(), who.connId(), roomId))
            .map(v -> Frame.newBuilder().setLeft(Left.newBuilder().setRoomId(roomId)).build()), null);
      }
      default -> Future.succeededFuture(Frames.error(Code.BAD_REQUEST,
          "frame: '" + FrameCodec.typeName(frame.getFrameCase()) + "' is not handled here", null));
    };
  }

  private static Future<Frame> answer(Future<Frame> result, String clientMsgId) {
    return result.otherwise(e -> Frames.error(e, clientMsgId));
  }

  private static Future<Void> validRoom(String roomId) {
    try {
      Ids.requireId("roomId", roomId);
      return Future.succeededFuture();
    } catch (StoaException e) {
      return Future.failedFuture(e);
    }
  }
}
