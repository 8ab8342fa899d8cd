package dev.stoa.state.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.proto.client.Message;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PushRecordTest {
  private static final Message MESSAGE = Message.newBuilder().setSessionId("c2c:alice:bob").setMsgId(7)
      .setSeq(3).setBody("héllo").build();

  @Test
  void encodeDecodeRoundTrip() {
    PushRecord record = new PushRecord("gw-ü", 3, MESSAGE);

    PushRecord decoded = PushRecord.decode(record.encode());

    assertThat(decoded).isEqualTo(record);
    assertThat(record.nextAttempt().attempts()).isEqualTo(4);
  }

  @Test
  void headerLayoutIsVersionAttemptsGatewayLength() {
    byte[] bytes = new PushRecord("gw", 2, MESSAGE).encode();

    assertThat(Arrays.copyOf(bytes, 9)).containsExactly(1, 0, 0, 0, 2, 0, 2, 'g', 'w');
    assertThat(bytes).hasSize(9 + MESSAGE.getSerializedSize());
    assertThat(Arrays.copyOfRange(bytes, 9, bytes.length)).as("the message's protobuf bytes after the header")
        .isEqualTo(MESSAGE.toByteArray());
  }

  @Test
  void rejectsTruncatedOrForeignBytesNamingTheProblem() {
    byte[] good = new PushRecord("gw", 1, MESSAGE).encode();

    assertThatThrownBy(() -> PushRecord.decode(new byte[3])).hasMessageContaining("3 bytes");
    byte[] badVersion = good.clone();
    badVersion[0] = 9;
    assertThatThrownBy(() -> PushRecord.decode(badVersion)).hasMessageContaining("version 9");
    byte[] badLength = good.clone();
    badLength[5] = 0x7f;
    assertThatThrownBy(() -> PushRecord.decode(badLength)).hasMessageContaining("gateway id of");
    byte[] badAttempts = good.clone();
    badAttempts[4] = 0;
    assertThatThrownBy(() -> PushRecord.decode(badAttempts)).hasMessageContaining("attempts");
    byte[] badBody = Arrays.copyOf(good, good.length + 2);
    badBody[good.length] = (byte) 0xff;
    badBody[good.length + 1] = (byte) 0xff;
    assertThatThrownBy(() -> PushRecord.decode(badBody)).hasMessageContaining("bad message bytes");
  }
}
