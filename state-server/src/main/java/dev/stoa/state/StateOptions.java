package dev.stoa.state;

import dev.stoa.common.config.Config;
import dev.stoa.common.config.ConfigException;
import dev.stoa.common.config.ConfigKey;
import java.util.List;

/**
 * Options of a state server (DESIGN.md §3 "Push"). A pushed message that is not acked is delivered
 * again after {@code retransmitInitialMs}, then after twice that, doubling up to
 * {@code retransmitMaxMs}, for as long as its connection stays attached. The {@code room*} options
 * drive the room fan-out ({@link RoomFanout}). Immutable; validated on construction.
 *
 * @param retransmitInitialMs delay between the first delivery and the first retransmit
 * @param retransmitMaxMs cap of the doubling delay between retransmits; at least the initial delay
 * @param pendingMax most unacked (connection, message) pairs kept; a push beyond it is delivered
 *     once but not retransmitted (counted in {@code stoa_state_pending_overflow_total})
 * @param tickMs tick of the timing wheel; retransmits fire up to one tick late
 * @param roomPollMs how often every room with local members is read from the index server
 * @param roomLanes worker lanes a big room's members are spread over (one deliver call per lane
 *     and gateway per message)
 * @param roomReadMax most messages asked for in one index read of a room
 * @param roomJoinsMax most rooms one connection may have joined at once
 * @param roomUserJoinsMax most rooms one user may have joined at once, over all its connections
 *     cluster-wide (checked atomically by the room table)
 * @param retransmitDeferLagMs a retransmit that reaches the lane this late after its timer fired
 *     finds the server overloaded: it is not delivered but put off by one more backoff step (the
 *     message stays pending), so that retransmits of messages still on their way do not add load
 *     when the server is already behind
 * @param pendingPerConnectionMax most unacked messages kept for one connection; a push beyond it is
 *     delivered once but not retransmitted (counted in
 *     {@code stoa_state_pending_connection_overflow_total}), so one device that never acks cannot
 *     use up the {@code pendingMax} budget of every other connection
 */
