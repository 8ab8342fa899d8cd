package dev.stoa.state;

import dev.stoa.common.config.Config;
import dev.stoa.common.config.ConfigException;
import dev.stoa.common.config.ConfigKey;
import java.util.List;

/**
 * Options of a state server (DESIGN.md §3 "Push"). A pushed message that is not acked is delivered
 * again after {@code retransmitInitialMs}, then after twice that, doubling up to
 * {@code retransmitMaxMs}, for as long as its connection stays attached. Immutable; validated on
 * construction.
 *
 * @param retransmitInitialMs delay between the first delivery and the first retransmit
 * @param retransmitMaxMs cap of the doubling delay between retransmits; at least the initial delay
 * @param pendingMax most unacked (connection, message) pairs kept; a push beyond it is delivered
 *     once but not retransmitted (counted in {@code stoa_state_pending_overflow_total})
 * @param tickMs tick of the timing wheel; retransmits fire up to one tick late
 */
public record StateOptions(long retransmitInitialMs, long retransmitMaxMs, long pendingMax, long tickMs) {
  public static final long DEFAULT_RETRANSMIT_INITIAL_MS = 2_000;
  public static final long DEFAULT_RETRANSMIT_MAX_MS = 30_000;
  public static final long DEFAULT_PENDING_MAX = 100_000;
  public static final long DEFAULT_TICK_MS = 100;

  public static final ConfigKey<Long> RETRANSMIT_INITIAL_MS = ConfigKey.longInt("state.retransmit.initial.ms",
      DEFAULT_RETRANSMIT_INITIAL_MS, 1, 3_600_000, "delay before the first retransmit of an unacked push");
  public static final ConfigKey<Long> RETRANSMIT_MAX_MS = ConfigKey.longInt("state.retransmit.max.ms",
      DEFAULT_RETRANSMIT_MAX_MS, 1, 86_400_000, "cap of the doubling retransmit delay");
  public static final ConfigKey<Long> PENDING_MAX = ConfigKey.longInt("state.pending.max",
      DEFAULT_PENDING_MAX, 1, 1_000_000_000, "most unacked (connection, message) pairs a state server keeps");
  public static final ConfigKey<Long> TICK_MS = ConfigKey.longInt("state.tick.ms",
      DEFAULT_TICK_MS, 1, 10_000, "tick of the retransmit timing wheel");

  public static final List<ConfigKey<?>> KEYS =
      List.of(RETRANSMIT_INITIAL_MS, RETRANSMIT_MAX_MS, PENDING_MAX, TICK_MS);

  /** The defaults of every key. */
  public static final StateOptions DEFAULTS = new StateOptions(DEFAULT_RETRANSMIT_INITIAL_MS,
      DEFAULT_RETRANSMIT_MAX_MS, DEFAULT_PENDING_MAX, DEFAULT_TICK_MS);

  public StateOptions {
    requirePositive(RETRANSMIT_INITIAL_MS, retransmitInitialMs);
    requirePositive(RETRANSMIT_MAX_MS, retransmitMaxMs);
    requirePositive(PENDING_MAX, pendingMax);
    requirePositive(TICK_MS, tickMs);
    if (retransmitMaxMs < retransmitInitialMs) {
      throw new ConfigException("config key '" + RETRANSMIT_MAX_MS.name() + "' (" + retransmitMaxMs
          + ") must be at least '" + RETRANSMIT_INITIAL_MS.name() + "' (" + retransmitInitialMs + ")");
    }
  }

  public static StateOptions from(Config config) {
    return new StateOptions(config.get(RETRANSMIT_INITIAL_MS), config.get(RETRANSMIT_MAX_MS),
        config.get(PENDING_MAX), config.get(TICK_MS));
  }

  private static void requirePositive(ConfigKey<Long> key, long value) {
    if (value <= 0) {
      throw new ConfigException("config key '" + key.name() + "' must be positive, got " + value);
    }
  }
}
