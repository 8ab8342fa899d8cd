package dev.stoa.cluster;

import static dev.stoa.cluster.TestFutures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.stoa.common.config.NodeOptions;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Who may join a cluster's Hazelcast: only members given the same cluster secret. */
class ClusterIsolationTest {
  static TestCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = TestCluster.start(1);
  }

  @AfterAll
  static void stop() throws Exception {
    cluster.close();
  }

  static HazelcastInstance hazelcast() {
    return cluster.member(0).node().hazelcast();
  }

  /** A plain Hazelcast member named {@code clusterName} that tries to join the cluster's first member. */
  static HazelcastInstance stranger(String clusterName) throws Exception {
    Config config = new Config().setClusterName(clusterName);
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.setProperty("hazelcast.logging.type", "jdk");
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.max.join.seconds", "10");
    config.getNetworkConfig().setPort(TestCluster.freePort()).setPortAutoIncrement(false)
        .getInterfaces().setEnabled(true).setInterfaces(List.of("127.0.0.1"));
    JoinConfig join = config.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(List.of(cluster.seed())).setConnectionTimeoutSeconds(2);
    return Hazelcast.newHazelcastInstance(config);
  }

  @Test
  void theHazelcastClusterNameIsDerivedFromTheSecretNotTheLabel() {
    String name = hazelcast().getConfig().getClusterName();
    assertThat(name).isEqualTo(cluster.secret().hazelcastClusterName(cluster.name())).isNotEqualTo(cluster.name());
  }

  @Test
  void membersNamedByTheLabelOrADefaultNameDoNotJoin() throws Exception {
    for (String guess : List.of(cluster.name(), "stoa", "dev")) {
      HazelcastInstance stranger = stranger(guess);
      try {
        assertThat(stranger.getCluster().getMembers()).as("members seen by a stranger named '%s'", guess).hasSize(1);
        assertThat(hazelcast().getCluster().getMembers()).as("members after '%s' tried", guess).hasSize(1);
      } finally {
        stranger.shutdown();
      }
    }
  }

  @Test
  void aStoaMemberWithAnotherSecretDoesNotJoin() throws Exception {
    Vertx vertx = Vertx.vertx();
    ClusterOptions options = cluster.member(0).options().withClusterPort(TestCluster.freePort())
        .withClusterMembers(List.of(cluster.seed()));
    ClusterNode other = new ClusterNode(vertx, options, TestCluster.nodeOptions("other"),
        ClusterSecret.of("a-different-secret-of-another-cluster"));
    try {
      other.start().await(60, TimeUnit.SECONDS);

      assertThat(other.hazelcast().getCluster().getMembers()).hasSize(1);
      assertThat(hazelcast().getCluster().getMembers()).hasSize(1);
    } finally {
      other.stop().await(60, TimeUnit.SECONDS);
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aLoopbackInternalAddressWithMembersOnOtherMachinesFailsTheStartNamingTheKey() throws Exception {
    Vertx vertx = Vertx.vertx();
    ClusterOptions options = cluster.member(0).options().withClusterMembers(List.of("10.255.255.1:5701"));
    ClusterNode node = new ClusterNode(vertx, options,
        new NodeOptions(Path.of("data"), "127.0.0.1", "127.0.0.1", "", "lonely"), cluster.secret());
    try {
      Throwable e = failure(node.start());

      assertThat(e).hasMessageContaining("cluster.members lists '10.255.255.1:5701'")
          .hasMessageContaining("internal.host");
    } finally {
      node.stop().await(60, TimeUnit.SECONDS);
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void theHostOfAMemberEntryIsFoundInEveryForm() {
    assertThat(ClusterNode.hostOf("10.0.0.1")).isEqualTo("10.0.0.1");
    assertThat(ClusterNode.hostOf("10.0.0.1:5701")).isEqualTo("10.0.0.1");
    assertThat(ClusterNode.hostOf("db.example:5701")).isEqualTo("db.example");
    assertThat(ClusterNode.hostOf("[::1]:5701")).isEqualTo("::1");
    assertThat(ClusterNode.hostOf("::1")).isEqualTo("::1");
  }
}
