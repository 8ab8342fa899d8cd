package dev.stoa.index.wal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM appends and dies mid-run; the reopened log holds exactly the complete records: every
 * acknowledged one, byte for byte, and no partial one (Chronicle's
 * CheckHalfWrittenMsgNotSeenByTailerTest, with a real process).
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CrashTest {
  @TempDir
  Path tmp;

  private record ChildRun(TreeMap<Long, byte[]> acked, List<String> other, int exitCode) {}

  private ChildRun runChild(Path dir, String mode, Durability durability, int count, int killAfterAcks)
      throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElseThrow();
    Path err = tmp.resolve("child-" + mode + ".err");
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        CrashChild.class.getName(), dir.toString(), mode, durability.name(), Integer.toString(count))
        .redirectError(err.toFile());
    Process p = pb.start();
    TreeMap<Long, byte[]> acked = new TreeMap<>();
    List<String> other = new ArrayList<>();
    HexFormat hex = HexFormat.of();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        String[] parts = line.split(" ", -1);
        if (parts.length == 3 && parts[0].equals("ACK") && parts[2].length() % 2 == 0) {
          try {
            acked.put(Long.parseLong(parts[1]), hex.parseHex(parts[2]));
          } catch (IllegalArgumentException partialLine) {
            other.add(line);
          }
        } else {
          other.add(line);
        }
        if (killAfterAcks > 0 && acked.size() >= killAfterAcks && p.isAlive()) {
          p.toHandle().destroyForcibly(); // kill -9 while appends are in flight; keeps reading what it printed
        }
      }
    } finally {
      p.destroyForcibly();
    }
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String stderr = Files.readString(err);
    assertThat(acked).as("child stderr: %s", stderr).isNotEmpty();
    return new ChildRun(acked, other, p.exitValue());
  }

  private static void assertExactlyTheCompleteRecords(Path dir, TreeMap<Long, byte[]> acked, WalOptions options)
      throws IOException {
    try (ShardLog log = ShardLog.open(dir, options, WalTesting.CLOCK)) {
      List<LogRecord> all = WalTesting.readAll(log);
      assertThat(log.startOffset()).isZero();
      // every acknowledged record, exactly as the child printed it
      assertThat(log.endOffset()).isGreaterThan(acked.lastKey());
      for (var e : acked.entrySet()) {
        LogRecord got = all.get(Math.toIntExact(e.getKey()));
        assertThat(got.offset()).isEqualTo(e.getKey());
        assertThat(got.payload()).as("offset %d", e.getKey()).isEqualTo(e.getValue());
      }
      // and whatever else survived is complete and exactly what was written
      for (LogRecord r : all) {
        assertThat(r).isEqualTo(WalTesting.record(r.offset(), CrashChild.MAX_PAYLOAD));
      }
      // appends go on after the crash
      assertThat(log.append(1, 2, new byte[] {3}).join()).isEqualTo(log.endOffset() - 1);
    }
  }

  private static WalOptions reopenOptions() {
    return WalOptions.DEFAULTS.withMaxRecordBytes(1024).withSegmentBytes(64 * 1024).withIndexIntervalBytes(256)
        .withDurability(Durability.NONE);
  }

  @Test
  void killDashNineMidRunLosesNoAcknowledgedRecord() throws Exception {
    Path dir = tmp.resolve("shard");
    ChildRun run = runChild(dir, "kill", Durability.GROUP, 0, 3000);
    assertThat(run.exitCode()).isNotZero();
    assertThat(run.acked().size()).isGreaterThanOrEqualTo(3000);
    assertThat(run.acked().firstKey()).isZero();
    assertThat(WalTesting.files(dir, ".log")).hasSizeGreaterThan(1); // it rolled
    assertExactlyTheCompleteRecords(dir, run.acked(), reopenOptions());
  }

  @Test
  void aRecordWithoutItsLengthIsNeverSeen() throws Exception {
    Path dir = tmp.resolve("shard");
    ChildRun run = runChild(dir, "torn-hidden", Durability.NONE, 500, 0);
    assertThat(run.other()).contains("TORN 500");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.acked()).hasSize(500);
    try (ShardLog log = ShardLog.open(dir, reopenOptions(), WalTesting.CLOCK)) {
      assertThat(log.endOffset()).isEqualTo(500);
      assertThat(log.recovery().bytesDropped()).isPositive(); // the header and half payload were zeroed
    }
    assertExactlyTheCompleteRecords(dir, run.acked(), reopenOptions());
  }

  @Test
  void aPublishedLengthOverAHalfWrittenPayloadIsDroppedByItsCrc() throws Exception {
    Path dir = tmp.resolve("shard");
    ChildRun run = runChild(dir, "torn-published", Durability.GROUP, 400, 0);
    assertThat(run.other()).contains("TORN 400");
    assertThat(run.acked()).hasSize(400);
    try (ShardLog log = ShardLog.open(dir, reopenOptions(), WalTesting.CLOCK)) {
      assertThat(log.endOffset()).isEqualTo(400);
      assertThat(log.recovery().bytesDropped()).isPositive();
      assertThat(log.recovery().lostDurableRecords()).isZero();
    }
    assertExactlyTheCompleteRecords(dir, run.acked(), reopenOptions());
  }
}
