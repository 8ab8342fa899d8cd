package dev.stoa.sdk.impl;

import io.vertx.core.Future;

/**
 * Opens connections to one endpoint. {@link #open} must be called on the client's context so the
 * connection's callbacks run there. Implementations: {@link WebSocketTransport},
 * {@link TcpTransport}.
 */
public interface Transport {
  Future<Connection> open(Connection.Listener listener);

  /** Releases the underlying Vert.x client; connections it opened are closed. */
  Future<Void> close();

  /** The endpoint, for error messages, e.g. {@code ws://127.0.0.1:8080/v1/ws (JSON)}. */
  String describe();
}
