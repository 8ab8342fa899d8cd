package dev.stoa.bench.wal;

import dev.stoa.index.wal.Durability;
import dev.stoa.index.wal.ShardLog;
import dev.stoa.index.wal.WalOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * The {@link GroupCommitBench} comparison with the two sides interleaved batch by batch in one
 * thread, so that both see the same disk at the same moment: on a shared machine the latency of a
 * force drifts by 10x within seconds, which JMH, running one benchmark after the other, reports as
 * a difference between them. Prints the median and p90 latency of a durable batch for each side.
 * Usage: {@code java -cp bench/target/benchmarks.jar dev.stoa.bench.wal.GroupCommitAb [batches]}
 */
public final class GroupCommitAb {
  private GroupCommitAb() {}

  public static void main(String[] args) throws IOException {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    System.out.println("batch  wal p50 us  wal p90 us  bare p50 us  bare p90 us  wal/bare throughput (p50)");
    for (int batch : new int[] {1, 64, 512}) {
      run(batch, rounds);
    }
  }

  private static void run(int batch, int rounds) throws IOException {
    Path dir = BenchDirs.create("group-commit-ab");
    long framed = 32 + GroupCommitBench.RECORD_BYTES;
    WalOptions options = WalOptions.DEFAULTS.withSegmentBytes(64L << 20).withDurability(Durability.GROUP)
        .withGroupCommit(1_000, framed * batch);
    byte[] payload = WalAppendBench.payload(GroupCommitBench.RECORD_BYTES);
    ByteBuffer record = ByteBuffer.allocateDirect(GroupCommitBench.RECORD_BYTES).put(payload).flip();
    long[] wal = new long[rounds];
    long[] bare = new long[rounds];
    try (ShardLog log = ShardLog.open(dir.resolve("wal"), options, Clock.systemUTC());
        FileChannel ch = FileChannel.open(dir.resolve("bare"), StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE)) {
      long position = 0;
      for (int r = -rounds / 10; r < rounds; r++) { // the first tenth warms up
        long t0 = System.nanoTime();
        CompletableFuture<Long> last = null;
        for (int i = 0; i < batch; i++) {
          last = log.append(1, 1_700_000_000_000L, payload);
        }
        last.join();
        long t1 = System.nanoTime();
        for (int i = 0; i < batch; i++) {
          record.clear();
          while (record.hasRemaining()) {
            position += ch.write(record, position);
          }
        }
        ch.force(false);
        long t2 = System.nanoTime();
        if (r >= 0) {
          wal[r] = t1 - t0;
          bare[r] = t2 - t1;
        }
      }
    } finally {
      BenchDirs.delete(dir);
    }
    Arrays.sort(wal);
    Arrays.sort(bare);
    long w50 = wal[rounds / 2];
    long b50 = bare[rounds / 2];
    System.out.printf("%5d  %10d  %10d  %11d  %11d  %.2fx%n", batch, w50 / 1000, wal[rounds * 9 / 10] / 1000,
        b50 / 1000, bare[rounds * 9 / 10] / 1000, (double) b50 / w50);
  }
}
