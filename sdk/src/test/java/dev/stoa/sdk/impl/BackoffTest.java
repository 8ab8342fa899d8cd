package dev.stoa.sdk.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void ceilingsDoubleUntilTheCap() {
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5), new Random(1));
    assertThat(backoff.ceilingMillis(0)).isEqualTo(100);
    assertThat(backoff.ceilingMillis(1)).isEqualTo(200);
    assertThat(backoff.ceilingMillis(5)).isEqualTo(3200);
    assertThat(backoff.ceilingMillis(6)).isEqualTo(5000);
    assertThat(backoff.ceilingMillis(62)).isEqualTo(5000);
    assertThat(backoff.ceilingMillis(Integer.MAX_VALUE)).isEqualTo(5000);
  }

  @Test
  void delaysAreJitteredWithinHalfToFullCeiling() {
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5), new Random(2));
    Set<Long> distinct = new HashSet<>();
    for (int attempt = 0; attempt < 40; attempt++) {
      for (int i = 0; i < 50; i++) {
        long delay = backoff.delayMillis(attempt);
        long ceiling = backoff.ceilingMillis(attempt);
        assertThat(delay).isBetween(ceiling / 2, ceiling);
        distinct.add(delay);
      }
    }
    assertThat(distinct).as("jitter spreads delays").hasSizeGreaterThan(100);
  }

  @Test
  void rejectsAnInvertedRange() {
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), new Random()))
        .hasMessage("reconnect backoff max (1000 ms) must be >= initial (2000 ms)");
  }
}
