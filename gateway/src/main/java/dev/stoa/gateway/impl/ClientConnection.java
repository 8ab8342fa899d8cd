package dev.stoa.gateway.impl;

import io.vertx.core.Context;
import io.vertx.core.Handler;

/**
 * One client socket, WebSocket or TCP, as the {@link LongConnection} sees it: frames in (delivered to
 * the {@link Inbound} set with {@link #start}), frames out in a given encoding, flow control and
 * close. {@link #write} may be called from any thread; everything else from the connection's
 * event loop ({@link #context()}).
 */
public interface ClientConnection {

  /** What the transport hands to its session, on the connection's event loop. */
  interface Inbound {
    void onText(String text);

    void onBinary(io.vertx.core.buffer.Buffer bytes, Encoding encoding);

    /** A frame over the size limit arrived; {@code declaredBytes} is its size. */
    void onTooLarge(long declaredBytes, Encoding encoding);

    /** The byte stream cannot be framed any more; the connection must be closed. */
    void onCorrupt(String message, Encoding encoding);
  }

  /** Starts reading; {@code closed} runs once when the socket is closed by either side. */
  void start(Inbound inbound, Handler<Void> closed);

  /** The encoding used for frames written before the client sent anything (e.g. a connect timeout). */
  Encoding defaultEncoding();

  void write(EncodedFrame frame, Encoding encoding);

  /** More than {@code gateway.write.queue.max.bytes} written and not yet taken by the kernel; any thread. */
  boolean writeQueueFull();

  void pause();

  void resume();

  /** Closes after what was written is flushed; {@code reason} is a short code for the WebSocket close frame. */
  void close(String reason);

  Context context();

  /** Remote address, for logs. */
  String remote();
}
