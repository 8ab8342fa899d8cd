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
 * @param roomRingMaxBytes heap bytes a room's ring may hold (as {@code SessionRing.bytesOf} counts
 *     them); the oldest messages are dropped first
 * @param ringTotalMaxBytes heap bytes all rings of the server may hold; past it the least recently
 *     used rings are dropped (and rebuilt from the WAL when read again)
 * @param dedupMax (user, device, clientMsgId) answers remembered per shard for resends
 * @param readMax largest page of one ring read
 * @param fetchMaxWaitMs longest a Fetch long-poll may wait
 * @param wal the shard logs' options ({@code index.wal.*})
 */
public record IndexOptions(int shards, int roomRingCapacity, long roomRingMaxBytes, long ringTotalMaxBytes,
    int dedupMax, int readMax, int fetchMaxWaitMs, WalOptions wal) {
  public static final int DEFAULT_SHARDS = 4;
  public static final int DEFAULT_ROOM_RING_CAPACITY = 1000;
  public static final long DEFAULT_ROOM_RING_MAX_BYTES = 8L << 20;
  public static final long DEFAULT_RING_TOTAL_MAX_BYTES = 256L << 20;
  public static final int DEFAULT_DEDUP_MAX = 100_000;
  public static final int DEFAULT_READ_MAX = 1000;
  public static final int DEFAULT_FETCH_MAX_WAIT_MS = 30_000;

  public static final ConfigKey<Integer> SHARDS = ConfigKey.integer("index.shards", DEFAULT_SHARDS, 1, 4096,
      "shards of the index servers; fixed once data is written");
  public static final ConfigKey<Integer> ROOM_RING_CAPACITY = ConfigKey.integer("index.ring.room.capacity",
      DEFAULT_ROOM_RING_CAPACITY, 1, 1_000_000, "messages kept per room in its ring buffer");
  public static final ConfigKey<Long> ROOM_RING_MAX_BYTES = ConfigKey.longInt("index.ring.room.max.bytes",
      DEFAULT_ROOM_RING_MAX_BYTES, 1024, 1L << 40, "heap bytes one room's ring may hold; oldest messages dropped first");
  public static final ConfigKey<Long> RING_TOTAL_MAX_BYTES = ConfigKey.longInt("index.ring.total.max.bytes",
      DEFAULT_RING_TOTAL_MAX_BYTES, 1024, 1L << 42,
      "heap bytes all room rings of an index server may hold; least recently used rings dropped, rebuilt from the WAL");
  public static final ConfigKey<Integer> DEDUP_MAX = ConfigKey.integer("index.dedup.max", DEFAULT_DEDUP_MAX,
      1, 100_000_000, "resend answers (user, device, clientMsgId) remembered per shard");
  public static final ConfigKey<Integer> READ_MAX = ConfigKey.integer("index.read.max", DEFAULT_READ_MAX,
      1, 100_000, "largest page of one ring read");
  public static final ConfigKey<Integer> FETCH_MAX_WAIT_MS = ConfigKey.integer("index.fetch.max.wait.ms",
      DEFAULT_FETCH_MAX_WAIT_MS, 0, 600_000, "longest a Fetch long-poll may wait");

  public static final List<ConfigKey<?>> KEYS = Stream.concat(
      Stream.of(SHARDS, ROOM_RING_CAPACITY, ROOM_RING_MAX_BYTES, RING_TOTAL_MAX_BYTES, DEDUP_MAX, READ_MAX, FETCH_MAX_WAIT_MS), WalOptions.KEYS.stream()).toList();

  public IndexOptions {
    requirePositive(SHARDS, shards);
    requirePositive(ROOM_RING_CAPACITY, roomRingCapacity);
    requireIn(ROOM_RING_MAX_BYTES, roomRingMaxBytes, 1024, 1L << 40);
    requireIn(RING_TOTAL_MAX_BYTES, ringTotalMaxBytes, 1024, 1L << 42);
    if (ringTotalMaxBytes < roomRingMaxBytes) {
      throw new IllegalArgumentException(RING_TOTAL_MAX_BYTES.name() + " (" + ringTotalMaxBytes + ") must be at least "
          + ROOM_RING_MAX_BYTES.name() + " (" + roomRingMaxBytes + ")");
    }
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
    return new IndexOptions(DEFAULT_SHARDS, DEFAULT_ROOM_RING_CAPACITY, DEFAULT_ROOM_RING_MAX_BYTES,
        DEFAULT_RING_TOTAL_MAX_BYTES, DEFAULT_DEDUP_MAX, DEFAULT_READ_MAX,
        DEFAULT_FETCH_MAX_WAIT_MS, WalOptions.DEFAULTS);
  }

  public static IndexOptions from(Config config) {
    return new IndexOptions(config.get(SHARDS), config.get(ROOM_RING_CAPACITY), config.get(ROOM_RING_MAX_BYTES),
        config.get(RING_TOTAL_MAX_BYTES), config.get(DEDUP_MAX),
        config.get(READ_MAX), config.get(FETCH_MAX_WAIT_MS), WalOptions.from(config));
  }

  public IndexOptions withWal(WalOptions options) {
    return new IndexOptions(shards, roomRingCapacity, roomRingMaxBytes, ringTotalMaxBytes, dedupMax, readMax,
        fetchMaxWaitMs, options);
  }

  public IndexOptions withShards(int n) {
    return new IndexOptions(n, roomRingCapacity, roomRingMaxBytes, ringTotalMaxBytes, dedupMax, readMax,
        fetchMaxWaitMs, wal);
  }

  /** These options with the ring bounds replaced. */
  public IndexOptions withRings(int capacity, long roomMaxBytes, long totalMaxBytes) {
    return new IndexOptions(shards, capacity, roomMaxBytes, totalMaxBytes, dedupMax, readMax, fetchMaxWaitMs, wal);
  }

  private static void requireIn(ConfigKey<?> key, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(key.name() + ": must be in " + min + ".." + max + ", got " + value);
    }
  }

  private static void requirePositive(ConfigKey<?> key, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(key.name() + ": must be >= 1, got " + value);
    }
  }
}
