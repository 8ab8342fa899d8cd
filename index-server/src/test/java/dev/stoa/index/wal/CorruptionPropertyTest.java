package dev.stoa.index.wal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.index.wal.impl.Checkpoint;
import dev.stoa.index.wal.impl.SegmentWalk;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/**
 * Damage to the files of a shard directory (one random truncation or bit flip per try) and the rule
 * that recovery keeps (FORMAT.md "Recovery"):
 *
 * <ul>
 *   <li>no read ever returns a record whose bytes differ from what was written;
 *   <li>damage to an index or the checkpoint loses nothing (indexes are rebuilt, a bad checkpoint
 *       means a full scan);
 *   <li>damage to a segment below the checkpoint either fails {@code open} with a
 *       {@link WalCorruptionException}, or fails the reads of the damaged record and of those reached
 *       only through its header (segments before the checkpoint's are validated cheaply at open), or — when the file lost its
 *       tail — is reported as {@code lostDurableRecords}; records past the checkpoint may be
 *       dropped as a torn tail, but only from the damage on.
 * </ul>
 */
class CorruptionPropertyTest {
  enum Damage {
    FLIP_LOG, TRUNCATE_LOG, FLIP_INDEX, TRUNCATE_INDEX, DELETE_INDEX, FLIP_CHECKPOINT
  }

  private static final int MAX_PAYLOAD = 400;

  private static WalOptions options() {
    return WalOptions.DEFAULTS.withMaxRecordBytes(1024).withSegmentBytes(4096).withIndexIntervalBytes(64)
        .withDurability(Durability.NONE);
  }

  @Property(tries = 120)
  void damageNeverYieldsWrongBytesNorSilentLossBelowTheCheckpoint(@ForAll @LongRange(min = 1) long seed,
      @ForAll Damage damage, @ForAll boolean crashed) throws IOException {
    Path dir = Files.createTempDirectory("wal-corruption");
    try {
      check(dir, new Random(seed), damage, crashed);
    } finally {
      WalTesting.deleteTree(dir);
    }
  }

  private static void check(Path dir, Random rnd, Damage damage, boolean crashed) throws IOException {
    // GIVEN records written in two runs; the second ends in a crash (checkpoint stays behind) or a close
    long first = 10 + rnd.nextInt(60);
    long total = first + rnd.nextInt(60);
    try (ShardLog log = ShardLog.open(dir, options(), WalTesting.CLOCK)) {
      WalTesting.appendRange(log, 0, first, MAX_PAYLOAD);
    }
    ShardLog log2 = ShardLog.open(dir, options(), WalTesting.CLOCK);
    WalTesting.appendRange(log2, first, total, MAX_PAYLOAD);
    if (crashed) {
      log2.crashForTest();
    } else {
      log2.close();
    }
    long cp = Checkpoint.read(dir).offset();
    assertThat(cp).isEqualTo(crashed ? first : total);

    // WHEN one file is damaged
    String what = damage(dir, rnd, damage);

    // THEN
    ShardLog log;
    try {
      log = ShardLog.open(dir, options(), WalTesting.CLOCK);
    } catch (WalCorruptionException e) {
      assertThat(damage).as("open failed after %s: %s", what, e.getMessage())
          .isIn(Damage.FLIP_LOG, Damage.TRUNCATE_LOG);
      return;
    }
    try (log) {
      RecoveryReport rep = log.recovery();
      long end = log.endOffset();
      assertThat(log.startOffset()).isZero();
      assertThat(end).as("after %s", what).isLessThanOrEqualTo(total);
      if (damage != Damage.FLIP_LOG && damage != Damage.TRUNCATE_LOG) {
        assertThat(end).as("after %s", what).isEqualTo(total);
      }
      if (end < cp) {
        assertThat(damage).as("after %s", what).isEqualTo(Damage.TRUNCATE_LOG);
        assertThat(rep.lostDurableRecords()).as("after %s", what).isEqualTo(cp - end);
      } else {
        assertThat(rep.lostDurableRecords()).isZero();
      }
      for (long o = 0; o < end; o++) {
        List<LogRecord> got;
        try {
          got = log.read(o, 1);
        } catch (WalCorruptionException e) {
          assertThat(damage).as("read of %d failed after %s: %s", o, what, e.getMessage())
              .isIn(Damage.FLIP_LOG, Damage.TRUNCATE_LOG);
          assertThat(o).as("read of %d failed after %s", o, what).isLessThan(cp);
          continue;
        }
        assertThat(got).as("offset %d after %s", o, what).containsExactly(WalTesting.record(o, MAX_PAYLOAD));
      }
      // the log stays usable
      assertThat(log.append(0, 0, new byte[] {1}).join()).isEqualTo(end);
    }
  }

  private static String damage(Path dir, Random rnd, Damage damage) throws IOException {
    List<Path> logs = WalTesting.files(dir, ".log");
    List<Path> indexes = WalTesting.files(dir, ".index");
    switch (damage) {
      case FLIP_LOG -> {
        Path f = logs.get(rnd.nextInt(logs.size()));
        long used = usedBytes(f);
        long at = used > 0 && rnd.nextInt(10) < 8 ? (long) (rnd.nextDouble() * used) : (long) (rnd.nextDouble() * Files.size(f));
        int bit = rnd.nextInt(8);
        flip(f, at, bit);
        return "bit " + bit + " flipped at " + at + " of " + f.getFileName() + " (" + used + " bytes used)";
      }
      case TRUNCATE_LOG -> {
        Path f = logs.get(rnd.nextInt(logs.size()));
        long used = usedBytes(f);
        long to = (long) (rnd.nextDouble() * (used + 64));
        truncate(f, to);
        return f.getFileName() + " truncated to " + to + " bytes (" + used + " used)";
      }
      case FLIP_INDEX -> {
        Path f = indexes.get(rnd.nextInt(indexes.size()));
        long used = usedBytes(f);
        long at = used > 0 && rnd.nextInt(10) < 8 ? (long) (rnd.nextDouble() * used) : (long) (rnd.nextDouble() * Files.size(f));
        int bit = rnd.nextInt(8);
        flip(f, at, bit);
        return "bit " + bit + " flipped at " + at + " of " + f.getFileName();
      }
      case TRUNCATE_INDEX -> {
        Path f = indexes.get(rnd.nextInt(indexes.size()));
        long to = (long) (rnd.nextDouble() * (usedBytes(f) + 8));
        truncate(f, to);
        return f.getFileName() + " truncated to " + to;
      }
      case DELETE_INDEX -> {
        Path f = indexes.get(rnd.nextInt(indexes.size()));
        Files.delete(f);
        return f.getFileName() + " deleted";
      }
      case FLIP_CHECKPOINT -> {
        Path f = dir.resolve(Checkpoint.FILE);
        long at = rnd.nextInt(Checkpoint.BYTES);
        int bit = rnd.nextInt(8);
        flip(f, at, bit);
        return "bit " + bit + " flipped at " + at + " of the checkpoint";
      }
      default -> throw new AssertionError(damage);
    }
  }

  private static long usedBytes(Path f) throws IOException {
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
      if (ch.size() == 0) {
        return 0;
      }
      MemorySegment m = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
      return SegmentWalk.nonZeroEnd(m, 0);
    }
  }

  private static void flip(Path f, long at, int bit) throws IOException {
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
      ch.read(b, at);
      b.put(0, (byte) (b.get(0) ^ (1 << bit)));
      b.rewind();
      ch.write(b, at);
    }
  }

  private static void truncate(Path f, long to) throws IOException {
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
      ch.truncate(to);
    }
  }
}
