package dev.stoa.sdk.impl;

import dev.stoa.proto.client.Frame;
import dev.stoa.sdk.Encoding;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;

/**
 * Connections over a WebSocket: writes text (JSON) or binary (protobuf) messages according to the
 * endpoint's {@link Encoding}, and reads both. Incoming messages may be fragmented into frames;
 * whole messages are limited to {@code maxFrameBytes}. Outgoing messages are fragmented at Vert.x's
 * default frame size so a server with default limits accepts them. Call on the client's context.
 */
public final class WebSocketTransport implements Transport {
  private static final System.Logger LOG = System.getLogger(WebSocketTransport.class.getName());

  private final Endpoint.WebSocket endpoint;
  private final WebSocketClient client;
  private final long connectTimeoutMillis;

  public WebSocketTransport(Vertx vertx, Endpoint.WebSocket endpoint, int maxFrameBytes, long connectTimeoutMillis) {
    this.endpoint = endpoint;
    this.connectTimeoutMillis = connectTimeoutMillis;
    this.client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxMessageSize(maxFrameBytes)
        .setTcpNoDelay(true)
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, connectTimeoutMillis)));
  }

  @Override
  public Future<Connection> open(Connection.Listener listener) {
    WebSocketConnectOptions options = new WebSocketConnectOptions()
        .setHost(endpoint.host())
        .setPort(endpoint.port())
        .setURI(endpoint.requestUri())
        .setSsl(endpoint.ssl())
        .setTimeout(connectTimeoutMillis);
    return client.connect(options).map(ws -> new WsConnection(ws, endpoint.encoding(), listener));
  }

  @Override
  public Future<Void> close() {
    return client.close();
  }

  @Override
  public String describe() {
    return endpoint.toString();
  }

  private static final class WsConnection implements Connection {
    private final WebSocket ws;
    private final Encoding encoding;
    private final Connection.Listener listener;
    private boolean closed;

    WsConnection(WebSocket ws, Encoding encoding, Connection.Listener listener) {
      this.ws = ws;
      this.encoding = encoding;
      this.listener = listener;
      ws.textMessageHandler(this::onText);
      ws.binaryMessageHandler(this::onBinary);
      ws.exceptionHandler(error -> {
        LOG.log(System.Logger.Level.DEBUG, "websocket error, closing: {0}", error.toString());
        close();
      });
      ws.closeHandler(v -> closed());
    }

    private void onText(String text) {
      if (closed) {
        return;
      }
      try {
        listener.onFrame(JsonFrames.decode(text));
      } catch (FrameDecodeException e) {
        listener.onDecodeError(e);
        close();
      }
    }

    private void onBinary(Buffer bytes) {
      if (closed) {
        return;
      }
      try {
        listener.onFrame(ProtobufFrames.decode(bytes));
      } catch (FrameDecodeException e) {
        listener.onDecodeError(e);
        close();
      }
    }

    @Override
    public void write(Frame frame) {
      if (closed) {
        return;
      }
      Future<Void> written = encoding == Encoding.JSON
          ? ws.writeTextMessage(JsonFrames.encode(frame))
          : ws.writeBinaryMessage(ProtobufFrames.encode(frame));
      written.onFailure(error -> LOG.log(System.Logger.Level.DEBUG, "websocket write failed: {0}", error.toString()));
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      ws.close().onComplete(ar -> closed());
    }

    private void closed() {
      if (!closed) {
        closed = true;
        listener.onClosed();
      }
    }
  }
}
