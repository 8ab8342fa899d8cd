package dev.stoa.cluster;

import static dev.stoa.cluster.TestFutures.await;
import static dev.stoa.cluster.TestFutures.eventually;
import static dev.stoa.cluster.TestFutures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.map.IMap;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One embedded KV store per cluster, claimed through two real Hazelcast members. */
class EmbeddedStoreClaimTest {
  TestCluster cluster;
  ClusterDirectory dirA;
  ClusterDirectory dirB;
  TestCluster.Member a;
  TestCluster.Member b;

  @BeforeEach
  void start() throws Exception {
    cluster = TestCluster.start(2);
    a = cluster.member(0);
    b = cluster.member(1);
    dirA = directory(a);
    dirB = directory(b);
  }

  @AfterEach
  void stop() throws Exception {
    for (ClusterDirectory d : new ClusterDirectory[] {dirB, dirA}) {
      if (d != null) {
        await(d.stop());
      }
    }
    cluster.close();
  }

  static ClusterDirectory directory(TestCluster.Member m) throws Exception {
    ClusterDirectory d = new ClusterDirectory(m.vertx(), m.node(), m.options(), m.nodeOptions());
    await(d.start());
    return d;
  }

  static EmbeddedStoreClaim claim(TestCluster.Member m, String nodeId, String location) {
    return new EmbeddedStoreClaim(m.vertx(), m.node(), nodeId, "writer,reader", location);
  }

  IMap<String, String> claims() {
    return b.node().hazelcast().getMap(EmbeddedStoreClaim.MAP_NAME);
  }

  @Test
  void aSecondStoreInTheClusterIsRefusedNamingBothStores() throws Exception {
    await(claim(a, "node-a", "127.0.0.1:/data/a/kv").start());

    Throwable refused = failure(claim(b, "node-b", "127.0.0.1:/data/b/kv").start());

    assertThat(refused).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already has an embedded KV store (writer,reader of node node-a, store at 127.0.0.1:/data/a/kv)")
        .hasMessageContaining("node node-b, store at 127.0.0.1:/data/b/kv")
        .hasMessageContaining("same seqs");
    assertThat(claims().get(EmbeddedStoreClaim.KEY)).startsWith("node-a|");
  }

  @Test
  void theSameStoreMayBeClaimedAgainByANewRunOfItsNodeWhileTheOldMemberIsStillListed() throws Exception {
    EmbeddedStoreClaim first = claim(a, "node-a", "127.0.0.1:/data/a/kv");
    await(first.start());

    EmbeddedStoreClaim restarted = claim(b, "node-a", "127.0.0.1:/data/a/kv");
    await(restarted.start());
    // the old run's release must not remove the new run's claim
    await(first.stop());

    assertThat(claims().get(EmbeddedStoreClaim.KEY))
        .endsWith("|" + b.node().hazelcast().getCluster().getLocalMember().getUuid());
    await(restarted.stop());
    assertThat(claims().get(EmbeddedStoreClaim.KEY)).isNull();
  }

  @Test
  void theClaimOfAMemberThatLeftIsRemovedAndBlocksNobody() throws Exception {
    await(claim(a, "node-a", "127.0.0.1:/data/a/kv").start());
    await(dirA.stop());
    dirA = null;

    cluster.stop(a);

    eventually("the departed member's claim removed", Duration.ofSeconds(20),
        () -> claims().get(EmbeddedStoreClaim.KEY) == null);
    await(claim(b, "node-b", "127.0.0.1:/data/b/kv").start());
    assertThat(claims().get(EmbeddedStoreClaim.KEY)).startsWith("node-b|");
  }

  @Test
  void aClaimLeftByAMemberNotInTheClusterIsTakenOver() throws Exception {
    claims().put(EmbeddedStoreClaim.KEY,
        "node-gone|writer|10.0.0.9:/data/kv|" + java.util.UUID.randomUUID());

    await(claim(b, "node-b", "127.0.0.1:/data/b/kv").start());

    assertThat(claims().get(EmbeddedStoreClaim.KEY)).startsWith("node-b|");
  }
}
