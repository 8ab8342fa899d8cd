package dev.stoa.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.proto.client.Code;
import org.junit.jupiter.api.Test;

class SessionIdTest {
  @Test
  void userPeerMapsToTheCanonicalC2cSession() {
    assertThat(SessionId.parse("sessionId", "user:bob", "alice").id()).isEqualTo("c2c:alice:bob");
    assertThat(SessionId.parse("sessionId", "user:alice", "bob").id()).isEqualTo("c2c:alice:bob");
    SessionId s = SessionId.parse("sessionId", "c2c:alice:bob", "alice");
    assertThat(s.c2cMembers()).containsExactly("alice", "bob");
    assertThat(s.peerOf("bob")).isEqualTo("alice");
  }

  @Test
  void byteOrderDecidesTheCanonicalOrder() {
    // 'B' (0x42) sorts before 'a' (0x61) in byte order
    assertThat(SessionId.c2c("alice", "Bob").id()).isEqualTo("c2c:Bob:alice");
  }

  @Test
  void malformedIdsAreRejectedNamingTheField() {
    for (String bad : new String[] {"", "bob", "c2c:bob:alice", "c2c:alice", "c2c:a:a", "chan:x", "user:bad id",
        "group:", "room:" + "x".repeat(65)}) {
      assertThatThrownBy(() -> SessionId.parse("sessionId", bad, "alice"))
          .as(bad).isInstanceOf(StoaException.class)
          .hasMessageContaining("sessionId")
          .satisfies(e -> assertThat(((StoaException) e).code()).isEqualTo(Code.BAD_REQUEST));
    }
  }

  @Test
  void sendingToYourselfIsRejected() {
    assertThatThrownBy(() -> SessionId.parse("sessionId", "user:alice", "alice")).hasMessageContaining("two different users");
  }

  @Test
  void groupAndRoomKeepTheirIds() {
    assertThat(SessionId.parse("s", "group:g-1", "u").kind()).isEqualTo(SessionId.Kind.GROUP);
    assertThat(SessionId.parse("s", "room:r.1", "u").first()).isEqualTo("r.1");
  }
}
