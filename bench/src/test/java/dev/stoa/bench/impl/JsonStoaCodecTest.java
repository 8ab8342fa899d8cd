package dev.stoa.bench.impl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.proto.ProtoJson;
import dev.stoa.proto.client.Code;
import dev.stoa.proto.client.Frame;
import dev.stoa.proto.client.Joined;
import dev.stoa.proto.client.Kick;
import dev.stoa.proto.client.Message;
import dev.stoa.proto.client.Push;
import dev.stoa.proto.client.SendAck;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Frames as the gateway prints them ({@link ProtoJson}), decoded by the generator's JSON codec. */
class JsonStoaCodecTest {
  final List<String> seen = new ArrayList<>();
  final StoaCodec.Events events = new StoaCodec.Events() {
    @Override
    public void connAck() {
      seen.add("connAck");
    }

    @Override
    public void sendAck(String clientMsgId, String code, long seq) {
      seen.add("sendAck " + clientMsgId + " " + code + " " + seq);
    }

    @Override
    public void push(String sessionId, long msgId, long seq, long preSeq, String fromUserId, String body) {
      seen.add("push " + sessionId + " " + Long.toUnsignedString(msgId) + " " + seq + " " + preSeq + " " + fromUserId
          + " " + body);
    }

    @Override
    public void error(String code, String message, String clientMsgId) {
      seen.add("error " + code);
    }

    @Override
    public void notify(String sessionId) {
      seen.add("notify");
    }

    @Override
    public void joined(String roomId) {
      seen.add("joined " + roomId);
    }

    @Override
    public void kick(String reason) {
      seen.add("kick " + reason);
    }

    @Override
    public void other(String kind) {
      seen.add("other " + kind);
    }
  };

  static String push(String body) {
    return ProtoJson.print(Frame.newBuilder().setPush(Push.newBuilder().setMessage(Message.newBuilder()
        .setSessionId("room:lobby").setSeq(7).setPreSeq(6).setMsgId(-2L).setPreMsgId(5).setFromUserId("alice")
        .setFromDeviceId("d1").setClientMsgId("c-7").setBody(body).setSentAt(1_763_800_000_123L))).build());
  }

  @Test
  void aPushIsDecodedByTheFastPathWithEveryField() {
    String text = push("123|4|xxxx");
    assertThat(JsonStoaCodec.decodePush(text, events)).isTrue();
    assertThat(seen).containsExactly("push room:lobby 18446744073709551614 7 6 alice 123|4|xxxx");
  }

  @Test
  void aPushWithEscapesFallsBackToTheFullParserAndDecodesTheSame() {
    String text = push("say \"hi\" \\ \"seq\":\"99\"");
    assertThat(JsonStoaCodec.decodePush(text, events)).isFalse();

    JsonStoaCodec.decode(text, events);

    assertThat(seen).containsExactly("push room:lobby 18446744073709551614 7 6 alice say \"hi\" \\ \"seq\":\"99\"");
  }

  static String sendAck(String clientMsgId) {
    return ProtoJson.print(Frame.newBuilder().setSendAck(SendAck.newBuilder().setClientMsgId(clientMsgId)
        .setSessionId("c2c:alice:bob").setMsgId(-3L).setSeq(41).setPreSeq(40).setPreMsgId(9)
        .setSentAt(1_763_800_000_123L).setCode(Code.OK)).build());
  }

  @Test
  void aSendAckAsTheGatewayPrintsItIsDecodedByTheFastPath() {
    String text = sendAck("17");
    assertThat(JsonStoaCodec.decodeSendAck(text, events)).isTrue();
    assertThat(seen).containsExactly("sendAck 17 OK 41");
  }

  @Test
  void aSendAckWithAnEscapedClientMsgIdFallsBackToTheFullParser() {
    String text = sendAck("a\"b");
    assertThat(JsonStoaCodec.decodeSendAck(text, events)).isFalse();
    JsonStoaCodec.decode(text, events);
    assertThat(seen).containsExactly("sendAck a\"b OK 41");
  }

  @Test
  void otherFramesGoToTheirEvents() {
    JsonStoaCodec.decode(ProtoJson.print(Frame.newBuilder().setJoined(Joined.newBuilder().setRoomId("lobby")).build()),
        events);
    JsonStoaCodec.decode(ProtoJson.print(Frame.newBuilder().setKick(Kick.newBuilder().setReason("slow consumer"))
        .build()), events);
    JsonStoaCodec.decode("{\"sendAck\":{\"clientMsgId\":\"3\",\"sessionId\":\"room:lobby\",\"seq\":\"12\",\"code\":\"OK\"}}",
        events);
    JsonStoaCodec.decode("{\"pong\":{\"serverTime\":\"1\"}}", events);
    JsonStoaCodec.decode("not json", events);

    assertThat(seen).containsExactly("joined lobby", "kick slow consumer", "sendAck 3 OK 12", "other pong",
        "other undecodable frame");
  }
}
