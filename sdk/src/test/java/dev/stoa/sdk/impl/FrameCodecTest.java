package dev.stoa.sdk.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.proto.client.Code;
import dev.stoa.proto.client.ConnAck;
import dev.stoa.proto.client.Error;
import dev.stoa.proto.client.Frame;
import dev.stoa.proto.client.Joined;
import dev.stoa.proto.client.Kick;
import dev.stoa.proto.client.Left;
import dev.stoa.proto.client.Message;
import dev.stoa.proto.client.Messages;
import dev.stoa.proto.client.Notify;
import dev.stoa.proto.client.Pong;
import dev.stoa.proto.client.Push;
import dev.stoa.proto.client.SendAck;
import dev.stoa.proto.client.SyncResult;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class FrameCodecTest {
  /** 2^64 - 1 as an unsigned 64-bit value: the largest msgId the protocol allows. */
  static final long MAX_U64 = -1L;
  static final String MAX_U64_TEXT = "18446744073709551615";
  /** 2^53 + 1: not representable as a JavaScript number, so it must travel as a string. */
  static final long BEYOND_JS = 9_007_199_254_740_993L;

  static Message message() {
    return Message.newBuilder()
        .setSessionId("c2c:alice:bob").setSeq(BEYOND_JS).setPreSeq(BEYOND_JS - 1)
        .setMsgId(MAX_U64).setPreMsgId(MAX_U64 - 1).setFromUserId("alice").setFromDeviceId("web-1")
        .setClientMsgId("a-1").setBody("hi \"bob\" \u00e9\u4f60").setSentAt(1_763_800_000_123L)
        .build();
  }

  /** One frame of every kind, with 64-bit fields at values a double cannot hold. */
  static List<Frame> everyKind() {
    return List.of(
        ClientFrames.connect("eyJ.token", "web-1"),
        ClientFrames.connect("eyJ.token", null),
        ClientFrames.send("a-1", "user:bob", "hi bob"),
        ClientFrames.ack("c2c:alice:bob", MAX_U64),
        ClientFrames.pull("group:g1", BEYOND_JS, 200),
        ClientFrames.sync(BEYOND_JS, 100),
        ClientFrames.join("r1"),
        ClientFrames.leave("r1"),
        ClientFrames.ping(),
        Frame.newBuilder().setConnAck(ConnAck.newBuilder().setUserId("alice").setDeviceId("web-1")
            .setConnId(MAX_U64).setServerTime(1_763_800_000_000L).setHeartbeatSeconds(30)).build(),
        Frame.newBuilder().setSendAck(SendAck.newBuilder().setClientMsgId("a-1").setSessionId("c2c:alice:bob")
            .setMsgId(MAX_U64).setSeq(BEYOND_JS).setPreSeq(0).setPreMsgId(0).setSentAt(1L).setCode(Code.OK)).build(),
        Frame.newBuilder().setPush(Push.newBuilder().setMessage(message())).build(),
        Frame.newBuilder().setMessages(Messages.newBuilder().setSessionId("c2c:alice:bob")
            .addMessages(message()).addMessages(message()).setHasMore(true)).build(),
        Frame.newBuilder().setSyncResult(SyncResult.newBuilder().addMessages(message()).setCursor(MAX_U64)
            .setHasMore(false)).build(),
        Frame.newBuilder().setNotify(Notify.newBuilder().setSessionId("room:r1").setLatestSeq(BEYOND_JS)).build(),
        Frame.newBuilder().setJoined(Joined.newBuilder().setRoomId("r1")).build(),
        Frame.newBuilder().setLeft(Left.newBuilder().setRoomId("r1")).build(),
        Frame.newBuilder().setPong(Pong.newBuilder().setServerTime(Long.MAX_VALUE)).build(),
        Frame.newBuilder().setError(Error.newBuilder().setCode(Code.FORBIDDEN).setMessage("sessionId: not a member")
            .setClientMsgId("a-2")).build(),
        Frame.newBuilder().setError(Error.newBuilder().setCode(Code.BAD_REQUEST).setMessage("limit: > 200")).build(),
        Frame.newBuilder().setKick(Kick.newBuilder().setReason("logged in elsewhere")).build());
  }

  @Test
  void theFixtureCoversEveryFrameKind() {
    Set<Frame.FrameCase> covered = everyKind().stream().map(Frame::getFrameCase).collect(Collectors.toSet());
    Set<Frame.FrameCase> all = EnumSet.allOf(Frame.FrameCase.class);
    all.remove(Frame.FrameCase.FRAME_NOT_SET);
    assertThat(covered).containsExactlyInAnyOrderElementsOf(all);
  }

  @Test
  void everyKindRoundTripsThroughJsonAndProtobuf() throws Exception {
    for (Frame frame : everyKind()) {
      String json = JsonFrames.encode(frame);
      assertThat(JsonFrames.decode(json)).as(json).isEqualTo(frame);
      assertThat(ProtobufFrames.decode(ProtobufFrames.encode(frame))).isEqualTo(frame);
    }
  }

  @Test
  void jsonCarriesSixtyFourBitIdsAsDecimalStrings() {
    String push = JsonFrames.encode(Frame.newBuilder().setPush(Push.newBuilder().setMessage(message())).build());
    assertThat(push)
        .startsWith("{\"push\":{\"message\":{")
        .contains("\"msgId\":\"" + MAX_U64_TEXT + "\"")
        .contains("\"preMsgId\":\"18446744073709551614\"")
        .contains("\"seq\":\"9007199254740993\"")
        .contains("\"preSeq\":\"9007199254740992\"")
        .contains("\"sentAt\":\"1763800000123\"");
    assertThat(JsonFrames.encode(ClientFrames.ack("c2c:a:b", MAX_U64)))
        .isEqualTo("{\"ack\":{\"sessionId\":\"c2c:a:b\",\"msgId\":\"" + MAX_U64_TEXT + "\"}}");
    assertThat(JsonFrames.encode(ClientFrames.sync(0, 100))).isEqualTo("{\"sync\":{\"cursor\":\"0\",\"limit\":100}}");
  }

  @Test
  void decodesTheProtocolExamples() throws Exception {
    Frame connAck = JsonFrames.decode("{\"connAck\":{\"userId\":\"alice\",\"deviceId\":\"web-1\",\"connId\":\"7\","
        + "\"serverTime\":\"1763800000000\",\"heartbeatSeconds\":30}}");
    assertThat(connAck.getConnAck().getConnId()).isEqualTo(7);
    assertThat(connAck.getConnAck().getHeartbeatSeconds()).isEqualTo(30);

    Frame sendAck = JsonFrames.decode("{\"sendAck\":{\"clientMsgId\":\"a-1\",\"sessionId\":\"c2c:alice:bob\","
        + "\"msgId\":\"" + MAX_U64_TEXT + "\",\"seq\":\"1\",\"preSeq\":\"0\",\"preMsgId\":\"0\","
        + "\"sentAt\":\"1763800000123\",\"code\":\"OK\"}}");
    assertThat(sendAck.getSendAck().getMsgId()).isEqualTo(MAX_U64);
    assertThat(sendAck.getSendAck().getSeq()).isEqualTo(1);
  }

  @Test
  void decodingIgnoresUnknownKeysSoNewerServersDoNotBreakOlderClients() throws Exception {
    Frame pong = JsonFrames.decode("{\"pong\":{\"serverTime\":\"5\",\"region\":\"eu\"}}");
    assertThat(pong.getPong().getServerTime()).isEqualTo(5);
    assertThat(JsonFrames.decode("{\"shinyNewFrame\":{\"x\":1}}").getFrameCase()).isEqualTo(Frame.FrameCase.FRAME_NOT_SET);
  }

  @Test
  void malformedJsonIsADecodeErrorThatSaysWhy() {
    assertThatThrownBy(() -> JsonFrames.decode("{\"push\":"))
        .isInstanceOf(FrameDecodeException.class)
        .hasMessageContaining("cannot parse JSON frame of 8 chars");
    assertThatThrownBy(() -> JsonFrames.decode("{\"ack\":{\"msgId\":\"not-a-number\"}}"))
        .isInstanceOf(FrameDecodeException.class)
        .hasMessageContaining("Not an uint64 value: \"not-a-number\"");
    assertThatThrownBy(() -> JsonFrames.decode("{\"ping\":{},\"pong\":{}}"))
        .as("two keys of the frame oneof")
        .isInstanceOf(FrameDecodeException.class);
  }

  @Test
  void malformedProtobufIsADecodeError() {
    assertThatThrownBy(() -> ProtobufFrames.decode(io.vertx.core.buffer.Buffer.buffer(new byte[] {(byte) 0xA2, 0x01, 0x05, 0x0A})))
        .isInstanceOf(FrameDecodeException.class)
        .hasMessageContaining("cannot parse protobuf frame of 4 bytes");
  }
}
