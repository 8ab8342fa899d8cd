package dev.stoa.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.common.config.Config;
import dev.stoa.common.config.ConfigException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterOptionsTest {

  @Test
  void defaults() {
    ClusterOptions o = ClusterOptions.defaults();
    assertThat(o.clusterName()).isEqualTo("stoa");
    assertThat(o.clusterPort()).isEqualTo(5701);
    assertThat(o.clusterMembers()).isEmpty();
    assertThat(o.grpcPort()).isZero();
    assertThat(o.rpcTimeout()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void readsEveryKey() {
    ClusterOptions o = ClusterOptions.from(Config.of(ClusterOptions.KEYS, Map.of(
        "cluster.name", "prod", "cluster.port", "6000", "cluster.members", "10.0.0.1:6000, 10.0.0.2",
        "grpc.port", "7000", "rpc.timeout.ms", "250")));
    assertThat(o).isEqualTo(new ClusterOptions("prod", 6000, List.of("10.0.0.1:6000", "10.0.0.2"), 7000,
        Duration.ofMillis(250)));
  }

  @Test
  void rejectsClusterPortZeroNamingTheKey() {
    assertThatThrownBy(() -> Config.of(ClusterOptions.KEYS, Map.of("cluster.port", "0")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("cluster.port").hasMessageContaining("1..65535");
    assertThatThrownBy(() -> ClusterOptions.defaults().withClusterPort(0))
        .hasMessageContaining("cluster.port").hasMessageContaining("got 0");
  }

  @Test
  void rejectsNonPositiveTimeout() {
    assertThatThrownBy(() -> ClusterOptions.defaults().withRpcTimeout(Duration.ofMillis(-1)))
        .hasMessageContaining("rpc.timeout");
  }
}
