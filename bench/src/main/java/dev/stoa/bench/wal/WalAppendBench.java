package dev.stoa.bench.wal;

import dev.stoa.index.wal.Durability;
import dev.stoa.index.wal.ShardLog;
import dev.stoa.index.wal.WalOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
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
 * Append throughput without any force, one thread: the index-server WAL ({@link ShardLog},
 * durability NONE: record framed with a 32-byte header and CRC32C into a mapped segment) against a
 * Chronicle Queue appender writing the same bytes with {@code writeBytes}. Each iteration starts
 * from an empty directory (deleted afterwards), so disk use stays bounded. Needs the JVM flags of
 * the root pom's {@code stoa.jvm.flags} for Chronicle; run with
 * {@code java -jar bench/target/benchmarks.jar WalAppendBench -jvmArgsAppend "<flags>"}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class WalAppendBench {

  static byte[] payload(int size) {
    byte[] b = new byte[size];
    new Random(size).nextBytes(b);
    return b;
  }

  /** One shard log per iteration. */
  @State(Scope.Thread)
  public static class Wal {
    @Param({"128", "1024"})
    public int payloadBytes;

    byte[] payload;
    Path dir;
    ShardLog log;
    long timestamp = 1_700_000_000_000L;

    @Setup(Level.Iteration)
    public void open() throws IOException {
      payload = payload(payloadBytes);
      dir = BenchDirs.create("wal-append");
      WalOptions options = WalOptions.DEFAULTS.withSegmentBytes(256L << 20).withDurability(Durability.NONE);
      log = ShardLog.open(dir, options, Clock.systemUTC());
    }

    @TearDown(Level.Iteration)
    public void close() {
      log.close();
      BenchDirs.delete(dir);
    }
  }

  /** One Chronicle Queue per iteration. */
  @State(Scope.Thread)
  public static class Chronicle {
    @Param({"128", "1024"})
    public int payloadBytes;

    BytesStore<?, byte[]> payload;
    Path dir;
    SingleChronicleQueue queue;
    ExcerptAppender appender;

    @Setup(Level.Iteration)
    public void open() {
      payload = BytesStore.wrap(payload(payloadBytes));
      dir = BenchDirs.create("chronicle-append");
      queue = SingleChronicleQueueBuilder.single(dir.toFile()).rollCycle(RollCycles.FAST_DAILY).build();
      appender = queue.createAppender();
    }

    @TearDown(Level.Iteration)
    public void close() {
      appender.close();
      queue.close();
      BenchDirs.delete(dir);
    }
  }

  @Benchmark
  public long wal(Wal s) {
    return s.log.append(1, s.timestamp, s.payload).join();
  }

  @Benchmark
  public long chronicleQueue(Chronicle s) {
    s.appender.writeBytes(s.payload);
    return s.appender.lastIndexAppended();
  }
}
