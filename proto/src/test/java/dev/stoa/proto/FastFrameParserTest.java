package dev.stoa.proto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.stoa.proto.client.Frame;
import dev.stoa.proto.client.Send;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link ProtoJson#parseFrame}: what it accepts it reads as JsonFormat does; what it rejects it rejects
 * with a message naming the field, without a slower parser behind it.
 */
class FastFrameParserTest {

  /** The outcome of a parse: the frame, or the exception's class and message. */
  private static Object outcome(String json, boolean fast) {
    try {
      return fast ? ProtoJson.parseFrame(json) : ProtoJson.parseFrameWithJsonFormat(json);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      return e.getClass().getName() + ": " + e.getMessage();
    }
  }

  private static void assertSameAsJsonFormat(String json) {
    assertThat(outcome(json, true)).as("parse of %s", json).isEqualTo(outcome(json, false));
  }

  @Test
  void randomFramesRoundTrip() throws Exception {
    RandomFrames random = new RandomFrames(42L);
    for (Frame.FrameCase frameCase : Frame.FrameCase.values()) {
      for (int i = 0; i < 300; i++) {
        Frame frame = random.frame(frameCase);
        String json = ProtoJson.print(frame);
        Frame reference = ProtoJson.parseFrameWithJsonFormat(json);
        assertThat(ProtoJson.parseFrame(json)).as(json).isEqualTo(reference);
        Frame named = random.namedFrame();
        String namedJson = ProtoJson.print(named);
        assertThat(FastFrameParser.parse(namedJson)).as(namedJson).isEqualTo(named);
      }
    }
  }

  @Test
  void fastPathTakesPlainFramesOfEveryCase() throws Exception {
    RandomFrames random = new RandomFrames(3L);
    for (Frame.FrameCase frameCase : Frame.FrameCase.values()) {
      Frame frame = random.frame(frameCase);
      if (frame.hasSendAck()) {
        frame = frame.toBuilder().setSendAck(frame.getSendAck().toBuilder().setCodeValue(0)).build();
      }
      if (frame.hasError()) {
        frame = frame.toBuilder().setError(frame.getError().toBuilder().setCodeValue(3)).build();
      }
      assertThat(FastFrameParser.parse(ProtoJson.print(frame))).as(frameCase.name()).isEqualTo(frame);
    }
  }

  @Test
  void snakeCaseNamesAndNumbersAsJsonNumbersTakeTheFastPath() throws Exception {
    List<String> inputs = List.of(
        "{\"send\":{\"client_msg_id\":\"a-1\",\"session_id\":\"user:bob\",\"body\":\"hi\"}}",
        "{\"ack\":{\"session_id\":\"c2c:a:b\",\"msg_id\":18446744073709551615}}",
        "{\"send_ack\":{\"msg_id\":\"7\",\"pre_seq\":0,\"sent_at\":-9223372036854775808,\"code\":\"OK\"}}",
        "{\"conn_ack\":{\"heartbeat_seconds\":\"4294967295\",\"server_time\":\"-1\"}}",
        "{\"sync_result\":{\"messages\":[{\"pre_msg_id\":\"1\",\"from_user_id\":\"u\"},{}],\"has_more\":true}}",
        "{\"pull\":{\"after_seq\":\"007\",\"limit\":200}}",
        "{\"join\":{\"room_id\":\"r\"}}",
        "  {\"ping\":{}}  \n",
        "{}");
    for (String json : inputs) {
      assertThat(FastFrameParser.parse(json)).as(json).isNotNull();
      assertSameAsJsonFormat(json);
    }
    assertThat(FastFrameParser.parse(inputs.get(0)).getSend())
        .isEqualTo(Send.newBuilder().setClientMsgId("a-1").setSessionId("user:bob").setBody("hi").build());
  }

