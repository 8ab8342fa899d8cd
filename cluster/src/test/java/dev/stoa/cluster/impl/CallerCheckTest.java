package dev.stoa.cluster.impl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CallerCheckTest {
  @Test
  void constantTimeEqualsIsEqualityForEveryLengthAndPosition() {
    String expected = "abcdef";
    assertThat(CallerCheck.constantTimeEquals(expected, "abcdef")).isTrue();
    assertThat(CallerCheck.constantTimeEquals(expected, "")).isFalse();
    assertThat(CallerCheck.constantTimeEquals(expected, "abcde")).isFalse();
    assertThat(CallerCheck.constantTimeEquals(expected, "abcdefg")).isFalse();
    assertThat(CallerCheck.constantTimeEquals(expected, "abcdef\0")).isFalse();
    for (int i = 0; i < expected.length(); i++) {
      char[] changed = expected.toCharArray();
      changed[i] ^= 1;
      assertThat(CallerCheck.constantTimeEquals(expected, new String(changed))).as("differs at %d", i).isFalse();
    }
  }
}
