package dev.stoa.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.common.config.Config;
import dev.stoa.common.config.ConfigException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouterOptionsTest {

  @Test
  void defaults() {
    RouterOptions o = RouterOptions.defaults();
    assertThat(o.routeTtl()).isEqualTo(Duration.ofSeconds(90));
    assertThat(o.routeCache()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void readsEveryKey() {
    RouterOptions o = RouterOptions.from(Config.of(RouterOptions.KEYS, Map.of(
        "route.ttl.seconds", "30", "route.cache.ms", "0")));
    assertThat(o).isEqualTo(new RouterOptions(Duration.ofSeconds(30), Duration.ZERO));
  }

  @Test
  void rejectsOutOfRangeValuesNamingTheKey() {
    assertThatThrownBy(() -> Config.of(RouterOptions.KEYS, Map.of("route.ttl.seconds", "0")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("route.ttl.seconds");
  }

  @Test
  void rejectsNonPositiveDurations() {
    assertThatThrownBy(() -> RouterOptions.defaults().withRouteTtl(Duration.ZERO)).hasMessageContaining("route.ttl");
    assertThatThrownBy(() -> RouterOptions.defaults().withRouteCache(Duration.ofMillis(-1)))
        .hasMessageContaining("route.cache");
  }
}
