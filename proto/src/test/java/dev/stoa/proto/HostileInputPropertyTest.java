package dev.stoa.proto;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.stoa.proto.client.Frame;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * No input costs more than its size: generated hostile frames (huge exponents, 100k-digit numbers
 * quoted and bare, deep nesting, long escapes, lone surrogates, duplicate keys, binary garbage) are
 * parsed or rejected by every decoder of client input within a CPU-time budget linear in their
 * length. The budget is this thread's CPU time (not wall time, so a loaded machine does not fail
 * it) and generous: 100 ms plus 2 µs per byte, where the linear parser needs well under 0.1 µs per
 * byte and JsonFormat's exponent expansion needs seconds to minutes for a 60-byte frame.
 */
class HostileInputPropertyTest {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final String[] FRAMES = {"ack", "send", "pull", "sync", "connect", "join", "push", "messages"};
  private static final String[] FIELDS = {"msgId", "afterSeq", "limit", "cursor", "body", "sessionId", "token",
      "roomId", "seq", "messages", "message", "serverTime"};

  @Property(tries = 300)
  void everyHostileJsonFrameIsParsedOrRejectedInLinearTime(@ForAll("hostileJson") String json) {
    long cpu = cpuNanos(() -> {
      try {
        Frame frame = ProtoJson.parseFrame(json);
        assertThat(frame).isNotNull();
      } catch (InvalidProtocolBufferException e) {
        assertThat(e.getMessage()).as("a rejection names where").matches("(?s)[^ ]+: .+");
      }
      ProtoJson.frameKey(json);
      try {
        ProtoJson.parseSend(json);
      } catch (InvalidProtocolBufferException e) {
        assertThat(e.getMessage()).isNotBlank();
      }
    });
    assertThat(cpu).as("CPU ns for %d chars", json.length()).isLessThan(budgetNanos(json.length()));
  }

  @Property(tries = 200)
  void everyHostileProtobufFrameIsParsedOrRejectedInLinearTime(@ForAll("hostileBinary") byte[] bytes) {
    long cpu = cpuNanos(() -> {
      try {
        Frame.parseFrom(bytes);
      } catch (InvalidProtocolBufferException e) {
        assertThat(e.getMessage()).isNotBlank();
      }
    });
    assertThat(cpu).as("CPU ns for %d bytes", bytes.length).isLessThan(budgetNanos(bytes.length));
  }

  @Provide
  Arbitrary<String> hostileJson() {
    Arbitrary<String> frame = Arbitraries.of(FRAMES);
    Arbitrary<String> field = Arbitraries.of(FIELDS);
    Arbitrary<String> value = Arbitraries.oneOf(
        Arbitraries.integers().between(1, 1_000_000_000).map(e -> "1e" + e),
        Arbitraries.integers().between(1, 1_000_000_000).map(e -> "\"1e" + e + "\""),
        Arbitraries.integers().between(1, 100_000).map(e -> "-0.5E-" + e),
        Arbitraries.integers().between(1, 100_000).map(n -> "9".repeat(n)),
        Arbitraries.integers().between(1, 100_000).map(n -> "\"" + "9".repeat(n) + "\""),
        Arbitraries.integers().between(1, 20_000).map(n -> "[".repeat(n)),
        Arbitraries.integers().between(1, 20_000).map(n -> "{\"a\":".repeat(n)),
        Arbitraries.integers().between(1, 20_000).map(n -> "\"" + "\\u0041".repeat(n) + "\""),
        Arbitraries.integers().between(1, 20_000).map(n -> "\"" + "\\ud800".repeat(n) + "\""),
        Arbitraries.integers().between(1, 20_000).map(n -> "\"" + "\\\\".repeat(n) + "\""),
        Arbitraries.strings().ofMaxLength(200).map(s -> "\"" + s + "\""),
        Arbitraries.strings().withCharRange('\ud800', '\udfff').ofMaxLength(2_000).map(s -> "\"" + s + "\""),
        Arbitraries.of("null", "true", "{}", "[]", "\"\"", "-", "1.0", "0x10", "NaN", "Infinity"));
    Arbitrary<String> member = Combinators.combine(field, value).as((f, v) -> "\"" + f + "\":" + v);
    Arbitrary<String> members = member.list().ofMinSize(1).ofMaxSize(4)
        .map(list -> String.join(",", list));
    Arbitrary<String> duplicated = member.map(m -> (m + ",").repeat(500) + m);
    return Combinators.combine(frame, Arbitraries.oneOf(members, duplicated), Arbitraries.of("}}", "}", "", "}} {}"))
        .as((f, m, end) -> "{\"" + f + "\":{" + m + end);
  }

  @Provide
  Arbitrary<byte[]> hostileBinary() {
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(4_096);
    // nested length-delimited fields as deep as the bytes allow, and a huge declared length
    Arbitrary<byte[]> nested = Arbitraries.integers().between(1, 50_000).map(n -> {
      byte[] b = new byte[2 * n];
      for (int i = 0; i < n; i++) {
        b[2 * i] = 0x0A;
        b[2 * i + 1] = (byte) 0x7F;
      }
      return b;
    });
    Arbitrary<byte[]> longVarints = Arbitraries.integers().between(1, 100_000).map(n -> {
      byte[] b = new byte[n + 1];
      b[0] = 0x08;
      java.util.Arrays.fill(b, 1, b.length, (byte) 0xFF);
      return b;
    });
    return Arbitraries.oneOf(random, nested, longVarints);
  }

  static {
    // load and compile the decoders first: a class's first use is not the cost of an input
    for (int i = 0; i < 2_000; i++) {
      try {
        ProtoJson.parseFrame("{\"ack\":{\"sessionId\":\"c2c:a:b\",\"msgId\":\"" + i + "\"}}");
        ProtoJson.parseFrame("{\"ack\":{\"msgId\":1e" + i + "}}");
      } catch (InvalidProtocolBufferException e) {
        // expected for the second
      }
      try {
        Frame.parseFrom(new byte[] {0x0A, 0x02, 0x0A, (byte) (i & 0x7F)});
      } catch (InvalidProtocolBufferException e) {
        // truncated on purpose
      }
    }
  }

  private static long budgetNanos(int length) {
    return 100_000_000L + 2_000L * length;
  }

  private static long cpuNanos(Runnable work) {
    long before = THREADS.getCurrentThreadCpuTime();
    work.run();
    return THREADS.getCurrentThreadCpuTime() - before;
  }
}
