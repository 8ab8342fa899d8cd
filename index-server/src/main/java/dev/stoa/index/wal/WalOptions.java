package dev.stoa.index.wal;

import dev.stoa.common.config.Config;
import dev.stoa.common.config.ConfigException;
import dev.stoa.common.config.ConfigKey;
import dev.stoa.index.wal.impl.RecordFormat;
import java.util.List;
import java.util.Locale;

/**
 * Options of one {@link ShardLog} (keys {@code index.wal.*}). Immutable; validated on construction
 * with messages that name the key.
 *
 * @param segmentBytes size of each segment file, preallocated; a multiple of 8 in 4 KiB..1 GiB
 * @param segmentMaxAgeMs the active segment is rolled at the first append once this long has passed
 *     (by the log's clock) since its first record was written
 * @param indexIntervalBytes one offset-index entry per this many log bytes
 * @param maxRecordBytes largest payload of one record; a larger append is refused
 * @param durability when appends complete
 * @param groupCommitMs GROUP: longest wait between the first pending append and its force
 * @param groupCommitBytes GROUP: force as soon as this many bytes are pending
 * @param retentionMs {@link ShardLog#enforceRetention()} deletes whole closed segments whose last
 *     record is older than this; -1 keeps them forever
 * @param retentionBytes ... and the oldest closed segments while the log holds more record bytes than
 *     this; -1 for no limit
 */
