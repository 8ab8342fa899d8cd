package dev.stoa.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeOptionsTest {
  @Test
  void clientFacingAndInternalAddressesAreSeparateKeysBothLoopbackByDefault() {
    NodeOptions defaults = NodeOptions.from(Config.of(NodeOptions.KEYS, Map.of()));
    assertThat(defaults.host()).isEqualTo("127.0.0.1");
    assertThat(defaults.internalHost()).isEqualTo("127.0.0.1");

    NodeOptions split = NodeOptions.from(Config.of(NodeOptions.KEYS, Map.of("host", "0.0.0.0", "internal.host", "10.0.0.5")));
    assertThat(split.host()).isEqualTo("0.0.0.0");
    assertThat(split.internalHost()).isEqualTo("10.0.0.5");
  }

  @Test
  void theInternalAddressIsNeverAWildcardSinceItIsAnnouncedToPeers() {
    for (String wildcard : new String[] {"0.0.0.0", "::", "[::]", " 0.0.0.0 "}) {
      assertThatThrownBy(() -> new NodeOptions(Path.of("data"), "127.0.0.1", wildcard, "", ""))
          .as(wildcard).isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("internal.host:").hasMessageContaining("specific address");
    }
    assertThatThrownBy(() -> new NodeOptions(Path.of("data"), "127.0.0.1", "", "", ""))
        .hasMessageContaining("internal.host: must not be empty");
  }
}
