package dev.stoa.gateway.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelPipeline;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real servers on loopback: the batching handler lands in the pipeline of the Vert.x version we
 * ship (it reaches Vert.x internals), and frames written back to back from event-loop tasks, the
 * way sendAcks are, all arrive in order.
 */
class FlushBatchingTest {
  static final int FRAMES = 200;
  Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aWebSocketConnectionGetsTheHandlerAndFramesWrittenFromTasksArriveInOrder() throws Exception {
    CompletableFuture<ChannelPipeline> pipeline = new CompletableFuture<>();
    HttpServer server = vertx.createHttpServer()
        .connectionHandler(conn -> {
          FlushBatching.install(conn);
          pipeline.complete(((ConnectionBase) conn).channelHandlerContext().pipeline());
        })
        .webSocketHandler(ws -> ws.textMessageHandler(go -> {
          for (int i = 0; i < FRAMES; i++) {
            int n = i;
            vertx.getOrCreateContext().runOnContext(v -> ws.writeTextMessage("frame-" + n));
          }
        }));
    int port = server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();

    List<String> received = new ArrayList<>();
    CompletableFuture<Void> all = new CompletableFuture<>();
    WebSocketClient client = vertx.createWebSocketClient();
    var ws = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/"))
        .await(10, TimeUnit.SECONDS);
    ws.textMessageHandler(text -> {
          synchronized (received) {
            received.add(text);
            if (received.size() == FRAMES) {
              all.complete(null);
            }
          }
        });
    ws.writeTextMessage("go");

    assertThat(pipeline.get(10, TimeUnit.SECONDS).get(FlushBatching.HANDLER_NAME)).isNotNull();
    all.get(10, TimeUnit.SECONDS);
    synchronized (received) {
      for (int i = 0; i < FRAMES; i++) {
        assertThat(received.get(i)).isEqualTo("frame-" + i);
      }
    }
  }

  @Test
  void aTcpSocketGetsTheHandlerAndItsBytesArriveWhole() throws Exception {
    CompletableFuture<ChannelPipeline> pipeline = new CompletableFuture<>();
    NetServer server = vertx.createNetServer().connectHandler(socket -> {
      FlushBatching.install(socket);
      pipeline.complete(((NetSocketInternal) socket).channelHandlerContext().pipeline());
      socket.handler(go -> {
        for (int i = 0; i < FRAMES; i++) {
          vertx.getOrCreateContext().runOnContext(v -> socket.write(Buffer.buffer(new byte[] {7})));
        }
      });
    });
    int port = server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();

    CompletableFuture<Void> all = new CompletableFuture<>();
    int[] bytes = {0};
    NetSocket socket = vertx.createNetClient().connect(port, "127.0.0.1").await(10, TimeUnit.SECONDS);
    socket.handler(buf -> {
      synchronized (bytes) {
        bytes[0] += buf.length();
        if (bytes[0] == FRAMES) {
          all.complete(null);
        }
      }
    });
    socket.write(Buffer.buffer("go"));

    assertThat(pipeline.get(10, TimeUnit.SECONDS).get(FlushBatching.HANDLER_NAME)).isNotNull();
    all.get(10, TimeUnit.SECONDS);
  }
}
