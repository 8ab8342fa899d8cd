package dev.stoa.bench.impl;

import io.vertx.core.http.WebSocket;

/**
 * The client side of Stoa's long-connection protocol (PROTOCOL.md) reduced to what the load needs:
 * write connect, send, ack, join and ping frames, and turn received frames into {@link Events}. Two
 * encodings: JSON text frames and protobuf binary frames. Stateless; the events run on the
 * socket's event loop.
 */
public interface StoaCodec {
  /** What the client learns from the server's frames. */
  interface Events {
    void connAck();

    /** {@code seq} is 0 when the answer carries none (a refused send). */
    void sendAck(String clientMsgId, String code, long seq);

    void push(String sessionId, long msgId, long seq, long preSeq, String fromUserId, String body);

    void error(String code, String message, String clientMsgId);

    void notify(String sessionId);

    /** A {@code joined} answer. */
    default void joined(String roomId) {
      other("joined");
    }

    /** A {@code kick}: the server is closing the connection for {@code reason}. */
    default void kick(String reason) {
      other("kick");
    }

    /** Any other frame (pong, ...) or one that cannot be decoded, by a short name. */
    void other(String kind);
  }

  void writeConnect(WebSocket ws, String token, String deviceId);

  void writeSend(WebSocket ws, String clientMsgId, String sessionId, String body);

  void writeAck(WebSocket ws, String sessionId, long msgId);

  void writeJoin(WebSocket ws, String roomId);

  void writePing(WebSocket ws);

  /** Installs the frame handlers of this encoding on {@code ws}. */
  void install(WebSocket ws, Events events);
}
