package dev.stoa.bench;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.stoa.proto.ProtoJson;
import dev.stoa.proto.client.Frame;
import dev.stoa.proto.client.Message;
import dev.stoa.proto.client.Push;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The gateway's per-message codec cost: encoding a {@code push} {@link Frame} for a client and
 * decoding it back, as JSON text ({@link ProtoJson}, the proto3 JSON mapping of PROTOCOL.md, to
 * UTF-8 bytes as a WebSocket text frame carries them) versus binary protobuf. The message has every
 * field a real push carries; the body length is a parameter. Run with
 * {@code java -jar bench/target/benchmarks.jar FrameCodecBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FrameCodecBench {
  @Param({"32", "256", "2048"})
  public int bodyBytes;

  private Frame push;
  private byte[] jsonBytes;
  private byte[] binary;

  @Setup
  public void setUp() {
    push = Frame.newBuilder().setPush(Push.newBuilder().setMessage(Message.newBuilder()
            .setSessionId("c2c:alice-0001:bob-0001")
            .setSeq(123_456)
            .setPreSeq(123_455)
            .setMsgId(7_345_812_345_678_901_234L)
            .setPreMsgId(7_345_812_345_678_800_000L)
            .setFromUserId("alice-0001")
            .setFromDeviceId("web-1")
            .setClientMsgId("a-123456")
            .setBody("x".repeat(bodyBytes))
            .setSentAt(1_763_800_000_123L)))
        .build();
    jsonBytes = ProtoJson.print(push).getBytes(StandardCharsets.UTF_8);
    binary = push.toByteArray();
  }

  @Benchmark
  public byte[] jsonEncode() {
    return ProtoJson.print(push).getBytes(StandardCharsets.UTF_8);
  }

  @Benchmark
  public Frame jsonDecode() throws InvalidProtocolBufferException {
    return ProtoJson.parseFrame(new String(jsonBytes, StandardCharsets.UTF_8));
  }

  @Benchmark
  public byte[] binaryEncode() {
    return push.toByteArray();
  }

  @Benchmark
  public Frame binaryDecode() throws InvalidProtocolBufferException {
    return Frame.parseFrom(binary);
  }
}
