package dev.stoa.sdk.impl;

import dev.stoa.proto.client.Frame;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;

/**
 * Connections over TCP with {@link VarintFraming}: varint32 length + protobuf, both directions. A
 * malformed or oversize length from the server closes the connection after reporting it. Call on
 * the client's context.
 */
public final class TcpTransport implements Transport {
  private static final System.Logger LOG = System.getLogger(TcpTransport.class.getName());

  private final Endpoint.Tcp endpoint;
  private final NetClient client;
  private final int maxFrameBytes;

  public TcpTransport(Vertx vertx, Endpoint.Tcp endpoint, int maxFrameBytes, long connectTimeoutMillis) {
    this.endpoint = endpoint;
    this.maxFrameBytes = maxFrameBytes;
    this.client = vertx.createNetClient(new NetClientOptions()
        .setTcpNoDelay(true)
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, connectTimeoutMillis)));
  }

  @Override
  public Future<Connection> open(Connection.Listener listener) {
    return client.connect(endpoint.port(), endpoint.host())
        .map(socket -> new TcpConnection(socket, new VarintFraming.Decoder(maxFrameBytes), listener));
  }

  @Override
  public Future<Void> close() {
    return client.close();
  }

  @Override
  public String describe() {
    return endpoint.toString();
  }

  private static final class TcpConnection implements Connection {
    private final NetSocket socket;
    private final VarintFraming.Decoder decoder;
    private final Connection.Listener listener;
    private boolean closed;

    TcpConnection(NetSocket socket, VarintFraming.Decoder decoder, Connection.Listener listener) {
      this.socket = socket;
      this.decoder = decoder;
      this.listener = listener;
      socket.handler(this::onBytes);
      socket.exceptionHandler(error -> {
        LOG.log(System.Logger.Level.DEBUG, "tcp error, closing: {0}", error.toString());
        close();
      });
      socket.closeHandler(v -> closed());
    }

    private void onBytes(Buffer chunk) {
      if (closed) {
        return;
      }
      try {
        for (Buffer payload : decoder.feed(chunk)) {
          listener.onFrame(ProtobufFrames.decode(payload));
          if (closed) {
            return;
          }
        }
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
      socket.write(VarintFraming.encode(frame))
          .onFailure(error -> LOG.log(System.Logger.Level.DEBUG, "tcp write failed: {0}", error.toString()));
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      socket.close().onComplete(ar -> closed());
    }

    private void closed() {
      if (!closed) {
        closed = true;
        listener.onClosed();
      }
    }
  }
}
