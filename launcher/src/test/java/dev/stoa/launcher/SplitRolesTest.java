package dev.stoa.launcher;

import dev.stoa.cluster.Role;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.common.config.Config;
import dev.stoa.launcher.StandaloneChatTest.Transport;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chat scenario with the roles split over three nodes (each its own Vert.x, Hazelcast member
 * and data directory) that reach each other only through Hazelcast discovery and gRPC on loopback:
 * a gateway node, a storage node (writer + reader on one RocksDB) and a state-server node, all
 * given the same cluster secret. A fourth node with a writer or a reader on its own RocksDB is refused.
 */
class SplitRolesTest {
  @TempDir
  static Path dir;
  static Vertx vertx;
  static String clusterName;
  static TestNode storage;
  static TestNode state;
  static TestNode gateway;
  static String members;
  static final String SECRET = "split-roles-cluster-secret-" + UUID.randomUUID();

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    String cluster = "stoa-split-" + UUID.randomUUID();
    // free ports, not 5701-5703: another Hazelcast cluster on this machine must not capture a member
    int[] ports = {freePort(), freePort(), freePort()};
    members = "127.0.0.1:" + ports[0] + ",127.0.0.1:" + ports[1] + ",127.0.0.1:" + ports[2];
    clusterName = cluster;
    storage = TestNode.start(EnumSet.of(Role.WRITER, Role.READER), dir.resolve("storage"), cluster,
        Map.of("cluster.members", members, "cluster.port", Integer.toString(ports[0]), "cluster.secret", SECRET));
    state = TestNode.start(EnumSet.of(Role.STATE), dir.resolve("state"), cluster,
        Map.of("cluster.members", members, "cluster.port", Integer.toString(ports[1]), "cluster.secret", SECRET));
    gateway = TestNode.start(EnumSet.of(Role.GATEWAY), dir.resolve("gateway"), cluster,
        Map.of("cluster.members", members, "cluster.port", Integer.toString(ports[2]), "cluster.secret", SECRET));
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @AfterAll
  static void stop() {
    gateway.close();
    state.close();
    storage.close();
    TestNode.await(vertx.close());
  }

  @Test
  void aSecondWriterOrReaderOnItsOwnEmbeddedStoreIsRefusedAtStartSayingWhy() {
    for (Role role : EnumSet.of(Role.WRITER, Role.READER)) {
      Map<String, String> settings = new HashMap<>();
      settings.put("data.dir", dir.resolve("second-" + role).toString());
      settings.put("cluster.name", clusterName);
      settings.put("cluster.secret", SECRET);
      settings.put("cluster.members", members);
      settings.put("cluster.port", Integer.toString(freePort()));
      StoaNode second = new StoaNode(Config.of(StoaNode.KEYS, settings), EnumSet.of(role),
          new PrintStream(OutputStream.nullOutputStream()));
      try {
        Throwable refused = TestNode.await(second.start().transform(ar -> Future.succeededFuture(ar.cause())));

        assertThat(refused).as("start of a second " + role).isNotNull()
            .hasMessageContaining("already has an embedded KV store (writer,reader of node " + storage.node.nodeId())
            .hasMessageContaining("would hand out the same seqs again");
      } finally {
        TestNode.await(second.stop());
      }
    }
    // the cluster's own writer and reader still serve, their claim untouched
    new ChatScenario(vertx, gateway, (token, device) ->
        StandaloneChatTest.client(vertx, gateway, Transport.WS_JSON, token, device)).run("after-refusal");
  }

  @Test
  void chatWorksAcrossProcessesOverGrpc() {
    new ChatScenario(vertx, gateway, (token, device) ->
        StandaloneChatTest.client(vertx, gateway, Transport.WS_JSON, token, device)).run("split");
  }

  @Test
  void aUserOverTheConnectionCapLosesItsOldestConnectionWhicheverGatewayHoldsIt() throws Exception {
    Map<String, String> capped = Map.of("cluster.members", members, "cluster.secret", SECRET,
        "gateway.user.max.connections", "2");
    Map<String, String> first = new HashMap<>(capped);
    first.put("cluster.port", Integer.toString(freePort()));
    Map<String, String> second = new HashMap<>(capped);
    second.put("cluster.port", Integer.toString(freePort()));
    try (TestNode gw1 = TestNode.start(EnumSet.of(Role.GATEWAY), dir.resolve("capped-1"), clusterName, first);
        TestNode gw2 = TestNode.start(EnumSet.of(Role.GATEWAY), dir.resolve("capped-2"), clusterName, second)) {
      RawClient phone = connect(gw1, "carol", "phone");
      RawClient tablet = connect(gw2, "carol", "tablet");
      RawClient laptop = connect(gw1, "carol", "laptop");

      // the third connection is accepted; the oldest, on the same gateway, is kicked
      assertThat(phone.nextOf("kick", 30).getString("reason"))
          .contains("user 'carol'", "gateway.user.max.connections", "oldest");
      awaitClosed(phone);
      // a fourth on the other gateway kicks the oldest left, the tablet on that gateway
      RawClient web = connect(gw2, "carol", "web");
      assertThat(tablet.nextOf("kick", 30).getString("reason")).contains("gateway.user.max.connections");
      awaitClosed(tablet);
      for (RawClient alive : java.util.List.of(laptop, web)) {
        alive.send("{\"ping\":{}}");
        assertThat(alive.nextOf("pong", 30)).isNotNull();
        alive.close();
      }
      double kicked = dev.stoa.common.metrics.Metrics.registry().get("stoa.gateway.user.connections.kicked")
          .counter().count();
      assertThat(kicked).as("kicks counted").isGreaterThanOrEqualTo(2);
    }
  }

  private static RawClient connect(TestNode node, String user, String device) throws InterruptedException {
    RawClient client = RawClient.open(vertx, node.httpPort());
    assertThat(client.connect(node.token(vertx, user, device), device).getString("userId")).isEqualTo(user);
    Thread.sleep(20); // the next connection is younger by a clock tick, so "oldest" is well defined
    return client;
  }

  private static void awaitClosed(RawClient client) throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    while (!client.isClosed() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(client.isClosed()).as("kicked connection closed").isTrue();
  }
}
