package dev.stoa.gateway;

import static dev.stoa.gateway.TestClients.await;

import dev.stoa.gateway.TestClients.FrameClient;
import dev.stoa.gateway.TestClients.Kind;
import dev.stoa.gateway.TestPeers.FakeDirectory;
import dev.stoa.gateway.TestPeers.FakeRouteTable;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A real gateway on 127.0.0.1 ephemeral ports in front of the in-test peers; one per test. */
abstract class GatewayFixture {
  static final String ADMIN_SECRET = "test-admin-secret";

  Vertx vertx;
  FakeDirectory directory;
  FakeRouteTable routes;
  AtomicLong nextConnId;
  GatewayServer server;
  final List<AutoCloseable> clients = new ArrayList<>();

  @BeforeEach
  void setUpPeers() {
    vertx = Vertx.vertx();
    directory = new FakeDirectory();
    routes = new FakeRouteTable();
    nextConnId = new AtomicLong(6);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : clients) {
      try {
        c.close();
      } catch (Exception ignored) {
        // already closed by the test
      }
    }
    if (server != null) {
      await(server.stop());
    }
    await(vertx.close());
  }

  GatewayServer start(Map<String, String> overrides) {
    Map<String, String> settings = new HashMap<>(Map.of("http.port", "0", "tcp.port", "0"));
    settings.putAll(overrides);
    server = new GatewayServer(vertx, GatewayOptions.of(settings), ADMIN_SECRET, "gw-test", directory, routes,
        nextConnId::incrementAndGet, Clock.systemUTC());
    await(server.start());
    return server;
  }

  GatewayServer start() {
    return start(Map.of());
  }

  String token(String userId, String deviceId) {
    return server.tokens().issue(userId, deviceId, Duration.ofHours(1)).token();
  }

  <C extends FrameClient> C track(C client) {
    clients.add(client);
    return client;
  }

  FrameClient open(Kind kind) {
    return track(TestClients.open(kind, vertx, server));
  }

  TestClients.WsClient openWs(boolean binary) {
    return track(TestClients.WsClient.open(vertx, server.httpPort(), binary));
  }

  TestClients.TcpClient openTcp() {
    return track(TestClients.TcpClient.open(vertx, server.tcpPort()));
  }

  /** Polls {@code condition} every 20 ms for up to {@link TestClients#WAIT}. */
  static void eventually(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TestClients.WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("not within " + TestClients.WAIT + ": " + what);
  }
}
