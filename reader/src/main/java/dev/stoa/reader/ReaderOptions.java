package dev.stoa.reader;

import dev.stoa.common.config.Config;
import dev.stoa.common.config.ConfigKey;
import java.util.List;

/**
 * Options of the reader role (DESIGN.md §3 "Pull / sync"), read once at start-up. A request
 * limit of 0 takes the default; the largest limit a client may ask for is {@value #MAX_LIMIT}
 * (PROTOCOL.md).
 *
 * @param pullLimitDefault messages per pull page when the request gives no limit
 * @param syncLimitDefault messages per sync page when the request gives no limit
 * @param threads platform threads that read storage (RocksDB calls are native and would pin
 *     virtual threads to the few carriers)
 * @param queueMax c2c pulls and syncs admitted at once, running on a read thread or waiting for
 *     one; the excess is answered {@code UNAVAILABLE} at once (retryable) instead of queueing
 *     without bound
 */
public record ReaderOptions(int pullLimitDefault, int syncLimitDefault, int threads, int queueMax) {
  public static final int MAX_LIMIT = 200;
  public static final int DEFAULT_PULL_LIMIT = 50;
  public static final int DEFAULT_SYNC_LIMIT = 100;
  public static final int DEFAULT_THREADS = 16;
  /** 16 reads per read thread: a few ms of backlog at the default page sizes, bounded memory. */
  public static final int DEFAULT_QUEUE_MAX = 256;

  public static final ConfigKey<Integer> PULL_LIMIT_DEFAULT = ConfigKey.integer("reader.pull.limit.default",
      DEFAULT_PULL_LIMIT, 1, MAX_LIMIT, "messages per pull page when the client gives no limit");
  public static final ConfigKey<Integer> SYNC_LIMIT_DEFAULT = ConfigKey.integer("reader.sync.limit.default",
      DEFAULT_SYNC_LIMIT, 1, MAX_LIMIT, "messages per sync page when the client gives no limit");

  public static final ConfigKey<Integer> THREADS = ConfigKey.integer("reader.threads",
      DEFAULT_THREADS, 1, 1024, "threads that read storage for pull and sync");

  public static final ConfigKey<Integer> QUEUE_MAX = ConfigKey.integer("reader.queue.max",
      DEFAULT_QUEUE_MAX, 1, 1_000_000,
      "pulls and syncs admitted at once (running or waiting for a read thread); the excess is answered UNAVAILABLE");

  public static final List<ConfigKey<?>> KEYS = List.of(PULL_LIMIT_DEFAULT, SYNC_LIMIT_DEFAULT, THREADS, QUEUE_MAX);

  /** With the default {@code reader.queue.max}. */
  public ReaderOptions(int pullLimitDefault, int syncLimitDefault, int threads) {
    this(pullLimitDefault, syncLimitDefault, threads, DEFAULT_QUEUE_MAX);
  }

  public ReaderOptions {
    requireLimit("reader.pull.limit.default", pullLimitDefault);
    requireLimit("reader.sync.limit.default", syncLimitDefault);
    if (threads < 1) {
      throw new IllegalArgumentException("reader.threads: must be >= 1, got " + threads);
    }
    if (queueMax < 1) {
      throw new IllegalArgumentException("reader.queue.max: must be >= 1, got " + queueMax);
    }
  }

  public static ReaderOptions defaults() {
    return new ReaderOptions(DEFAULT_PULL_LIMIT, DEFAULT_SYNC_LIMIT, DEFAULT_THREADS, DEFAULT_QUEUE_MAX);
  }

  public static ReaderOptions from(Config config) {
    return new ReaderOptions(config.get(PULL_LIMIT_DEFAULT), config.get(SYNC_LIMIT_DEFAULT), config.get(THREADS),
        config.get(QUEUE_MAX));
  }

  private static void requireLimit(String key, int value) {
    if (value < 1 || value > MAX_LIMIT) {
      throw new IllegalArgumentException(key + ": must be 1.." + MAX_LIMIT + ", got " + value);
    }
  }
}