public record StateOptions(long retransmitInitialMs, long retransmitMaxMs, long pendingMax, long tickMs,
    long roomPollMs, int roomLanes, int roomReadMax, int roomJoinsMax, long retransmitDeferLagMs,
    int roomUserJoinsMax, int pendingPerConnectionMax) {
  public static final long DEFAULT_RETRANSMIT_INITIAL_MS = 2_000;
  public static final long DEFAULT_RETRANSMIT_MAX_MS = 30_000;
  public static final long DEFAULT_PENDING_MAX = 100_000;
  public static final long DEFAULT_TICK_MS = 100;
  public static final long DEFAULT_ROOM_POLL_MS = 50;
  public static final int DEFAULT_ROOM_LANES = 300;
  public static final int DEFAULT_ROOM_READ_MAX = 200;
  public static final int DEFAULT_ROOM_JOINS_MAX = 100;
  public static final int DEFAULT_ROOM_USER_JOINS_MAX = 200;
  public static final long DEFAULT_RETRANSMIT_DEFER_LAG_MS = 500;
  public static final int DEFAULT_PENDING_PER_CONNECTION_MAX = 1_000;

  public static final ConfigKey<Long> RETRANSMIT_INITIAL_MS = ConfigKey.longInt("state.retransmit.initial.ms",
      DEFAULT_RETRANSMIT_INITIAL_MS, 1, 3_600_000, "delay before the first retransmit of an unacked push");
  public static final ConfigKey<Long> RETRANSMIT_MAX_MS = ConfigKey.longInt("state.retransmit.max.ms",
      DEFAULT_RETRANSMIT_MAX_MS, 1, 86_400_000, "cap of the doubling retransmit delay");
  public static final ConfigKey<Long> PENDING_MAX = ConfigKey.longInt("state.pending.max",
      DEFAULT_PENDING_MAX, 1, 1_000_000_000, "most unacked (connection, message) pairs a state server keeps");
  public static final ConfigKey<Long> TICK_MS = ConfigKey.longInt("state.tick.ms",
      DEFAULT_TICK_MS, 1, 10_000, "tick of the retransmit timing wheel");
  public static final ConfigKey<Long> ROOM_POLL_MS = ConfigKey.longInt("state.room.poll.ms",
      DEFAULT_ROOM_POLL_MS, 1, 60_000, "how often rooms with local members are read from the index server");
  public static final ConfigKey<Integer> ROOM_LANES = ConfigKey.integer("state.room.lanes",
      DEFAULT_ROOM_LANES, 1, 100_000, "worker lanes the members of a big room are spread over");
  public static final ConfigKey<Integer> ROOM_READ_MAX = ConfigKey.integer("state.room.read.max",
      DEFAULT_ROOM_READ_MAX, 1, 10_000, "most messages asked for in one index read of a room");
  public static final ConfigKey<Integer> ROOM_JOINS_MAX = ConfigKey.integer("state.room.joins.max",
      DEFAULT_ROOM_JOINS_MAX, 1, 100_000, "most rooms one connection may have joined at once");
  public static final ConfigKey<Integer> ROOM_USER_JOINS_MAX = ConfigKey.integer("state.room.user.joins.max",
      DEFAULT_ROOM_USER_JOINS_MAX, 1, 100_000,
      "most rooms one user may have joined at once, over all its connections in the cluster");
  public static final ConfigKey<Long> RETRANSMIT_DEFER_LAG_MS = ConfigKey.longInt("state.retransmit.defer.lag.ms",
      DEFAULT_RETRANSMIT_DEFER_LAG_MS, 1, 3_600_000,
      "a retransmit reaching the state lane this late after its timer fired is put off, not delivered (overload)");
  public static final ConfigKey<Integer> PENDING_PER_CONNECTION_MAX = ConfigKey.integer(
      "state.pending.per.connection.max", DEFAULT_PENDING_PER_CONNECTION_MAX, 1, 1_000_000,
      "most unacked messages kept for one connection; beyond it a push is delivered once, not retransmitted");

  public static final List<ConfigKey<?>> KEYS = List.of(RETRANSMIT_INITIAL_MS, RETRANSMIT_MAX_MS, PENDING_MAX,
      TICK_MS, ROOM_POLL_MS, ROOM_LANES, ROOM_READ_MAX, ROOM_JOINS_MAX, RETRANSMIT_DEFER_LAG_MS, ROOM_USER_JOINS_MAX,
      PENDING_PER_CONNECTION_MAX);

  /** The defaults of every key. */
  public static final StateOptions DEFAULTS = new StateOptions(DEFAULT_RETRANSMIT_INITIAL_MS,
      DEFAULT_RETRANSMIT_MAX_MS, DEFAULT_PENDING_MAX, DEFAULT_TICK_MS);

  public StateOptions {
    requirePositive(RETRANSMIT_INITIAL_MS, retransmitInitialMs);
    requirePositive(RETRANSMIT_MAX_MS, retransmitMaxMs);
    requirePositive(PENDING_MAX, pendingMax);
    requirePositive(TICK_MS, tickMs);
    requirePositive(ROOM_POLL_MS, roomPollMs);
    requirePositive(ROOM_LANES, roomLanes);
    requirePositive(ROOM_READ_MAX, roomReadMax);
    requirePositive(ROOM_JOINS_MAX, roomJoinsMax);
    requirePositive(RETRANSMIT_DEFER_LAG_MS, retransmitDeferLagMs);
    requirePositive(ROOM_USER_JOINS_MAX, roomUserJoinsMax);
    requirePositive(PENDING_PER_CONNECTION_MAX, pendingPerConnectionMax);
    if (retransmitMaxMs < retransmitInitialMs) {
      throw new ConfigException("config key '" + RETRANSMIT_MAX_MS.name() + "' (" + retransmitMaxMs
          + ") must be at least '" + RETRANSMIT_INITIAL_MS.name() + "' (" + retransmitInitialMs + ")");
    }
  }

  /** The push options with every room option and the defer lag at their defaults. */
  public StateOptions(long retransmitInitialMs, long retransmitMaxMs, long pendingMax, long tickMs) {
    this(retransmitInitialMs, retransmitMaxMs, pendingMax, tickMs, DEFAULT_ROOM_POLL_MS, DEFAULT_ROOM_LANES,
        DEFAULT_ROOM_READ_MAX, DEFAULT_ROOM_JOINS_MAX, DEFAULT_RETRANSMIT_DEFER_LAG_MS, DEFAULT_ROOM_USER_JOINS_MAX,
        DEFAULT_PENDING_PER_CONNECTION_MAX);
  }

  public static StateOptions from(Config config) {
    return new StateOptions(config.get(RETRANSMIT_INITIAL_MS), config.get(RETRANSMIT_MAX_MS),
        config.get(PENDING_MAX), config.get(TICK_MS), config.get(ROOM_POLL_MS), config.get(ROOM_LANES),
        config.get(ROOM_READ_MAX), config.get(ROOM_JOINS_MAX), config.get(RETRANSMIT_DEFER_LAG_MS),
        config.get(ROOM_USER_JOINS_MAX), config.get(PENDING_PER_CONNECTION_MAX));
  }

  /** These options with the room options replaced. */
  public StateOptions withRooms(long pollMs, int lanes, int readMax, int joinsMax) {
    return new StateOptions(retransmitInitialMs, retransmitMaxMs, pendingMax, tickMs, pollMs, lanes, readMax,
        joinsMax, retransmitDeferLagMs, roomUserJoinsMax, pendingPerConnectionMax);
  }

  /** These options with {@code state.room.user.joins.max} replaced. */
  public StateOptions withRoomUserJoinsMax(int max) {
    return new StateOptions(retransmitInitialMs, retransmitMaxMs, pendingMax, tickMs, roomPollMs, roomLanes,
        roomReadMax, roomJoinsMax, retransmitDeferLagMs, max, pendingPerConnectionMax);
  }

  private static void requirePositive(ConfigKey<? extends Number> key, long value) {
    if (value <= 0) {
      throw new ConfigException("config key '" + key.name() + "' must be positive, got " + value);
    }
  }
}
