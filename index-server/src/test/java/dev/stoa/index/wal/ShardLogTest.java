package dev.stoa.index.wal;

import static dev.stoa.index.wal.WalTesting.T0;
import static dev.stoa.index.wal.WalTesting.appendRange;
import static dev.stoa.index.wal.WalTesting.files;
import static dev.stoa.index.wal.WalTesting.readAll;
import static dev.stoa.index.wal.WalTesting.record;
import static dev.stoa.index.wal.WalTesting.small;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.index.wal.impl.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardLogTest {
  @TempDir
  Path dir;

  private static List<LogRecord> expected(long from, long to, int maxLen) {
    return LongStream.range(from, to).mapToObj(o -> record(o, maxLen)).toList();
  }

  @Test
  void appendsRollSegmentsAndSurviveReopen() throws IOException {
    // GIVEN 300 records of 0..300 bytes in 4 KiB segments
    try (ShardLog log = ShardLog.open(dir, small(Durability.NONE), WalTesting.CLOCK)) {
      appendRange(log, 0, 300, 300);
      // THEN they read back in order, across many segments
      assertThat(log.endOffset()).isEqualTo(300);
      assertThat(files(dir, ".log")).hasSizeGreaterThan(5);
      assertThat(files(dir, ".log").getFirst().getFileName().toString()).isEqualTo("00000000000000000000.log");
      assertThat(readAll(log)).isEqualTo(expected(0, 300, 300));
    }
    // WHEN reopened THEN nothing is lost or dropped, and appends go on at 300
    try (ShardLog log = ShardLog.open(dir, small(Durability.NONE), WalTesting.CLOCK)) {
      assertThat(log.recovery().recordsRecovered()).isEqualTo(300);
      assertThat(log.recovery().bytesDropped()).isZero();
      assertThat(log.recovery().indexesRebuilt()).isZero();
      assertThat(log.recovery().checkpoint()).isEqualTo(RecoveryReport.CheckpointStatus.VALID);
      assertThat(log.recovery().checkpointOffset()).isEqualTo(300);
      appendRange(log, 300, 310, 300);
      assertThat(readAll(log)).isEqualTo(expected(0, 310, 300));
    }
  }

  @Test
  void readReturnsAtLeastOneRecordAndStaysWithinMaxBytes() throws IOException {
    try (ShardLog log = ShardLog.open(dir, small(Durability.NONE), WalTesting.CLOCK)) {
      appendRange(log, 0, 50, 300);
      assertThat(log.read(10, 1)).containsExactly(record(10, 300));
      List<LogRecord> batch = log.read(10, 700);
      int bytes = batch.stream().mapToInt(r -> 32 + r.payload().length).sum();
      assertThat(bytes).isLessThanOrEqualTo(700);
      int next = 32 + record(10 + batch.size(), 300).payload().length;
      assertThat(bytes + next).isGreaterThan(700);
      assertThat(log.read(50, 1000)).isEmpty();
      assertThatThrownBy(() -> log.read(51, 1000)).isInstanceOf(OffsetOutOfRangeException.class)
          .hasMessageContaining("offset 51").hasMessageContaining("[0, 50]");
    }
  }

  @Test
  void visitorSeesPayloadViewsWithoutCopies() throws IOException {
    try (ShardLog log = ShardLog.open(dir, small(Durability.NONE), WalTesting.CLOCK)) {
      appendRange(log, 0, 20, 100);
      long[] seen = {0};
      long next = log.read(0, Integer.MAX_VALUE, (offset, epoch, ts, payload) -> {
        assertThat(payload.isReadOnly()).isTrue();
        assertThat(payload.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)).isEqualTo(record(offset, 100).payload());
        seen[0]++;
      });
      assertThat(next).isEqualTo(20);
      assertThat(seen[0]).isEqualTo(20);
    }
  }

  @Test
  void tooLargeRecordIsRefusedNamingSizes() throws IOException {
    try (ShardLog log = ShardLog.open(dir, small(Durability.NONE), WalTesting.CLOCK)) {
      assertThatThrownBy(() -> log.append(0, T0, new byte[1025])).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("1025 bytes").hasMessageContaining("1024 bytes")
          .hasMessageContaining(WalOptions.MAX_RECORD_BYTES.name());
      assertThat(log.append(0, T0, new byte[1024]).join()).isZero();
    }
  }

  @Test
  void rollsByAgeOfFirstRecordWithFakeClock() throws IOException {
    MutableClock clock = new MutableClock(T0);
    WalOptions options = small(Durability.NONE).withSegmentBytes(1 << 20).withSegmentMaxAgeMs(1000);
    try (ShardLog log = ShardLog.open(dir, options, clock)) {
      log.append(0, clock.millis(), new byte[10]).join();
      clock.advance(999);
      log.append(0, clock.millis(), new byte[10]).join();
      assertThat(files(dir, ".log")).hasSize(1);
      clock.advance(1);
      log.append(0, clock.millis(), new byte[10]).join(); // first record is now 1000 ms old
      assertThat(files(dir, ".log")).extracting(p -> p.getFileName().toString())
          .containsExactly("00000000000000000000.log", "00000000000000000002.log");
      clock.advance(999);
      log.append(0, clock.millis(), new byte[10]).join();
      assertThat(files(dir, ".log")).hasSize(2);
    }
  }

  @Test
  void retentionByAgeDeletesOldClosedSegmentsAndMovesStart() throws IOException {
    MutableClock clock = new MutableClock(T0);
    WalOptions options = small(Durability.NONE).withRetention(10_000, -1);
    try (ShardLog log = ShardLog.open(dir, options, clock)) {
      for (int i = 0; i < 100; i++) {
        log.append(0, clock.millis(), new byte[200]).join(); // 232 bytes: 17 per segment
      }
      long oldSegments = files(dir, ".log").size() - 1;
      clock.advance(5_000);
      for (int i = 0; i < 40; i++) {
        log.append(0, clock.millis(), new byte[200]).join();
      }
      assertThat(log.enforceRetention()).isZero(); // nothing older than 10 s yet
      clock.advance(5_001); // the first 100 records are now 10_001 ms old, the rest 5_001
      int deleted = log.enforceRetention();
      assertThat(deleted).isEqualTo(oldSegments); // the one holding records 85..101 has a young last record
      assertThat(log.startOffset()).isEqualTo(85);
      assertThat(files(dir, ".log").getFirst().getFileName().toString()).isEqualTo("00000000000000000085.log");
      assertThat(files(dir, ".index")).hasSize(files(dir, ".log").size());
      assertThat(log.read(85, 1)).hasSize(1);
      assertThatThrownBy(() -> log.read(84, 1)).isInstanceOf(OffsetOutOfRangeException.class)
          .hasMessageContaining("offset 84").hasMessageContaining("[85, 140]");
    }
    try (ShardLog log = ShardLog.open(dir, options, clock)) {
      assertThat(log.startOffset()).isEqualTo(85);
      assertThat(log.endOffset()).isEqualTo(140);
    }
  }

  @Test
  void retentionBySizeKeepsTheNewestSegments() throws IOException {
    WalOptions options = small(Durability.NONE).withRetention(-1, 10_000);
    try (ShardLog log = ShardLog.open(dir, options, WalTesting.CLOCK)) {
      for (int i = 0; i < 170; i++) { // 10 segments of 17 records x 232 bytes = 3944 bytes
        log.append(0, T0, new byte[200]).join();
      }
      assertThat(files(dir, ".log")).hasSize(10);
      // 170 x 232 = 39_440 bytes; dropping 7 oldest segments leaves 3 x 3944 = 11_832 > 10_000, 8 leaves 7888
      assertThat(log.enforceRetention()).isEqualTo(8);
      assertThat(log.startOffset()).isEqualTo(136);
      assertThat(files(dir, ".log")).hasSize(2);
      assertThat(log.enforceRetention()).isZero();
    }
  }

  @Test
  void truncateToRemovesTheTailAcrossSegmentsAndSurvivesReopen() throws IOException {
    WalOptions options = small(Durability.GROUP).withGroupCommit(1, 1 << 20);
    try (ShardLog log = ShardLog.open(dir, options, WalTesting.CLOCK)) {
      appendRange(log, 0, 100, 300);
      assertThat(log.durableOffset()).isEqualTo(100);
      log.truncateTo(37);
      assertThat(log.endOffset()).isEqualTo(37);
      assertThat(log.durableOffset()).isEqualTo(37);
      assertThat(readAll(log)).isEqualTo(expected(0, 37, 300));
      assertThat(Checkpoint.read(dir).offset()).isLessThanOrEqualTo(37);
      // a different record at 37 now
      assertThat(log.append(9, T0, new byte[] {1, 2, 3}).join()).isEqualTo(37);
      assertThat(log.read(37, 100)).containsExactly(new LogRecord(37, 9, T0, new byte[] {1, 2, 3}));
      assertThatThrownBy(() -> log.truncateTo(39)).isInstanceOf(OffsetOutOfRangeException.class)
          .hasMessageContaining("39").hasMessageContaining("[0, 38]");
    }
    try (ShardLog log = ShardLog.open(dir, options, WalTesting.CLOCK)) {
      assertThat(log.recovery().lostDurableRecords()).isZero();
      assertThat(log.recovery().bytesDropped()).isZero();
      assertThat(log.endOffset()).isEqualTo(38);
      assertThat(log.read(37, 100)).containsExactly(new LogRecord(37, 9, T0, new byte[] {1, 2, 3}));
      log.truncateTo(0);
      assertThat(log.endOffset()).isZero();
      assertThat(files(dir, ".log")).hasSize(1);
    }
  }

  @Test
  void missingOrDamagedIndexesAreRebuilt() throws IOException {
    try (ShardLog log = ShardLog.open(dir, small(Durability.NONE), WalTesting.CLOCK)) {
      appendRange(log, 0, 200, 300);
    }
    List<Path> indexes = files(dir, ".index");
    Files.delete(indexes.get(0));
    Files.write(indexes.get(1), new byte[] {1, 0, 0, 0, 8, 0, 0, 0}); // entry (1, 8): not where offset 1 is
    try (ShardLog log = ShardLog.open(dir, small(Durability.NONE), WalTesting.CLOCK)) {
      assertThat(log.recovery().indexesRebuilt()).isEqualTo(2);
      assertThat(readAll(log)).isEqualTo(expected(0, 200, 300));
    }
    try (ShardLog log = ShardLog.open(dir, small(Durability.NONE), WalTesting.CLOCK)) {
      assertThat(log.recovery().indexesRebuilt()).isZero();
    }
  }

  @Test
  void readersAndWaitersSeeOnlyDurableRecords() throws Exception {
    CountDownLatch forceMayProceed = new CountDownLatch(1);
    CountDownLatch forceStarted = new CountDownLatch(1);
    WalOptions options = small(Durability.PER_APPEND);
    try (ShardLog log = ShardLog.open(dir, options, WalTesting.CLOCK, file -> {
      forceStarted.countDown();
      try {
        forceMayProceed.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    })) {
      CompletableFuture<Long> waiter = log.awaitDurable(0);
      CompletableFuture<Long> appended = log.append(1, T0, new byte[] {42});
      assertThat(forceStarted.await(10, TimeUnit.SECONDS)).isTrue();
      // the record is written but its force has not finished
      assertThat(log.endOffset()).isEqualTo(1);
      assertThat(log.durableOffset()).isZero();
      assertThat(log.read(0, 1000)).isEmpty();
      assertThat(appended).isNotDone();
      assertThat(waiter).isNotDone();
      forceMayProceed.countDown();
      assertThat(appended.get(10, TimeUnit.SECONDS)).isZero();
      assertThat(waiter.get(10, TimeUnit.SECONDS)).isEqualTo(1);
      assertThat(log.read(0, 1000)).containsExactly(new LogRecord(0, 1, T0, new byte[] {42}));
      assertThat(log.awaitDurable(0)).isCompletedWithValue(1L);
    }
  }

  @Test
  void aDirectoryOpensOnce() throws IOException {
    try (ShardLog log = ShardLog.open(dir, small(Durability.NONE), WalTesting.CLOCK)) {
      assertThatThrownBy(() -> ShardLog.open(dir, small(Durability.NONE), WalTesting.CLOCK))
          .isInstanceOf(IOException.class).hasMessageContaining(dir.toString()).hasMessageContaining("already open");
      assertThat(log.state()).isEqualTo(ShardLog.State.ONLINE);
    }
  }

  @Test
  void closedLogRefusesWork() throws IOException {
    ShardLog log = ShardLog.open(dir, small(Durability.GROUP), WalTesting.CLOCK);
    CompletableFuture<Long> waiter = log.awaitDurable(5);
    log.close();
    assertThat(log.state()).isEqualTo(ShardLog.State.CLOSED);
    assertThat(waiter).isCompletedExceptionally();
    assertThat(log.append(0, T0, new byte[1])).failsWithin(1, TimeUnit.SECONDS)
        .withThrowableThat().withMessageContaining("closed");
    assertThatThrownBy(() -> log.read(0, 10)).isInstanceOf(WalException.class).hasMessageContaining("closed");
    log.close(); // idempotent
  }
}
