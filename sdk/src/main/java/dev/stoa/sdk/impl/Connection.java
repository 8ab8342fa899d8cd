package dev.stoa.sdk.impl;

import dev.stoa.proto.client.Frame;

/**
 * One open long connection, already framed: {@link #write} takes whole frames, the {@link Listener}
 * gets whole frames. Every listener method runs on the client's context; {@link Listener#onClosed}
 * runs exactly once per connection, whoever closed it. Call only on the client's context.
 */
public interface Connection {

  /** Writes one frame; a write on a closed connection is dropped (the close is reported anyway). */
  void write(Frame frame);

  /** Closes the connection; {@link Listener#onClosed} follows. Idempotent. */
  void close();

  /** What a transport reports about a connection. */
  interface Listener {
    void onFrame(Frame frame);

    /** A frame that could not be decoded; the transport closes the connection right after. */
    void onDecodeError(FrameDecodeException error);

    void onClosed();
  }
}
