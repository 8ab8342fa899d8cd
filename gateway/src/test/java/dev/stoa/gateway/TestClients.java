package dev.stoa.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.stoa.gateway.impl.FrameCodec;
import dev.stoa.gateway.impl.TcpFrameDecoder;
import dev.stoa.proto.ProtoJson;
import dev.stoa.proto.client.Connect;
import dev.stoa.proto.client.Frame;
import dev.stoa.proto.client.Ping;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Real Vert.x WebSocket and TCP clients for the tests, collecting what the server sends. */
final class TestClients {
  static final Duration WAIT = Duration.ofSeconds(15);

  private TestClients() {}

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("future did not complete within " + WAIT + ": " + e, e);
    }
  }

  /** One frame as received: the raw JSON text for a JSON client, null otherwise. */
  record Received(String text, Frame frame) {}

  enum Kind { WS_JSON, WS_BINARY, TCP }

  /** A connected client of one kind. */
  abstract static class FrameClient implements AutoCloseable {
    final LinkedBlockingQueue<Received> inbox = new LinkedBlockingQueue<>();
    final CompletableFuture<Void> closed = new CompletableFuture<>();

    abstract void send(Frame frame);

    abstract Kind kind();

    @Override
    public abstract void close();

    Received next() {
      try {
        Received r = inbox.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (r == null) {
          fail("no frame within " + WAIT + (closed.isDone() ? " (connection closed)" : ""));
        }
        return r;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }

    Frame nextFrame() {
      return next().frame();
    }

    /** Skips frames of other types until one of {@code type} arrives. */
    Frame nextOf(Frame.FrameCase type) {
      for (int i = 0; i < 50; i++) {
        Frame f = nextFrame();
        if (f.getFrameCase() == type) {
          return f;
        }
      }
      throw new AssertionError("no " + type + " frame in 50 frames");
    }

    void awaitClosed() {
      try {
        closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        throw new AssertionError("connection not closed within " + WAIT, e);
      }
    }

    boolean isClosed() {
      return closed.isDone();
    }

    Frame connect(String token) {
      send(Frame.newBuilder().setConnect(Connect.newBuilder().setToken(token)).build());
      Frame f = nextFrame();
      assertThat(f.hasConnAck()).as("expected connAck, got %s", f).isTrue();
      return f;
    }

    /** Sends a ping and expects a pong. */
    void pingPong() {
      send(Frame.newBuilder().setPing(Ping.getDefaultInstance()).build());
      Frame f = nextFrame();
      assertThat(f.hasPong()).as("expected pong, got %s", f).isTrue();
    }
  }

  static final class WsClient extends FrameClient {
    final WebSocket ws;
    final boolean binary;
    final WebSocketClient client;

    private WsClient(WebSocketClient client, WebSocket ws, boolean binary) {
      this.client = client;
      this.ws = ws;
      this.binary = binary;
      ws.textMessageHandler(text -> {
        try {
          inbox.add(new Received(text, ProtoJson.parseFrame(text)));
        } catch (Exception e) {
          inbox.add(new Received(text, Frame.getDefaultInstance()));
        }
      });
      ws.binaryMessageHandler(bytes -> inbox.add(new Received(null, FrameCodec.parseBinary(bytes))));
      ws.closeHandler(v -> closed.complete(null));
    }

    static WsClient open(Vertx vertx, int port, boolean binary) {
      WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
          .setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 22));
      WebSocket ws = await(client.connect(port, "127.0.0.1", "/v1/ws"));
      return new WsClient(client, ws, binary);
    }

    @Override
    Kind kind() {
      return binary ? Kind.WS_BINARY : Kind.WS_JSON;
    }

    @Override
    void send(Frame frame) {
      if (binary) {
        await(ws.writeBinaryMessage(FrameCodec.toBinary(frame)));
      } else {
        await(ws.writeTextMessage(FrameCodec.toJson(frame)));
      }
    }

    void sendText(String text) {
      await(ws.writeTextMessage(text));
    }

    void sendBinary(Buffer bytes) {
      await(ws.writeBinaryMessage(bytes));
    }

    @Override
    public void close() {
      if (!ws.isClosed()) {
        ws.close();
      }
      client.close();
    }
  }

  static final class TcpClient extends FrameClient {
    final NetSocket socket;
    final NetClient client;

    private TcpClient(NetClient client, NetSocket socket) {
      this.client = client;
      this.socket = socket;
      TcpFrameDecoder decoder = new TcpFrameDecoder(1 << 22, new TcpFrameDecoder.Listener() {
        @Override
        public void onFrame(Buffer payload) {
          inbox.add(new Received(null, FrameCodec.parseBinary(payload)));
        }

        @Override
        public void onTooLarge(long declaredBytes) {
          throw new AssertionError("server sent a frame of " + declaredBytes + " bytes");
        }

        @Override
        public void onCorrupt(String message) {
          throw new AssertionError("server stream corrupt: " + message);
        }
      });
      socket.handler(decoder::feed);
      socket.closeHandler(v -> closed.complete(null));
    }

    static TcpClient open(Vertx vertx, int port) {
      NetClient client = vertx.createNetClient();
      return new TcpClient(client, await(client.connect(port, "127.0.0.1")));
    }

    @Override
    Kind kind() {
      return Kind.TCP;
    }

    @Override
    void send(Frame frame) {
      await(socket.write(FrameCodec.toTcp(frame)));
    }

    void sendRaw(Buffer bytes) {
      await(socket.write(bytes));
    }

    @Override
    public void close() {
      socket.close();
      client.close();
    }
  }

  static FrameClient open(Kind kind, Vertx vertx, GatewayServer server) {
    return switch (kind) {
      case WS_JSON -> WsClient.open(vertx, server.httpPort(), false);
      case WS_BINARY -> WsClient.open(vertx, server.httpPort(), true);
      case TCP -> TcpClient.open(vertx, server.tcpPort());
    };
  }
}
