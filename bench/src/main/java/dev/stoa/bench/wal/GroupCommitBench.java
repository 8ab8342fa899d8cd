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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Durable appends, one batch per operation ({@code batch} records of 128 bytes, then wait until
 * they are on the device): the index-server WAL (GROUP durability with {@code groupCommitBytes} set
 * to one batch, so its flusher thread forces once per batch; the benchmark thread appends the batch
 * and waits for the last future) against a bare loop on one thread that writes each record with
 * {@link FileChannel#write} at the end of a file and then calls {@code force(false)}. Scores are
 * batches per second; records per second are {@code score * batch}. Each iteration starts from an
 * empty directory.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class GroupCommitBench {
  static final int RECORD_BYTES = 128;

  /** One shard log per iteration. */
  @State(Scope.Thread)
  public static class Wal {
    @Param({"1", "64", "512"})
    public int batch;

    byte[] payload = WalAppendBench.payload(RECORD_BYTES);
    Path dir;
    ShardLog log;

    @Setup(Level.Iteration)
    public void open() throws IOException {
      dir = BenchDirs.create("wal-group");
      long framed = 32 + RECORD_BYTES;
      WalOptions options = WalOptions.DEFAULTS.withSegmentBytes(64L << 20).withDurability(Durability.GROUP)
          .withGroupCommit(1_000, framed * batch);
      log = ShardLog.open(dir, options, Clock.systemUTC());
    }

    @TearDown(Level.Iteration)
    public void close() {
      log.close();
      BenchDirs.delete(dir);
    }
  }

  /** One plain file per iteration. */
  @State(Scope.Thread)
  public static class Bare {
    @Param({"1", "64", "512"})
    public int batch;

    ByteBuffer record = ByteBuffer.allocateDirect(RECORD_BYTES).put(WalAppendBench.payload(RECORD_BYTES)).flip();
    Path dir;
    FileChannel channel;
    long position;

    @Setup(Level.Iteration)
    public void open() throws IOException {
      dir = BenchDirs.create("bare-force");
      channel = FileChannel.open(dir.resolve("log"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      position = 0;
    }

    @TearDown(Level.Iteration)
    public void close() throws IOException {
      channel.close();
      BenchDirs.delete(dir);
    }
  }

  @Benchmark
  public long wal(Wal s) {
    CompletableFuture<Long> last = null;
    for (int i = 0; i < s.batch; i++) {
      last = s.log.append(1, 1_700_000_000_000L, s.payload);
    }
    return last.join();
  }

  @Benchmark
  public long bareFileChannel(Bare s) throws IOException {
    for (int i = 0; i < s.batch; i++) {
      s.record.clear();
      while (s.record.hasRemaining()) {
        s.position += s.channel.write(s.record, s.position);
      }
    }
    s.channel.force(false);
    return s.position;
  }
}
