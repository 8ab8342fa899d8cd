package dev.stoa.sdk.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.proto.client.Frame;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class VarintFramingTest {

  static byte[] bytes(int length, int seed) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = (byte) (i * 31 + seed);
    }
    return b;
  }

  static List<byte[]> feedAll(VarintFraming.Decoder decoder, List<Buffer> chunks) throws FrameDecodeException {
    List<byte[]> out = new ArrayList<>();
    for (Buffer chunk : chunks) {
      for (Buffer payload : decoder.feed(chunk)) {
        out.add(payload.getBytes());
      }
    }
    return out;
  }

  @Test
  void encodeMatchesProtobufWriteDelimited() throws Exception {
    Frame frame = ClientFrames.send("a-1", "c2c:alice:bob", "x".repeat(300));
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    frame.writeDelimitedTo(expected);
    assertThat(VarintFraming.encode(frame).getBytes()).isEqualTo(expected.toByteArray());
    assertThat(VarintFraming.encode(frame.toByteArray()).getBytes()).isEqualTo(expected.toByteArray());
  }

  @Test
  void framesSplitByteByByteComeOutWhole() throws Exception {
    byte[] payload = bytes(300, 1); // 2-byte length prefix, split inside it too
    Buffer wire = VarintFraming.encode(payload);
    VarintFraming.Decoder decoder = new VarintFraming.Decoder(1024);
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < wire.length(); i++) {
      List<Buffer> got = decoder.feed(wire.getBuffer(i, i + 1));
      if (i < wire.length() - 1) {
        assertThat(got).as("after byte %d of %d", i, wire.length()).isEmpty();
      }
      got.forEach(b -> out.add(b.getBytes()));
    }
    assertThat(out).containsExactly(payload);
    assertThat(decoder.buffered()).isZero();
  }

  @Test
  void severalFramesInOneChunkComeOutInOrder() throws Exception {
    byte[] a = bytes(3, 1);
    byte[] b = bytes(0, 2);
    byte[] c = bytes(200, 3);
    Buffer wire = VarintFraming.encode(a).appendBuffer(VarintFraming.encode(b)).appendBuffer(VarintFraming.encode(c));
    Buffer partialNext = VarintFraming.encode(bytes(10, 4)).getBuffer(0, 5);
    VarintFraming.Decoder decoder = new VarintFraming.Decoder(1024);
    assertThat(feedAll(decoder, List.of(wire.copy().appendBuffer(partialNext)))).containsExactly(a, b, c);
    assertThat(decoder.buffered()).isEqualTo(5);
  }

  @Test
  void aLengthOverTheMaximumIsRejectedAsSoonAsThePrefixIsComplete() throws Exception {
    VarintFraming.Decoder decoder = new VarintFraming.Decoder(1000);
    assertThat(decoder.feed(VarintFraming.encode(bytes(1000, 0)))).hasSize(1); // exactly the max is fine
    Buffer prefixOnly = VarintFraming.encode(bytes(1001, 0)).getBuffer(0, 2);
    assertThatThrownBy(() -> decoder.feed(prefixOnly))
        .isInstanceOf(FrameDecodeException.class)
        .hasMessage("frame length 1001 bytes at stream offset 1002 exceeds the maximum of 1000 bytes");
    assertThatThrownBy(() -> decoder.feed(VarintFraming.encode(bytes(1, 0))))
        .as("a failed decoder stays failed")
        .isInstanceOf(FrameDecodeException.class)
        .hasMessageContaining("exceeds the maximum");
  }

  @Test
  void aHugeLengthIsRejectedNotAllocated() {
    VarintFraming.Decoder decoder = new VarintFraming.Decoder(16 * 1024 * 1024);
    // 0xFFFFFFFF as varint32: the largest 5-byte prefix
    Buffer prefix = Buffer.buffer(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F});
    assertThatThrownBy(() -> decoder.feed(prefix))
        .isInstanceOf(FrameDecodeException.class)
        .hasMessageContaining("frame length 4294967295 bytes at stream offset 0 exceeds the maximum of 16777216 bytes");
  }

  @Test
  void aPrefixLongerThanFiveBytesIsMalformed() {
    VarintFraming.Decoder decoder = new VarintFraming.Decoder(1024);
    Buffer prefix = Buffer.buffer(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x00});
    assertThatThrownBy(() -> decoder.feed(prefix))
        .isInstanceOf(FrameDecodeException.class)
        .hasMessageContaining("varint32 length prefix at stream offset 0 is longer than 5 bytes");
  }

  @Test
  void anIncompletePrefixWaitsForMoreBytes() throws Exception {
    VarintFraming.Decoder decoder = new VarintFraming.Decoder(1024);
    assertThat(decoder.feed(Buffer.buffer(new byte[] {(byte) 0x80}))).isEmpty();
    assertThat(decoder.buffered()).isEqualTo(1);
    // 0x80 0x01 = 128; send the rest of the prefix and the body
    assertThat(feedAll(decoder, List.of(Buffer.buffer(new byte[] {0x01}).appendBytes(bytes(128, 9)))))
        .containsExactly(bytes(128, 9));
  }

  @Provide
  Arbitrary<List<byte[]>> payloads() {
    return Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(400).list().ofMaxSize(20);
  }

  @Property(tries = 300)
  void anySplitOfAnyFrameSequenceDecodesToTheSamePayloads(
      @ForAll("payloads") List<byte[]> payloads,
      @ForAll @Size(max = 30) List<@IntRange(min = 0, max = 10_000) Integer> cuts) throws Exception {
    Buffer wire = Buffer.buffer();
    payloads.forEach(p -> wire.appendBuffer(VarintFraming.encode(p)));
    List<Integer> points = new ArrayList<>();
    for (int cut : cuts) {
      points.add(wire.length() == 0 ? 0 : cut % (wire.length() + 1));
    }
    points.add(0);
    points.add(wire.length());
    points.sort(Integer::compare);
    List<Buffer> chunks = new ArrayList<>();
    for (int i = 1; i < points.size(); i++) {
      chunks.add(wire.getBuffer(points.get(i - 1), points.get(i)));
    }
    VarintFraming.Decoder decoder = new VarintFraming.Decoder(400);
    assertThat(feedAll(decoder, chunks)).containsExactlyElementsOf(payloads);
    assertThat(decoder.buffered()).isZero();
  }
}
