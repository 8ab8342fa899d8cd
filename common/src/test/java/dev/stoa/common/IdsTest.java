package dev.stoa.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IdsTest {
  @Test
  void legalIdsAreOneToSixtyFourSafeChars() {
    assertThat(Ids.isValidId("a")).isTrue();
    assertThat(Ids.isValidId("A.b_c-9")).isTrue();
    assertThat(Ids.isValidId("x".repeat(64))).isTrue();
    assertThat(Ids.isValidId("x".repeat(65))).isFalse();
    assertThat(Ids.isValidId("")).isFalse();
    assertThat(Ids.isValidId(null)).isFalse();
    assertThat(Ids.isValidId("a/b")).isFalse();
    assertThat(Ids.isValidId("a:b")).isFalse();
    assertThat(Ids.isValidId("é")).isFalse();
  }

  @Test
  void rejectionsNameTheField() {
    assertThatThrownBy(() -> Ids.requireId("userId", "bad id")).hasMessageStartingWith("userId:");
    assertThatThrownBy(() -> Ids.requireClientMsgId("clientMsgId", "")).hasMessageStartingWith("clientMsgId:");
    assertThatThrownBy(() -> Ids.requireClientMsgId("clientMsgId", "a\nb")).hasMessageContaining("control");
    assertThat(Ids.requireClientMsgId("clientMsgId", "any thing/ok")).isEqualTo("any thing/ok");
  }
}
