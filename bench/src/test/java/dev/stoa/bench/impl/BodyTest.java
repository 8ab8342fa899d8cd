package dev.stoa.bench.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BodyTest {
  @Test
  void roundTripsTimestampAndIndexAndPadsToTheLength() {
    String body = Body.make(-123_456_789L, 42, 64);

    assertThat(body).hasSize(64).startsWith("-123456789|42|").endsWith("x");
    assertThat(Body.intendedNanos(body)).isEqualTo(-123_456_789L);
    assertThat(Body.index(body)).isEqualTo(42);
  }

  @Test
  void aShortLengthKeepsTheWholeHeader() {
    assertThat(Body.make(1_000_000_000_000L, 7, 1)).isEqualTo("1000000000000|7|");
  }

  @Test
  void rejectsAForeignBodyNamingIt() {
    assertThatThrownBy(() -> Body.intendedNanos("hello bob"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hello bob");
    assertThatThrownBy(() -> Body.index("12|nope"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("12|nope");
  }
}
