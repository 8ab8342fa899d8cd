package dev.stoa.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.common.config.Config;
import dev.stoa.common.config.ConfigException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouterOptionsTest {

  @Test
  void defaults() {
    RouterOptions o = RouterOptions.defaults();
    assertThat(o.clusterName()).isEqualTo("stoa");
    assertThat(o.clusterPort()).isEqualTo(5701);
    assertThat(o.clusterMembers()).isEmpty();
    assertThat(o.routeTtl()).isEqualTo(Duration.ofSeconds(90));
    assertThat(o.grpcPort()).isZero();
    assertThat(o.rpcTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(o.routeCache()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void readsEveryKey() {
    RouterOptions o = RouterOptions.from(Config.of(RouterOptions.KEYS, Map.of(
        "cluster.name", "prod", "cluster.port", "6000", "cluster.members", "10.0.0.1:6000, 10.0.0.2",
        "route.ttl.seconds", "30", "grpc.port", "7000", "rpc.timeout.ms", "250", "route.cache.ms", "0")));
    assertThat(o).isEqualTo(new RouterOptions("prod", 6000, List.of("10.0.0.1:6000", "10.0.0.2"),
        Duration.ofSeconds(30), 7000, Duration.ofMillis(250), Duration.ZERO));
  }

  @Test
  void rejectsClusterPortZeroNamingTheKey() {
    assertThatThrownBy(() -> Config.of(RouterOptions.KEYS, Map.of("cluster.port", "0")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("cluster.port").hasMessageContaining("1..65535");
    assertThatThrownBy(() -> RouterOptions.defaults().withClusterPort(0))
        .hasMessageContaining("cluster.port").hasMessageContaining("got 0");
  }

  @Test
  void rejectsNonPositiveDurations() {
    assertThatThrownBy(() -> RouterOptions.defaults().withRouteTtl(Duration.ZERO)).hasMessageContaining("route.ttl");
    assertThatThrownBy(() -> RouterOptions.defaults().withRpcTimeout(Duration.ofMillis(-1)))
        .hasMessageContaining("rpc.timeout");
    assertThatThrownBy(() -> RouterOptions.defaults().withRouteCache(Duration.ofMillis(-1)))
        .hasMessageContaining("route.cache");
  }
}
