package dev.stoa.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.common.config.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayOptionsTest {

  @Test
  void defaults() {
    GatewayOptions o = GatewayOptions.defaults();
    assertThat(o.host()).isEqualTo("127.0.0.1");
    assertThat(o.httpPort()).isEqualTo(8080);
    assertThat(o.tcpPort()).isEqualTo(7070);
    assertThat(o.heartbeatSeconds()).isEqualTo(30);
    assertThat(o.idleTimeoutSeconds()).isEqualTo(90);
    assertThat(o.connectTimeoutSeconds()).isEqualTo(10);
    assertThat(o.frameMaxBytes()).isEqualTo(65536);
    assertThat(o.ratePerSecond()).isEqualTo(50);
    assertThat(o.rateBurst()).isEqualTo(100);
    assertThat(o.tokenTtlDefaultSeconds()).isEqualTo(86_400);
    assertThat(o.tokenTtlMaxSeconds()).isEqualTo(2_592_000);
  }

  @Test
  void overridesAreParsedAndValidated() {
    GatewayOptions o = GatewayOptions.of(Map.of("http.port", "0", "gateway.rate.burst", "7", "host", "0.0.0.0"));
    assertThat(o.httpPort()).isZero();
    assertThat(o.rateBurst()).isEqualTo(7);
    assertThat(o.host()).isEqualTo("0.0.0.0");
    assertThat(o.instancesFor(0)).isEqualTo(1);
    assertThat(GatewayOptions.of(Map.of("gateway.instances", "3")).instancesFor(8080)).isEqualTo(3);
    assertThatThrownBy(() -> GatewayOptions.of(Map.of("gateway.idle.timeout.seconds", "0")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("gateway.idle.timeout.seconds");
    assertThatThrownBy(() -> GatewayOptions.of(Map.of("gateway.frame.max.byte", "10")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("unknown config key 'gateway.frame.max.byte'");
    assertThatThrownBy(() -> GatewayOptions.of(Map.of("token.ttl.default.seconds", "100",
        "token.ttl.max.seconds", "50"))).hasMessageContaining("token.ttl.default.seconds");
    assertThat(GatewayOptions.defaults().httpIdleTimeoutSeconds()).isEqualTo(120);
    assertThat(GatewayOptions.defaults().httpMaxConnections()).isEqualTo(10_000);
    assertThatThrownBy(() -> GatewayOptions.of(Map.of("http.idle.timeout.seconds", "30")))
        .hasMessage("http.idle.timeout.seconds: must be above gateway.heartbeat.seconds (30), got 30");
  }
}
