package dev.stoa.reader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.common.config.Config;
import dev.stoa.common.config.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReaderOptionsTest {
  @Test
  void defaultsOverridesAndBounds() {
    assertThat(ReaderOptions.from(Config.of(ReaderOptions.KEYS, Map.of()))).isEqualTo(new ReaderOptions(50, 100, 16, 256));
    assertThat(ReaderOptions.from(Config.of(ReaderOptions.KEYS, Map.of("reader.queue.max", "8"))).queueMax()).isEqualTo(8);
    assertThatThrownBy(() -> new ReaderOptions(1, 1, 1, 0)).hasMessage("reader.queue.max: must be >= 1, got 0");
    assertThat(ReaderOptions.from(Config.of(ReaderOptions.KEYS, Map.of("reader.sync.limit.default", "200"))))
        .isEqualTo(new ReaderOptions(50, 200, 16));
    assertThatThrownBy(() -> Config.of(ReaderOptions.KEYS, Map.of("reader.pull.limit.default", "201")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("reader.pull.limit.default")
        .hasMessageContaining("1..200");
    assertThatThrownBy(() -> new ReaderOptions(0, 1, 1)).hasMessage("reader.pull.limit.default: must be 1..200, got 0");
  }
}
