package dev.stoa.gateway.impl;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;

/**
 * A WebSocket on {@code /v1/ws}: text messages carry JSON frames, binary messages protobuf
 * frames. Messages are checked against the frame limit here; the WebSocket layer's own limits are
 * set higher so that this check answers (see {@code HttpVerticle}). Closing sends close code 1008
 * (policy violation) with the reason. Thread-safety as in {@link ClientConnection}.
 */
public final class WebSocketConnection implements ClientConnection {
  private static final short CLOSE_POLICY = 1008;
  /**
   * The largest text message written as one frame: Vert.x's default maximum WebSocket frame size,
   * which the server keeps; a longer one goes through {@code writeTextMessage}, which splits it
   * into frames of that size as it always did.
   */
  static final int SINGLE_FRAME_MAX_BYTES = 65_536;

  private final ServerWebSocket ws;
  private final Context context;
  private final int frameMaxBytes;
  private final UnwrittenBytes unwritten;

  public WebSocketConnection(ServerWebSocket ws, Context context, int frameMaxBytes, int writeQueueMaxBytes) {
    this.ws = ws;
    this.context = context;
    this.frameMaxBytes = frameMaxBytes;
    this.unwritten = new UnwrittenBytes(writeQueueMaxBytes);
    ws.setWriteQueueMaxSize(writeQueueMaxBytes);
  }

  @Override
  public void start(Inbound inbound, Handler<Void> closed) {
    ws.textMessageHandler(text -> {
      // A char is at most 3 UTF-8 bytes (a surrogate pair is 4 for 2 chars): count only when it may matter.
      if ((long) text.length() * 3 > frameMaxBytes) {
        long bytes = FrameCodec.utf8Length(text);
        if (bytes > frameMaxBytes) {
          inbound.onTooLarge(bytes, Encoding.JSON);
          return;
        }
      }
      inbound.onText(text);
    });
    ws.binaryMessageHandler(bytes -> {
      if (bytes.length() > frameMaxBytes) {
        inbound.onTooLarge(bytes.length(), Encoding.BINARY);
        return;
      }
      inbound.onBinary(bytes, Encoding.BINARY);
    });
    ws.exceptionHandler(e -> { }); // the close handler follows; nothing to add
    ws.closeHandler(closed);
  }

  @Override
  public Encoding defaultEncoding() {
    return Encoding.JSON;
  }

  @Override
  public void write(EncodedFrame frame, Encoding encoding) {
    if (encoding == Encoding.JSON) {
      // the frame's UTF-8 bytes, printed once and shared by every connection it goes to: no String
      // and no per-connection encoding, as writeTextMessage(String) would cost
      byte[] utf8 = frame.jsonUtf8();
      Future<Void> written = utf8.length <= SINGLE_FRAME_MAX_BYTES
          ? ws.writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT, utf8, true))
          : ws.writeTextMessage(frame.json());
      unwritten.track(written, utf8.length);
    } else {
      Buffer bytes = frame.binary();
      unwritten.track(ws.writeBinaryMessage(bytes), bytes.length());
    }
  }

  @Override
  public boolean writeQueueFull() {
    return unwritten.overLimit();
  }

  @Override
  public void pause() {
    ws.pause();
  }

  @Override
  public void resume() {
    ws.resume();
  }

  @Override
  public void close(String reason) {
    if (!ws.isClosed()) {
      ws.close(CLOSE_POLICY, reason);
    }
  }

  @Override
  public Context context() {
    return context;
  }

  @Override
  public String remote() {
    return "ws " + ws.remoteAddress();
  }
}
