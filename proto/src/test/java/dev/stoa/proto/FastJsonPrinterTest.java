package dev.stoa.proto;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import dev.stoa.proto.client.Code;
import dev.stoa.proto.client.Connect;
import dev.stoa.proto.client.Frame;
import dev.stoa.proto.client.Push;
import dev.stoa.proto.client.Send;
import dev.stoa.proto.client.SendAck;
import dev.stoa.proto.internal.SendRequest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@link ProtoJson#print} must produce exactly JsonFormat's characters. */
class FastJsonPrinterTest {

  private static void assertSameAsJsonFormat(Message message) {
    String expected = ProtoJson.printWithJsonFormat(message);
    assertThat(FastJsonPrinter.print(message)).as("fast print of %s", message).isEqualTo(expected);
    assertThat(ProtoJson.print(message)).isEqualTo(expected);
    // the bytes a WebSocket text message carries: exactly the String's UTF-8 (unpaired surrogates as '?')
    assertThat(ProtoJson.printUtf8(message)).as("UTF-8 print of %s", message)
        .isEqualTo(expected.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aLargeFramePrintedAsBytesDoesNotSpoilTheNextOne() {
    Send big = Send.newBuilder().setBody("é".repeat(40_000) + "😀").build();
    Send small = Send.newBuilder().setBody("\ud83d alone, then a pair \ud83d\ude00").build();
    assertSameAsJsonFormat(big);
    assertSameAsJsonFormat(small);
    assertSameAsJsonFormat(big);
  }

  @Test
  void everyCharIsEscapedLikeJsonFormat() {
    for (int start = 0; start < 0x10000; start += 1024) {
      StringBuilder body = new StringBuilder();
      for (int c = start; c < start + 1024; c++) {
        body.append((char) c);
      }
      assertSameAsJsonFormat(Send.newBuilder().setBody(body.toString()).build());
    }
    for (int c = 0; c < 0x10000; c++) { // one char alone, at the start and end of a string
      assertSameAsJsonFormat(Send.newBuilder().setBody(String.valueOf((char) c)).build());
    }
  }

  @Test
  void escapesHtmlCharsAndControlCharsAsUnicode() {
    Send send = Send.newBuilder().setBody("<a href='x'>&=\u0001\n\"\\\u2028😀").build();
    assertThat(ProtoJson.print(send)).isEqualTo(
        "{\"clientMsgId\":\"\",\"sessionId\":\"\",\"body\":"
            + "\"\\u003ca href\\u003d\\u0027x\\u0027\\u003e\\u0026\\u003d\\u0001\\n\\\"\\\\\\u2028😀\"}");
  }

  @Test
  void randomFramesOfEveryCase() {
    RandomFrames random = new RandomFrames(20260101L);
    for (Frame.FrameCase frameCase : Frame.FrameCase.values()) {
      for (int i = 0; i < 300; i++) {
        Frame frame = random.frame(frameCase);
        assertSameAsJsonFormat(frame);
        for (var value : frame.getAllFields().values()) { // the inner message alone, too
          assertSameAsJsonFormat((Message) value);
        }
      }
    }
  }

  @Test
  void randomMessages() {
    RandomFrames random = new RandomFrames(7L);
    for (int i = 0; i < 2000; i++) {
      assertSameAsJsonFormat(random.message());
    }
  }

  @Test
  void defaultsExtremesAndPresence() {
    assertSameAsJsonFormat(Frame.getDefaultInstance());
    assertSameAsJsonFormat(Push.getDefaultInstance());
    assertSameAsJsonFormat(dev.stoa.proto.client.Message.getDefaultInstance());
    assertSameAsJsonFormat(Connect.newBuilder().setDeviceId("").build());
    assertSameAsJsonFormat(Connect.getDefaultInstance());
    assertSameAsJsonFormat(SendAck.newBuilder().setMsgId(-1L).setSeq(Long.MIN_VALUE).setSentAt(-5)
        .setCode(Code.RATE_LIMITED).build());
    assertSameAsJsonFormat(SendAck.newBuilder().setCodeValue(77).build());
    assertSameAsJsonFormat(dev.stoa.proto.client.Error.newBuilder().setCodeValue(-3).setClientMsgId("").build());
    assertThat(ProtoJson.print(Frame.newBuilder().setSendAck(SendAck.newBuilder().setMsgId(-1L)).build()))
        .contains("\"msgId\":\"18446744073709551615\"");
  }

  @Test
  void otherMessagesFallBackToJsonFormat() {
    SendRequest request = SendRequest.getDefaultInstance();
    assertThat(FastJsonPrinter.print(request)).isNull();
    assertThat(ProtoJson.print(request)).isEqualTo(ProtoJson.printWithJsonFormat(request));
  }
}