  @Test
  void unusualInputsAreReadAsJsonFormatReadsThemOrRejectedNamingTheField() {
    List<String> inputs = List.of(
        "", " ", "null", "[]", "1", "\"x\"", "{", "}", "{}}", "{} {}", "{}x", "{\"ping\":{}} // c",
        "{'ping':{}}", "{ping:{}}", "{\"ping\":{},}", "{\"ping\":null}", "{\"ping\":[]}", "{\"ping\":1}",
        "{\"ping\":{\"x\":1}}", "{\"nope\":{}}", "{\"ping\":{},\"pong\":{}}", "{\"ping\":{},\"ping\":{}}",
        "{\"send\":{},\"send\":{\"body\":\"b\"}}",
        "{\"send\":{\"body\":\"a\",\"body\":\"b\"}}",
        "{\"send\":{\"sessionId\":\"a\",\"session_id\":\"b\"}}",
        "{\"send\":{\"body\":null}}", "{\"send\":{\"body\":1}}", "{\"send\":{\"body\":true}}",
        "{\"send\":{\"body\":{}}}", "{\"send\":{\"body\":[\"x\"]}}", "{\"send\":{\"Body\":\"x\"}}",
        "{\"send\":{\"body\":\"\\u00\"}}", "{\"send\":{\"body\":\"\\x\"}}", "{\"send\":{\"body\":\"a\u0001b\"}}",
        "{\"send\":{\"body\":\"\\ud83d\"}}", "{\"send\":{\"body\":\"\\ud83d\\ude00\\u2028\\/\"}}",
        "{\"ack\":{\"msgId\":\"18446744073709551616\"}}", "{\"ack\":{\"msgId\":18446744073709551616}}",
        "{\"ack\":{\"msgId\":\"-1\"}}", "{\"ack\":{\"msgId\":-1}}", "{\"ack\":{\"msgId\":\"-0\"}}",
        "{\"ack\":{\"msgId\":1.0}}", "{\"ack\":{\"msgId\":\"1.0\"}}", "{\"ack\":{\"msgId\":1e3}}",
        "{\"ack\":{\"msgId\":\"1e3\"}}", "{\"ack\":{\"msgId\":\"+1\"}}", "{\"ack\":{\"msgId\":\" 1\"}}",
        "{\"ack\":{\"msgId\":\"\"}}", "{\"ack\":{\"msgId\":\"0x10\"}}", "{\"ack\":{\"msgId\":01}}",
        "{\"ack\":{\"msgId\":\"000000000000000000000001\"}}", "{\"ack\":{\"msgId\":null}}",
        "{\"ack\":{\"msgId\":true}}", "{\"ack\":{\"msgId\":\"99999999999999999999\"}}",
        "{\"pong\":{\"serverTime\":\"9223372036854775808\"}}", "{\"pong\":{\"serverTime\":\"-9223372036854775809\"}}",
        "{\"pong\":{\"serverTime\":\"-\"}}", "{\"pong\":{\"serverTime\":9999999999999999999}}",
        "{\"pong\":{\"serverTime\":\"9223372036854775807\"}}", "{\"pong\":{\"serverTime\":-9223372036854775808}}",
        "{\"pong\":{\"serverTime\":\"-9999999999999999999\"}}", "{\"pong\":{\"serverTime\":\"-18446744073709551615\"}}",
        "{\"ack\":{\"msgId\":9999999999999999999}}", "{\"ack\":{\"msgId\":\"18446744073709551615\"}}",
        "{\"ack\":{\"msgId\":\"1844674407370955161a\"}}", "{\"ack\":{\"msgId\":\"0000000000000000000000\"}}", "{\"pong\":{\"serverTime\":-0}}", "{\"pong\":{\"serverTime\":\"--1\"}}",
        "{\"pull\":{\"limit\":4294967296}}", "{\"pull\":{\"limit\":-1}}", "{\"pull\":{\"limit\":1.5}}",
        "{\"pull\":{\"limit\":\"12\"}}", "{\"pull\":{\"limit\":\"99999999999\"}}",
        "{\"messages\":{\"hasMore\":\"true\"}}", "{\"messages\":{\"hasMore\":1}}", "{\"messages\":{\"hasMore\":null}}",
        "{\"messages\":{\"messages\":null}}", "{\"messages\":{\"messages\":{}}}", "{\"messages\":{\"messages\":[null]}}",
        "{\"messages\":{\"messages\":[1]}}", "{\"messages\":{\"messages\":[{\"x\":1}]}}", "{\"messages\":{\"messages\":[[]]}}",
        "{\"messages\":{\"messages\":[{},]}}",
        "{\"error\":{\"code\":\"NOPE\"}}", "{\"error\":{\"code\":3}}", "{\"error\":{\"code\":\"UNRECOGNIZED\"}}",
        "{\"error\":{\"code\":\"forbidden\"}}", "{\"error\":{\"code\":99}}", "{\"error\":{\"clientMsgId\":\"\"}}",
        "{\"sendAck\":{\"code\":\"TOO_LARGE\"}}", "{\"connect\":{\"deviceId\":\"\"}}", "{\"connect\":{\"deviceId\":null}}",
        "{\"push\":{\"message\":null}}", "{\"push\":{\"message\":{\"seq\":\"1\",\"seq\":\"2\"}}}",
        "{\"push\":{}}", "{\"push\":{\"message\":{}}}", "\ufeff{\"ping\":{}}");
    for (String json : inputs) {
      Object fast = outcome(json, true);
      if (fast instanceof Frame) {
        assertThat(fast).as("parse of %s", json).isEqualTo(outcome(json, false));
      } else {
        assertThat((String) fast).as("rejection of %s", json)
            .startsWith(InvalidProtocolBufferException.class.getName() + ": ")
            .matches("(?s)[^:]+: [a-zA-Z0-9\\[\\]._]+: .+");
      }
    }
  }

