package dev.stoa.index.wal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/** Shared helpers of the WAL tests. */
final class WalTesting {
  static final long T0 = 1_700_000_000_000L;
  /** A clock that stays at {@link #T0}: segments roll by size only. */
  static final java.time.Clock CLOCK = java.time.Clock.fixed(java.time.Instant.ofEpochMilli(T0), java.time.ZoneOffset.UTC);

  private WalTesting() {}

  /** Small segments so that tests roll often. */
  static WalOptions small(Durability durability) {
    return WalOptions.DEFAULTS.withMaxRecordBytes(1024).withSegmentBytes(4096).withIndexIntervalBytes(128)
        .withDurability(durability);
  }

  /** The payload the tests write at {@code offset}: deterministic, 0..maxLen bytes. */
  static byte[] payload(long offset, int maxLen) {
    Random r = new Random(offset * 0x9E3779B97F4A7C15L);
    byte[] b = new byte[r.nextInt(maxLen + 1)];
    r.nextBytes(b);
    return b;
  }

  static LogRecord record(long offset, int maxLen) {
    return new LogRecord(offset, (int) (offset % 5), T0 + offset, payload(offset, maxLen));
  }

  /** Appends the records {@link #record} describes for {@code from..to-1}; waits for all. */
  static void appendRange(ShardLog log, long from, long to, int maxLen) {
    List<java.util.concurrent.CompletableFuture<Long>> fs = new ArrayList<>();
    for (long o = from; o < to; o++) {
      LogRecord r = record(o, maxLen);
      fs.add(log.append(r.epoch(), r.timestampMillis(), r.payload()));
    }
    for (int i = 0; i < fs.size(); i++) {
      long got = fs.get(i).join();
      if (got != from + i) {
        throw new AssertionError("append " + i + " got offset " + got + ", expected " + (from + i));
      }
    }
  }

  /** Every record from the start offset to the durable offset. */
  static List<LogRecord> readAll(ShardLog log) {
    List<LogRecord> all = new ArrayList<>();
    long at = log.startOffset();
    while (at < log.durableOffset()) {
      List<LogRecord> batch = log.read(at, 1000);
      if (batch.isEmpty()) {
        throw new AssertionError("empty read at " + at + " below durable offset " + log.durableOffset());
      }
      all.addAll(batch);
      at = batch.getLast().offset() + 1;
    }
    return all;
  }

  static List<Path> files(Path dir, String suffix) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void deleteTree(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
