package dev.stoa.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ClusterNodeTest {
  static TestCluster cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = TestCluster.start(2);
  }

  @AfterAll
  static void stopCluster() throws Exception {
    cluster.close();
  }

  @Test
  void membersOfOneClusterSeeEachOther() {
    assertThat(cluster.member(0).node().hazelcast().getCluster().getMembers()).hasSize(2);
    assertThat(cluster.member(1).node().hazelcast().getCluster().getMembers()).hasSize(2);
  }

  @Test
  void flakeIdsArePositiveUniqueAndIncreasingPerMember() {
    for (TestCluster.Member member : List.of(cluster.member(0), cluster.member(1))) {
      LongSupplier ids = member.node().msgIds();
      long previous = 0;
      for (int i = 0; i < 10_000; i++) {
        long id = ids.getAsLong();
        assertThat(id).as("id #%d after %d", i, previous).isGreaterThan(previous);
        previous = id;
      }
    }
  }

  @Test
  void flakeIdsAreUniqueAcrossMembers() {
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      assertThat(seen.add(cluster.member(0).node().msgIds().getAsLong())).isTrue();
      assertThat(seen.add(cluster.member(1).node().msgIds().getAsLong())).isTrue();
    }
    assertThat(seen).hasSize(20_000);
  }

  @Test
  void accessorsFailBeforeStart() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      ClusterNode node = new ClusterNode(vertx, ClusterOptions.defaults(), TestCluster.nodeOptions("x"),
          ClusterSecret.of("a-secret-of-sixteen-chars"));
      org.assertj.core.api.Assertions.assertThatThrownBy(node::hazelcast)
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("not started");
      org.assertj.core.api.Assertions.assertThatThrownBy(node::msgIds)
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("not started");
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