  @Test
  void rejectionsNameTheFieldAsTheClientSpeltIt() {
    assertRejected("{\"send\":{\"bodyy\":\"x\"}}", "send.bodyy: is not a field here");
    assertRejected("{\"ack\":{\"sessionId\":\"c2c:a:b\",\"msgId\":\"1e100000000\"}}", "ack.msgId: must be a decimal integer");
    assertRejected("{\"ack\":{\"msgId\":1e100000000}}", "ack.msgId: must be a decimal integer");
    assertRejected("{\"ack\":{\"msgId\":\"" + "9".repeat(100_000) + "\"}}", "ack.msgId: must be a decimal integer");
    assertRejected("{\"ack\":{\"msgId\":" + "9".repeat(100_000) + "}}", "ack.msgId: not valid JSON");
    assertRejected("{\"pull\":{\"limit\":1,\"limit\":2}}", "pull.limit: appears more than once");
    assertRejected("{\"send\":{\"body\":\"\\ud800\"}}", "send.body: contains an unpaired UTF-16 surrogate");
    assertRejected("{\"ping\":{},\"pong\":{}}", "pong: a frame has exactly one key");
    assertRejected("{\"ping\":{}} x", "frame: not valid JSON");
    assertRejected("[".repeat(10_000), "frame: must be an object");
    assertRejected("{\"sync\":{\"cursor\":" + "[".repeat(10_000) + "}}", "sync.cursor: must be a decimal integer");
  }

  @Test
  void theHttpSendBodyIsReadByTheSameParser() throws Exception {
    assertThat(ProtoJson.parseSend("{\"clientMsgId\":\"a\",\"sessionId\":\"user:b\",\"body\":\"hi\"}"))
        .isEqualTo(Send.newBuilder().setClientMsgId("a").setSessionId("user:b").setBody("hi").build());
    assertThatThrownBy(() -> ProtoJson.parseSend("{\"body\":1e100000000}"))
        .isInstanceOf(InvalidProtocolBufferException.class).hasMessageStartingWith("body: must be a string");
  }

  @Test
  void theFrameKeyIsReadWithoutTheValue() {
    assertThat(ProtoJson.frameKey(" {\"connect\":{\"token\":\"t\"}}")).isEqualTo("connect");
    assertThat(ProtoJson.frameKey("{\"ack\":{\"msgId\":" + "[".repeat(1000))).isEqualTo("ack");
    assertThat(ProtoJson.frameKey("[]")).isNull();
    assertThat(ProtoJson.frameKey("")).isNull();
  }

  private static void assertRejected(String json, String messageStart) {
    assertThatThrownBy(() -> ProtoJson.parseFrame(json)).isInstanceOf(InvalidProtocolBufferException.class)
        .hasMessageStartingWith(messageStart);
  }
}
