package dev.stoa.gateway.impl;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;

/**
 * A TCP socket carrying varint32-length-prefixed protobuf frames, split by a
 * {@link TcpFrameDecoder}. Thread-safety as in {@link ClientConnection}.
 */
public final class TcpConnection implements ClientConnection {
  private final NetSocket socket;
  private final Context context;
  private final int frameMaxBytes;
  private final UnwrittenBytes unwritten;

  public TcpConnection(NetSocket socket, Context context, int frameMaxBytes, int writeQueueMaxBytes) {
    this.socket = socket;
    this.context = context;
    this.frameMaxBytes = frameMaxBytes;
    this.unwritten = new UnwrittenBytes(writeQueueMaxBytes);
    socket.setWriteQueueMaxSize(writeQueueMaxBytes);
  }

  @Override
  public void start(Inbound inbound, Handler<Void> closed) {
    TcpFrameDecoder decoder = new TcpFrameDecoder(frameMaxBytes, new TcpFrameDecoder.Listener() {
      @Override
      public void onFrame(Buffer payload) {
        inbound.onBinary(payload, Encoding.TCP);
      }

      @Override
      public void onTooLarge(long declaredBytes) {
        inbound.onTooLarge(declaredBytes, Encoding.TCP);
      }

      @Override
      public void onCorrupt(String message) {
        inbound.onCorrupt(message, Encoding.TCP);
      }
    });
    socket.handler(decoder::feed);
    socket.exceptionHandler(e -> { }); // the close handler follows; nothing to add
    socket.closeHandler(closed);
  }

  @Override
  public Encoding defaultEncoding() {
    return Encoding.TCP;
  }

  @Override
  public void write(EncodedFrame frame, Encoding encoding) {
    Buffer bytes = frame.tcp();
    unwritten.track(socket.write(bytes), bytes.length());
  }

  @Override
  public boolean writeQueueFull() {
    return unwritten.overLimit();
  }

  @Override
  public void pause() {
    socket.pause();
  }

  @Override
  public void resume() {
    socket.resume();
  }

  @Override
  public void close(String reason) {
    socket.end();
  }

  @Override
  public Context context() {
    return context;
  }

  @Override
  public String remote() {
    return "tcp " + socket.remoteAddress();
  }
}
