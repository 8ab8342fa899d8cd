package dev.stoa.index.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The log against a plain list under a seeded random mix of appends (0..400 bytes, small segments
 * so that they roll by size, and a fake clock so that they roll by age), reads, clean reopens,
 * in-process crashes, retention and truncation.
 */
class ModelPropertyTest {
  private static WalOptions options() {
    return WalOptions.DEFAULTS.withMaxRecordBytes(512).withSegmentBytes(4096).withIndexIntervalBytes(128)
        .withSegmentMaxAgeMs(2_000).withRetention(3_000, 24_000).withDurability(Durability.NONE);
  }

  @Property(tries = 30)
  void behavesLikeAList(@ForAll long seed) throws IOException {
    Path dir = Files.createTempDirectory("wal-model");
    try {
      run(dir, new Random(seed));
    } finally {
      WalTesting.deleteTree(dir);
    }
  }

  private static void run(Path dir, Random rnd) throws IOException {
    MutableClock clock = new MutableClock(WalTesting.T0);
    List<LogRecord> model = new ArrayList<>(); // index = offset; entries below start are null
    long start = 0;
    ShardLog log = ShardLog.open(dir, options(), clock);
    try {
      for (int step = 0; step < 250; step++) {
        int op = rnd.nextInt(100);
        if (op < 55) {
          byte[] p = new byte[rnd.nextInt(401)];
          rnd.nextBytes(p);
          int epoch = rnd.nextInt(3);
          long offset = log.append(epoch, clock.millis(), p).join();
          assertThat(offset).isEqualTo(model.size());
          model.add(new LogRecord(offset, epoch, clock.millis(), p));
        } else if (op < 65) {
          clock.advance(rnd.nextInt(700));
        } else if (op < 80) {
          long from = start + rnd.nextLong(model.size() - start + 1);
          int maxBytes = 1 + rnd.nextInt(3000);
          List<LogRecord> got = log.read(from, maxBytes);
          if (from < model.size()) {
            assertThat(got).isNotEmpty();
          }
          assertThat(got).isEqualTo(model.subList((int) from, (int) from + got.size()));
          int bytes = got.stream().mapToInt(r -> 32 + r.payload().length).sum();
          assertThat(got.size() <= 1 || bytes <= maxBytes).isTrue();
        } else if (op < 85) {
          log.close();
          log = ShardLog.open(dir, options(), clock);
          assertThat(log.recovery().bytesDropped()).isZero();
        } else if (op < 88) {
          log.crashForTest(); // NONE: everything written is in the page cache and must come back
          log = ShardLog.open(dir, options(), clock);
          assertThat(log.recovery().lostDurableRecords()).isZero();
        } else if (op < 95) {
          long before = log.startOffset();
          int deleted = log.enforceRetention();
          long after = log.startOffset();
          assertThat(after).isGreaterThanOrEqualTo(before);
          assertThat(deleted > 0).isEqualTo(after > before);
          for (long o = before; o < after; o++) {
            model.set((int) o, null);
          }
          start = after;
          if (start > 0) {
            long below = start - 1;
            ShardLog l = log;
            assertThatThrownBy(() -> l.read(below, 100)).isInstanceOf(OffsetOutOfRangeException.class)
                .hasMessageContaining("offset " + below);
          }
        } else {
          long to = start + rnd.nextLong(model.size() - start + 1);
          log.truncateTo(to);
          model.subList((int) to, model.size()).clear();
        }
        assertThat(log.startOffset()).isEqualTo(start);
        assertThat(log.endOffset()).isEqualTo(model.size());
        assertThat(log.durableOffset()).isEqualTo(model.size());
      }
      assertThat(WalTesting.readAll(log)).isEqualTo(model.subList((int) start, model.size()));
      // retention keeps the record bytes within the limit plus the active segment
      log.enforceRetention();
      long kept = model.subList((int) log.startOffset(), model.size()).stream()
          .mapToLong(r -> (32 + r.payload().length + 7) & -8).sum();
      assertThat(kept).isLessThanOrEqualTo(24_000 + 4096);
    } finally {
      log.close();
    }
  }
}
