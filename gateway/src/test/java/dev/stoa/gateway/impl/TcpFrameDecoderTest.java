package dev.stoa.gateway.impl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.proto.client.Frame;
import dev.stoa.proto.client.Ping;
import dev.stoa.proto.client.Send;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TcpFrameDecoderTest {
  final List<String> events = new ArrayList<>();
  final List<Frame> frames = new ArrayList<>();
  final TcpFrameDecoder decoder = new TcpFrameDecoder(200, new TcpFrameDecoder.Listener() {
    @Override
    public void onFrame(Buffer payload) {
      Frame f = FrameCodec.parseBinary(payload);
      frames.add(f);
      events.add("frame:" + f.getFrameCase());
    }

    @Override
    public void onTooLarge(long declaredBytes) {
      events.add("tooLarge:" + declaredBytes);
    }

    @Override
    public void onCorrupt(String message) {
      events.add("corrupt");
    }
  });

  static Frame send(String body) {
    return Frame.newBuilder().setSend(Send.newBuilder().setClientMsgId("c").setSessionId("user:b").setBody(body)).build();
  }

  @Test
  void framesSplitAcrossAndPackedIntoChunksAreDecodedInOrder() {
    Buffer stream = Buffer.buffer().appendBuffer(FrameCodec.toTcp(send("one")))
        .appendBuffer(FrameCodec.toTcp(Frame.newBuilder().setPing(Ping.getDefaultInstance()).build()))
        .appendBuffer(FrameCodec.toTcp(send("x".repeat(150))));
    for (int i = 0; i < stream.length(); i++) {
      decoder.feed(stream.getBuffer(i, i + 1));
    }
    decoder.feed(stream);
    assertThat(frames).hasSize(6);
    assertThat(frames.get(0).getSend().getBody()).isEqualTo("one");
    assertThat(frames.get(1).hasPing()).isTrue();
    assertThat(frames.get(2).getSend().getBody()).hasSize(150);
    assertThat(frames.subList(3, 6)).isEqualTo(frames.subList(0, 3));
  }

  @Test
  void anOversizeFrameIsReportedAndSkippedEvenAcrossChunks() {
    Buffer big = FrameCodec.toTcp(send("y".repeat(500)));
    Buffer after = FrameCodec.toTcp(send("after"));
    decoder.feed(big.getBuffer(0, 100));
    decoder.feed(big.getBuffer(100, 300));
    decoder.feed(Buffer.buffer().appendBuffer(big.getBuffer(300, big.length())).appendBuffer(after));
    decoder.feed(Buffer.buffer().appendBuffer(big).appendBuffer(after));
    assertThat(events).hasSize(4);
    assertThat(events.get(0)).startsWith("tooLarge:5");
    assertThat(events.get(1)).isEqualTo("frame:SEND");
    assertThat(events.get(2)).startsWith("tooLarge:5");
    assertThat(frames).extracting(f -> f.getSend().getBody()).containsExactly("after", "after");
  }

  @Test
  void aVarintLongerThanFiveBytesCorruptsTheStreamForGood() {
    decoder.feed(Buffer.buffer(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0}));
    decoder.feed(FrameCodec.toTcp(send("ignored")));
    assertThat(events).containsExactly("corrupt");
  }
}
