package dev.stoa.index;

import dev.stoa.common.config.Config;
import dev.stoa.common.config.ConfigKey;
import dev.stoa.index.wal.WalOptions;
import java.util.List;
import java.util.stream.Stream;

/**
 * Options of the index-server role.
 *
 * @param shards sessions map to {@code floorMod(sessionId.hashCode(), shards)}; fixed for a data
 *     directory (the server refuses to start on data written with another count)
 * @param roomRingCapacity messages kept per room in its ring buffer
 * @param dedupMax (user, device, clientMsgId) answers remembered per shard for resends
 * @param readMax largest page of one ring read
 * @param fetchMaxWaitMs longest a Fetch long-poll may wait
 * @param wal the shard logs' options ({@code index.wal.*})
 */
public record IndexOptions(int shards, int roomRingCapacity, int dedupMax, int readMax, int fetchMaxWaitMs,
    WalOptions wal) {
  public static final int DEFAULT_SHARDS = 4;
  public static final int DEFAULT_ROOM_RING_CAPACITY = 1000;
  public static final int DEFAULT_DEDUP_MAX = 100_000;
  public static final int DEFAULT_READ_MAX = 1000;
  public static final int DEFAULT_FETCH_MAX_WAIT_MS = 30_000;

  public static final ConfigKey<Integer> SHARDS = ConfigKey.integer("index.shards", DEFAULT_SHARDS, 1, 4096,
      "shards of the index servers; fixed once data is written");
  public static final ConfigKey<Integer> ROOM_RING_CAPACITY = ConfigKey.integer("index.ring.room.capacity",
      DEFAULT_ROOM_RING_CAPACITY, 1, 1_000_000, "messages kept per room in its ring buffer");
  public static final ConfigKey<Integer> DEDUP_MAX = ConfigKey.integer("index.dedup.max", DEFAULT_DEDUP_MAX,
      1, 100_000_000, "resend answers (user, device, clientMsgId) remembered per shard");
  public static final ConfigKey<Integer> READ_MAX = ConfigKey.integer("index.read.max", DEFAULT_READ_MAX,
      1, 100_000, "largest page of one ring read");
  public static final ConfigKey<Integer> FETCH_MAX_WAIT_MS = ConfigKey.integer("index.fetch.max.wait.ms",
      DEFAULT_FETCH_MAX_WAIT_MS, 0, 600_000, "longest a Fetch long-poll may wait");

  public static final List<ConfigKey<?>> KEYS = Stream.concat(
      Stream.of(SHARDS, ROOM_RING_CAPACITY, DEDUP_MAX, READ_MAX, FETCH_MAX_WAIT_MS), WalOptions.KEYS.stream()).toList();

  public IndexOptions {
    requirePositive(SHARDS, shards);
    requirePositive(ROOM_RING_CAPACITY, roomRingCapacity);
    requirePositive(DEDUP_MAX, dedupMax);
    requirePositive(READ_MAX, readMax);
    if (fetchMaxWaitMs < 0) {
      throw new IllegalArgumentException(FETCH_MAX_WAIT_MS.name() + ": must be >= 0, got " + fetchMaxWaitMs);
    }
    if (wal == null) {
      throw new IllegalArgumentException("index.wal.*: options are required");
    }
  }

  public static IndexOptions defaults() {
    return new IndexOptions(DEFAULT_SHARDS, DEFAULT_ROOM_RING_CAPACITY, DEFAULT_DEDUP_MAX, DEFAULT_READ_MAX,
        DEFAULT_FETCH_MAX_WAIT_MS, WalOptions.DEFAULTS);
  }

  public static IndexOptions from(Config config) {
    return new IndexOptions(config.get(SHARDS), config.get(ROOM_RING_CAPACITY), config.get(DEDUP_MAX),
        config.get(READ_MAX), config.get(FETCH_MAX_WAIT_MS), WalOptions.from(config));
  }

  public IndexOptions withWal(WalOptions options) {
    return new IndexOptions(shards, roomRingCapacity, dedupMax, readMax, fetchMaxWaitMs, options);
  }

  public IndexOptions withShards(int n) {
    return new IndexOptions(n, roomRingCapacity, dedupMax, readMax, fetchMaxWaitMs, wal);
  }

  private static void requirePositive(ConfigKey<?> key, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(key.name() + ": must be >= 1, got " + value);
    }
  }
}
