package dev.stoa.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.common.config.Config;
import dev.stoa.common.config.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StateOptionsTest {

  @Test
  void defaultsAndOverridesFromConfig() {
    assertThat(StateOptions.from(Config.of(StateOptions.KEYS, Map.of())))
        .isEqualTo(new StateOptions(2_000, 30_000, 100_000, 100))
        .isEqualTo(StateOptions.DEFAULTS);
    assertThat(StateOptions.from(Config.of(StateOptions.KEYS, Map.of("state.retransmit.initial.ms", "150",
        "state.retransmit.max.ms", "900", "state.pending.max", "10", "state.tick.ms", "5"))))
        .isEqualTo(new StateOptions(150, 900, 10, 5));
    assertThat(StateOptions.DEFAULTS).isEqualTo(new StateOptions(2_000, 30_000, 100_000, 100, 50, 300, 200, 100, 500, 200, 1_000));
    assertThat(StateOptions.from(Config.of(StateOptions.KEYS, Map.of("state.retransmit.defer.lag.ms", "40")))
        .retransmitDeferLagMs()).isEqualTo(40);
    assertThat(StateOptions.from(Config.of(StateOptions.KEYS, Map.of("state.room.poll.ms", "20",
        "state.room.lanes", "16", "state.room.read.max", "50", "state.room.joins.max", "7"))))
        .isEqualTo(StateOptions.DEFAULTS.withRooms(20, 16, 50, 7));
  }

  @Test
  void rejectsBadValuesNamingTheKey() {
    assertThatThrownBy(() -> Config.of(StateOptions.KEYS, Map.of("state.tick.ms", "0")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("state.tick.ms");
    assertThatThrownBy(() -> Config.of(StateOptions.KEYS, Map.of("state.retransmit.defer.lag.ms", "0")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("state.retransmit.defer.lag.ms");
    assertThatThrownBy(() -> Config.of(StateOptions.KEYS, Map.of("state.room.lanes", "0")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("state.room.lanes");
    assertThatThrownBy(() -> StateOptions.DEFAULTS.withRooms(50, 300, 0, 100))
        .isInstanceOf(ConfigException.class).hasMessageContaining("state.room.read.max");
    assertThatThrownBy(() -> StateOptions.DEFAULTS.withRooms(0, 300, 200, 100))
        .isInstanceOf(ConfigException.class).hasMessageContaining("state.room.poll.ms");
    assertThatThrownBy(() -> StateOptions.from(Config.of(StateOptions.KEYS,
        Map.of("state.retransmit.initial.ms", "5000", "state.retransmit.max.ms", "1000"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("state.retransmit.max.ms' (1000)")
        .hasMessageContaining("state.retransmit.initial.ms' (5000)");
  }
}
