package dev.stoa.index.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.common.config.Config;
import dev.stoa.common.config.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WalOptionsTest {
  @Test
  void defaultsComeFromAnEmptyConfig() {
    assertThat(WalOptions.from(Config.of(WalOptions.KEYS, Map.of()))).isEqualTo(WalOptions.DEFAULTS);
    assertThat(WalOptions.KEYS).allSatisfy(k -> assertThat(k.name()).startsWith("index.wal."));
  }

  @Test
  void valuesAreParsed() {
    WalOptions o = WalOptions.from(Config.of(WalOptions.KEYS, Map.of("index.wal.durability", "per_append",
        "index.wal.segment.bytes", "65536", "index.wal.max.record.bytes", "1000", "index.wal.retention.bytes", "-1")));
    assertThat(o.durability()).isEqualTo(Durability.PER_APPEND);
    assertThat(o.segmentBytes()).isEqualTo(65536);
    assertThat(o.maxRecordBytes()).isEqualTo(1000);
  }

  @Test
  void badValuesNameTheKey() {
    assertThatThrownBy(() -> WalOptions.from(Config.of(WalOptions.KEYS, Map.of("index.wal.durability", "often")))
    ).isInstanceOf(ConfigException.class).hasMessageContaining("index.wal.durability").hasMessageContaining("often");
    assertThatThrownBy(() -> WalOptions.DEFAULTS.withSegmentBytes(8192).withMaxRecordBytes(8192))
        .isInstanceOf(ConfigException.class).hasMessageContaining("index.wal.max.record.bytes")
        .hasMessageContaining("index.wal.segment.bytes").hasMessageContaining("8192");
    assertThatThrownBy(() -> WalOptions.DEFAULTS.withSegmentBytes(10_001))
        .isInstanceOf(ConfigException.class).hasMessageContaining("index.wal.segment.bytes").hasMessageContaining("10001");
    assertThatThrownBy(() -> WalOptions.DEFAULTS.withGroupCommit(0, 1))
        .isInstanceOf(ConfigException.class).hasMessageContaining("index.wal.group.commit.ms");
  }
}
