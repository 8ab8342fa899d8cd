package dev.stoa.bench.impl;

import io.vertx.core.http.WebSocket;

/**
 * The client side of Stoa's long-connection protocol (PROTOCOL.md) reduced to what the load needs:
 * write connect, send and ack frames, and turn received frames into {@link Events}. Two
 * encodings: JSON text frames and protobuf binary frames. Stateless; the events run on the
 * socket's event loop.
 */
public interface StoaCodec {
  /** What the client learns from the server's frames. */
  interface Events {
    void connAck();

    void sendAck(String clientMsgId, String code);

    void push(String sessionId, long msgId, String fromUserId, String body);

    void error(String code, String message, String clientMsgId);

    void notify(String sessionId);

    /** Any other frame (pong, kick, ...) or one that cannot be decoded, by a short name. */
    void other(String kind);
  }

  void writeConnect(WebSocket ws, String token, String deviceId);

  void writeSend(WebSocket ws, String clientMsgId, String sessionId, String body);

  void writeAck(WebSocket ws, String sessionId, long msgId);

  /** Installs the frame handlers of this encoding on {@code ws}. */
  void install(WebSocket ws, Events events);
}
