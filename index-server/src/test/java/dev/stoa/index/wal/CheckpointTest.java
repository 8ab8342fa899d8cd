package dev.stoa.index.wal;

import static dev.stoa.index.wal.WalTesting.appendRange;
import static dev.stoa.index.wal.WalTesting.small;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.index.wal.impl.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
  @TempDir
  Path dir;

  @Test
  void roundTripsAndDetectsDamage() throws IOException {
    assertThat(Checkpoint.read(dir).status()).isEqualTo(Checkpoint.Status.MISSING);
    Checkpoint.write(dir, 123_456_789_012L);
    assertThat(Checkpoint.read(dir)).isEqualTo(new Checkpoint.Read(Checkpoint.Status.VALID, 123_456_789_012L, null));
    assertThat(Files.exists(dir.resolve(Checkpoint.TEMP_FILE))).isFalse();
    byte[] bytes = Files.readAllBytes(dir.resolve(Checkpoint.FILE));
    for (int bit = 0; bit < bytes.length * 8; bit++) {
      byte[] flipped = bytes.clone();
      flipped[bit / 8] ^= (byte) (1 << (bit % 8));
      Files.write(dir.resolve(Checkpoint.FILE), flipped);
      assertThat(Checkpoint.read(dir).status()).as("bit %d", bit).isEqualTo(Checkpoint.Status.CORRUPT);
    }
    Files.write(dir.resolve(Checkpoint.FILE), java.util.Arrays.copyOf(bytes, 12));
    assertThat(Checkpoint.read(dir).problem()).contains("12 bytes");
  }

  @Test
  void anInterruptedWriteLeavesThePreviousCheckpoint() throws IOException {
    Checkpoint.write(dir, 10);
    // a crash between writing the temp file and the rename leaves both behind
    Files.write(dir.resolve(Checkpoint.TEMP_FILE), new byte[] {1, 2, 3});
    assertThat(Checkpoint.read(dir).offset()).isEqualTo(10);
    Checkpoint.write(dir, 11);
    assertThat(Checkpoint.read(dir).offset()).isEqualTo(11);
  }

  @Test
  void logRecoveryIgnoresAStaleTempFileAndScansFromTheCheckpoint() throws IOException {
    try (ShardLog log = ShardLog.open(dir, small(Durability.NONE), WalTesting.CLOCK)) {
      appendRange(log, 0, 200, 300);
    }
    Files.write(dir.resolve(Checkpoint.TEMP_FILE), new byte[] {9, 9, 9});
    try (ShardLog log = ShardLog.open(dir, small(Durability.NONE), WalTesting.CLOCK)) {
      assertThat(Files.exists(dir.resolve(Checkpoint.TEMP_FILE))).isFalse();
      assertThat(log.recovery().checkpoint()).isEqualTo(RecoveryReport.CheckpointStatus.VALID);
      // only the checkpoint's (last) segment is scanned record by record
      assertThat(log.recovery().recordsScanned()).isBetween(1L, 40L);
    }
  }

  @Test
  void aCorruptCheckpointMeansAFullScanAndNothingLost() throws IOException {
    try (ShardLog log = ShardLog.open(dir, small(Durability.NONE), WalTesting.CLOCK)) {
      appendRange(log, 0, 200, 300);
    }
    Files.write(dir.resolve(Checkpoint.FILE), new byte[20]);
    try (ShardLog log = ShardLog.open(dir, small(Durability.NONE), WalTesting.CLOCK)) {
      assertThat(log.recovery().checkpoint()).isEqualTo(RecoveryReport.CheckpointStatus.CORRUPT);
      assertThat(log.recovery().recordsScanned()).isEqualTo(200);
      assertThat(log.endOffset()).isEqualTo(200);
    }
    assertThat(Checkpoint.read(dir).offset()).isEqualTo(200); // rewritten at open and close
  }

  @Test
  void theFlusherCheckpointsAfterARollWithoutAClose() throws IOException {
    WalOptions options = small(Durability.GROUP).withGroupCommit(1, 1 << 20);
    ShardLog log = ShardLog.open(dir, options, WalTesting.CLOCK);
    appendRange(log, 0, 100, 300); // many rolls, every append waited for
    // the flusher writes the checkpoint after it has completed the appends of its batch, so it may
    // still be on its way when the last append returns: wait for it, bounded, then crash
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (Checkpoint.read(dir).offset() == 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    long durableBeforeCrash = log.durableOffset();
    log.crashForTest();
    long cp = Checkpoint.read(dir).offset();
    assertThat(cp).as("checkpoint written by the flusher after a roll, no close").isPositive()
        .isLessThanOrEqualTo(durableBeforeCrash);
    try (ShardLog reopened = ShardLog.open(dir, options, WalTesting.CLOCK)) {
      assertThat(reopened.recovery().checkpointOffset()).isEqualTo(cp);
      assertThat(reopened.endOffset()).isEqualTo(100);
    }
  }
}
