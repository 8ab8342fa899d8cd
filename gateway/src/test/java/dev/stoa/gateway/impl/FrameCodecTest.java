package dev.stoa.gateway.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.common.StoaException;
import dev.stoa.proto.client.Code;
import dev.stoa.proto.client.ConnAck;
import dev.stoa.proto.client.Frame;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class FrameCodecTest {

  @Test
  void jsonUsesProtocolNamesAndStringsFor64BitIds() {
    Frame f = Frame.newBuilder().setConnAck(ConnAck.newBuilder().setUserId("alice").setDeviceId("web-1")
        .setConnId(7).setServerTime(1763800000000L).setHeartbeatSeconds(30)).build();
    String json = FrameCodec.toJson(f);
    assertThat(json).isEqualTo("{\"connAck\":{\"userId\":\"alice\",\"deviceId\":\"web-1\",\"connId\":\"7\","
        + "\"serverTime\":\"1763800000000\",\"heartbeatSeconds\":30}}");
    assertThat(FrameCodec.parseJson(json)).isEqualTo(f);
    assertThat(FrameCodec.parseBinary(FrameCodec.toBinary(f))).isEqualTo(f);
  }

  @Test
  void parseErrorsAreBadRequestNamingTheField() {
    assertThatThrownBy(() -> FrameCodec.parseJson("{\"send\":{\"sessionID\":\"x\"}}"))
        .isInstanceOf(StoaException.class).hasMessageContaining("sessionID")
        .satisfies(e -> assertThat(((StoaException) e).code()).isEqualTo(Code.BAD_REQUEST));
    assertThatThrownBy(() -> FrameCodec.parseBinary(Buffer.buffer(new byte[] {(byte) 0xff})))
        .isInstanceOf(StoaException.class).hasMessageStartingWith("frame: ");
  }

  @Test
  void typeNamesAreTheJsonKeys() {
    assertThat(FrameCodec.typeName(Frame.FrameCase.SYNC_RESULT)).isEqualTo("syncResult");
    assertThat(FrameCodec.typeName(Frame.FrameCase.FRAME_NOT_SET)).isEqualTo("none");
    assertThat(FrameCodec.isClientFrame(Frame.FrameCase.PING)).isTrue();
    assertThat(FrameCodec.isClientFrame(Frame.FrameCase.PONG)).isFalse();
  }

  @Test
  void utf8LengthCountsBytes() {
    assertThat(FrameCodec.utf8Length("aé€😀")).isEqualTo(1 + 2 + 3 + 4);
  }
}
