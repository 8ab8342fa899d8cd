package dev.stoa.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.common.config.ConfigException;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoadOptionsTest {
  @Test
  void defaultsFollowTheTarget() {
    assertThat(LoadOptions.parse(List.of("--target=relay")).url()).isEqualTo("ws://127.0.0.1:9090/relay");
    LoadOptions stoa = LoadOptions.parse(List.of("--target=stoa", "--admin-secret=s", "--max-rate"));
    assertThat(stoa.url()).isEqualTo("ws://127.0.0.1:8080/v1/ws");
    assertThat(stoa.maxRate()).isTrue();
    assertThat(stoa.encoding()).isEqualTo(LoadOptions.Encoding.JSON);
  }

  @Test
  void badInputIsNamed() {
    assertThatThrownBy(() -> LoadOptions.parse(List.of("--target=kafka")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'target'").hasMessageContaining("kafka");
    assertThatThrownBy(() -> LoadOptions.parse(List.of("--target=stoa")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("admin-secret");
    assertThatThrownBy(() -> LoadOptions.parse(List.of("--rate=0")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'rate'");
    assertThatThrownBy(() -> LoadOptions.parse(List.of("--pairz=3")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("pairz");
  }
}
