package dev.stoa.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.common.config.Config;
import dev.stoa.common.config.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WriterOptionsTest {
  @Test
  void defaultsAndOverrides() {
    assertThat(WriterOptions.from(Config.of(WriterOptions.KEYS, Map.of()))).isEqualTo(WriterOptions.defaults());
    WriterOptions o = WriterOptions.from(Config.of(WriterOptions.KEYS,
        Map.of("writer.body.max.bytes", "1024", "writer.lanes", "4", "writer.queue.max", "10")));
    assertThat(o.bodyMaxBytes()).isEqualTo(1024);
    assertThat(o.lanes()).isEqualTo(4);
    assertThat(o.queueMax()).isEqualTo(10);
    assertThat(o.seqBlockSize()).isEqualTo(1000);
    assertThat(o.dedupWindowSeconds()).isEqualTo(86_400);
    assertThat(WriterOptions.from(Config.of(WriterOptions.KEYS, Map.of("writer.dedup.window.seconds", "600")))
        .dedupWindowSeconds()).isEqualTo(600);
  }

  @Test
  void badValuesNameTheKey() {
    assertThatThrownBy(() -> Config.of(WriterOptions.KEYS, Map.of("writer.lanes", "0")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("writer.lanes").hasMessageContaining("got 0");
    assertThatThrownBy(() -> WriterOptions.of(1, 0, 1, 1, 1, 1, 1, 1))
        .hasMessage("writer.seq.block.size: must be >= 1, got 0");
    assertThatThrownBy(() -> Config.of(WriterOptions.KEYS, Map.of("writer.dedup.window.seconds", "0")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("writer.dedup.window.seconds");
  }
}