public record WalOptions(long segmentBytes, long segmentMaxAgeMs, int indexIntervalBytes, int maxRecordBytes,
    Durability durability, long groupCommitMs, long groupCommitBytes, long retentionMs, long retentionBytes) {

  public static final long DEFAULT_SEGMENT_BYTES = 128L << 20;
  public static final long DEFAULT_SEGMENT_MAX_AGE_MS = 3_600_000;
  public static final int DEFAULT_INDEX_INTERVAL_BYTES = 4096;
  public static final int DEFAULT_MAX_RECORD_BYTES = 1 << 20;
  public static final Durability DEFAULT_DURABILITY = Durability.GROUP;
  public static final long DEFAULT_GROUP_COMMIT_MS = 5;
  public static final long DEFAULT_GROUP_COMMIT_BYTES = 1 << 20;
  public static final long DEFAULT_RETENTION_MS = 86_400_000;
  public static final long DEFAULT_RETENTION_BYTES = -1;

  public static final ConfigKey<Long> SEGMENT_BYTES = ConfigKey.longInt("index.wal.segment.bytes",
      DEFAULT_SEGMENT_BYTES, 4096, 1L << 30, "size of each preallocated WAL segment file");
  public static final ConfigKey<Long> SEGMENT_MAX_AGE_MS = ConfigKey.longInt("index.wal.segment.max.age.ms",
      DEFAULT_SEGMENT_MAX_AGE_MS, 1, Long.MAX_VALUE, "roll the active WAL segment once its first record is this old");
  public static final ConfigKey<Integer> INDEX_INTERVAL_BYTES = ConfigKey.integer("index.wal.index.interval.bytes",
      DEFAULT_INDEX_INTERVAL_BYTES, 64, 1 << 30, "log bytes between two offset-index entries");
  public static final ConfigKey<Integer> MAX_RECORD_BYTES = ConfigKey.integer("index.wal.max.record.bytes",
      DEFAULT_MAX_RECORD_BYTES, 0, 1 << 30, "largest payload of one WAL record");
  public static final ConfigKey<String> DURABILITY = ConfigKey.string("index.wal.durability",
      DEFAULT_DURABILITY.name(), "when a WAL append completes: PER_APPEND, GROUP or NONE");
  public static final ConfigKey<Long> GROUP_COMMIT_MS = ConfigKey.longInt("index.wal.group.commit.ms",
      DEFAULT_GROUP_COMMIT_MS, 1, 60_000, "GROUP durability: most ms between an append and its force");
  public static final ConfigKey<Long> GROUP_COMMIT_BYTES = ConfigKey.longInt("index.wal.group.commit.bytes",
      DEFAULT_GROUP_COMMIT_BYTES, 1, Long.MAX_VALUE, "GROUP durability: force once this many bytes are pending");
  public static final ConfigKey<Long> RETENTION_MS = ConfigKey.longInt("index.wal.retention.ms",
      DEFAULT_RETENTION_MS, -1, Long.MAX_VALUE, "delete WAL segments whose last record is older; -1 never");
  public static final ConfigKey<Long> RETENTION_BYTES = ConfigKey.longInt("index.wal.retention.bytes",
      DEFAULT_RETENTION_BYTES, -1, Long.MAX_VALUE, "delete the oldest WAL segments above this size; -1 never");

  public static final List<ConfigKey<?>> KEYS = List.of(SEGMENT_BYTES, SEGMENT_MAX_AGE_MS, INDEX_INTERVAL_BYTES,
      MAX_RECORD_BYTES, DURABILITY, GROUP_COMMIT_MS, GROUP_COMMIT_BYTES, RETENTION_MS, RETENTION_BYTES);

  /** The defaults of every key. */
  public static final WalOptions DEFAULTS = new WalOptions(DEFAULT_SEGMENT_BYTES, DEFAULT_SEGMENT_MAX_AGE_MS,
      DEFAULT_INDEX_INTERVAL_BYTES, DEFAULT_MAX_RECORD_BYTES, DEFAULT_DURABILITY, DEFAULT_GROUP_COMMIT_MS,
      DEFAULT_GROUP_COMMIT_BYTES, DEFAULT_RETENTION_MS, DEFAULT_RETENTION_BYTES);

  public WalOptions {
    requireIn(SEGMENT_BYTES, segmentBytes, 4096, 1L << 30);
    if (segmentBytes % RecordFormat.ALIGNMENT != 0) {
      throw new ConfigException("config key '" + SEGMENT_BYTES.name() + "' must be a multiple of "
          + RecordFormat.ALIGNMENT + ", got " + segmentBytes);
    }
    requireIn(SEGMENT_MAX_AGE_MS, segmentMaxAgeMs, 1, Long.MAX_VALUE);
    requireIn(INDEX_INTERVAL_BYTES, indexIntervalBytes, 64, 1 << 30);
    requireIn(MAX_RECORD_BYTES, maxRecordBytes, 0, 1 << 30);
    if (RecordFormat.framedSize(maxRecordBytes) > segmentBytes) {
      throw new ConfigException("config key '" + MAX_RECORD_BYTES.name() + "' (" + maxRecordBytes
          + ") plus the " + RecordFormat.HEADER_BYTES + "-byte record header must fit in '" + SEGMENT_BYTES.name()
          + "' (" + segmentBytes + ")");
    }
    if (durability == null) {
      throw new ConfigException("config key '" + DURABILITY.name() + "' must be set");
    }
    requireIn(GROUP_COMMIT_MS, groupCommitMs, 1, 60_000);
    requireIn(GROUP_COMMIT_BYTES, groupCommitBytes, 1, Long.MAX_VALUE);
    requireIn(RETENTION_MS, retentionMs, -1, Long.MAX_VALUE);
    requireIn(RETENTION_BYTES, retentionBytes, -1, Long.MAX_VALUE);
  }

  public static WalOptions from(Config config) {
    return new WalOptions(config.get(SEGMENT_BYTES), config.get(SEGMENT_MAX_AGE_MS),
        config.get(INDEX_INTERVAL_BYTES), config.get(MAX_RECORD_BYTES), parseDurability(config.get(DURABILITY)),
        config.get(GROUP_COMMIT_MS), config.get(GROUP_COMMIT_BYTES), config.get(RETENTION_MS),
        config.get(RETENTION_BYTES));
  }

  static Durability parseDurability(String raw) {
    try {
      return Durability.valueOf(raw.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("config key '" + DURABILITY.name() + "' must be one of "
          + List.of(Durability.values()) + ", got '" + raw + "'");
    }
  }

  private static void requireIn(ConfigKey<?> key, long value, long min, long max) {
    if (value < min || value > max) {
      throw new ConfigException("config key '" + key.name() + "' must be in " + min + ".." + max + ", got " + value);
    }
  }

  public WalOptions withSegmentBytes(long v) {
    return new WalOptions(v, segmentMaxAgeMs, indexIntervalBytes, maxRecordBytes, durability, groupCommitMs,
        groupCommitBytes, retentionMs, retentionBytes);
  }

  public WalOptions withSegmentMaxAgeMs(long v) {
    return new WalOptions(segmentBytes, v, indexIntervalBytes, maxRecordBytes, durability, groupCommitMs,
        groupCommitBytes, retentionMs, retentionBytes);
  }

  public WalOptions withIndexIntervalBytes(int v) {
    return new WalOptions(segmentBytes, segmentMaxAgeMs, v, maxRecordBytes, durability, groupCommitMs,
        groupCommitBytes, retentionMs, retentionBytes);
  }

  public WalOptions withMaxRecordBytes(int v) {
    return new WalOptions(segmentBytes, segmentMaxAgeMs, indexIntervalBytes, v, durability, groupCommitMs,
        groupCommitBytes, retentionMs, retentionBytes);
  }

  public WalOptions withDurability(Durability v) {
    return new WalOptions(segmentBytes, segmentMaxAgeMs, indexIntervalBytes, maxRecordBytes, v, groupCommitMs,
        groupCommitBytes, retentionMs, retentionBytes);
  }

  public WalOptions withGroupCommit(long ms, long bytes) {
    return new WalOptions(segmentBytes, segmentMaxAgeMs, indexIntervalBytes, maxRecordBytes, durability, ms, bytes,
        retentionMs, retentionBytes);
  }

  public WalOptions withRetention(long ms, long bytes) {
    return new WalOptions(segmentBytes, segmentMaxAgeMs, indexIntervalBytes, maxRecordBytes, durability,
        groupCommitMs, groupCommitBytes, ms, bytes);
  }
}
