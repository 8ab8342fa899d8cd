package dev.stoa.bench.ring;

import dev.stoa.index.ring.SessionRing;
import dev.stoa.proto.client.Message;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Range reads from a room's ring buffer ({@link SessionRing#read}) on one thread (issue 3 target:
 * at least 5 million messages read per second on one core). A ring of {@code capacity} messages is
 * full and has wrapped twice (positions are past the array, as in a long-lived room); each read asks
 * for {@code page} messages after a cursor seq that walks forward through the ring and starts over
 * at the oldest seq, as the state servers' poll and clients' pulls do. Every read returns exactly
 * {@code page} messages.
 *
 * <ul>
 *   <li>{@link #readMessages}: one invocation reads {@value #MESSAGES_PER_INVOCATION} messages in
 *       pages, declared with {@link OperationsPerInvocation}, so <b>ops/s = messages/s</b> (the
 *       figure the target is about);
 *   <li>{@link #readPage}: one read per operation, so ops/s = reads/s and messages/s = ops/s ×
 *       page.
 * </ul>
 *
 * <p>What is measured: the binary search for the cursor, the copy of {@code page} references into
 * a new list, and the ring's monitor (uncontended). Not measured: encoding the messages for the
 * wire (that is the reader's or the state server's work). {@code page} must divide
 * {@value #MESSAGES_PER_INVOCATION}. Run: {@code java -jar bench/target/benchmarks.jar RingReadBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class RingReadBench {
  static final int MESSAGES_PER_INVOCATION = 1000;

  @Param({"1000"})
  int capacity;

  @Param({"1", "50", "200"})
  int page;

  SessionRing ring;
  long oldest;
  long newest;
  long cursor;

  @Setup(Level.Trial)
  public void fill() {
    if (MESSAGES_PER_INVOCATION % page != 0 || page > capacity) {
      throw new IllegalArgumentException("page " + page + " must divide " + MESSAGES_PER_INVOCATION
          + " and be at most the capacity " + capacity);
    }
    ring = new SessionRing(capacity);
    long total = capacity * 3L;
    for (long seq = 1; seq <= total; seq++) {
      ring.add(Message.newBuilder().setSessionId("room:bench").setSeq(seq).setPreSeq(seq - 1)
          .setMsgId(1_000_000 + seq).setFromUserId("u" + (seq % 100))
          .setBody("message body of sixty-four bytes ......................").build());
    }
    oldest = ring.oldestSeq();
    newest = ring.newestSeq();
    cursor = oldest - 1;
    List<Message> probe = ring.read(cursor, page);
    if (probe.size() != page || probe.getFirst().getSeq() != oldest) {
      throw new IllegalStateException("ring read after " + cursor + " returned " + probe.size() + " messages, want "
          + page + " starting at seq " + oldest);
    }
  }

  /** One page read; messages/s = ops/s × page. */
  @Benchmark
  public void readPage(Blackhole bh) {
    bh.consume(next());
  }

  /** {@value #MESSAGES_PER_INVOCATION} messages read in pages; ops/s = messages/s. */
  @Benchmark
  @OperationsPerInvocation(MESSAGES_PER_INVOCATION)
  public void readMessages(Blackhole bh) {
    for (int read = 0; read < MESSAGES_PER_INVOCATION; read += page) {
      bh.consume(next());
    }
  }

  private List<Message> next() {
    List<Message> out = ring.read(cursor, page);
    cursor += page;
    if (cursor + page > newest) {
      cursor = oldest - 1;
    }
    return out;
  }
}
