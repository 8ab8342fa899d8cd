package dev.stoa.state;

import dev.stoa.common.config.NodeOptions;
import dev.stoa.cluster.ClusterNode;
import dev.stoa.cluster.ClusterOptions;
import dev.stoa.cluster.ClusterSecret;
import dev.stoa.router.HazelcastRoomTable;
import dev.stoa.router.RouterOptions;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * One real Hazelcast member on 127.0.0.1 for every test class of this JVM that needs a room table,
 * in a cluster of a random name (no member of another run can join it), started on first use and
 * shut down when the JVM exits. Thread-safe.
 */
final class SharedCluster {
  private static Vertx vertx;
  private static ClusterNode node;

  private SharedCluster() {}

  /** A room table on the shared member whose memberships expire after {@code routeTtl}. */
  static synchronized HazelcastRoomTable roomTable(Duration routeTtl) throws Exception {
    if (node == null) {
      ClusterOptions options = ClusterOptions.defaults().withClusterName("stoa-state-test-" + UUID.randomUUID())
          .withClusterPort(freePort()).withClusterMembers(java.util.List.of())
          .withRpcTimeout(Duration.ofSeconds(5));
      vertx = Vertx.vertx();
      ClusterNode started = new ClusterNode(vertx, options,
          new NodeOptions(Path.of("data"), "127.0.0.1", "127.0.0.1", "", "state-test"),
          ClusterSecret.of("state-test-secret-" + UUID.randomUUID()));
      started.start().await(60, TimeUnit.SECONDS);
      node = started;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        started.hazelcast().shutdown();
        vertx.close();
      }, "stoa-test-cluster-shutdown"));
    }
    return new HazelcastRoomTable(node.hazelcast(), vertx, RouterOptions.defaults().withRouteTtl(routeTtl));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
