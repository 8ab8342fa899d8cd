package dev.stoa.bench.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenLoopScheduleTest {
  private static final long START = 1_000_000L;
  private static final long INTERVAL = 1_000L;

  @Test
  void nothingIsDueBeforeTheFirstSlot() {
    OpenLoopSchedule s = new OpenLoopSchedule(START, INTERVAL, START + 10 * INTERVAL);

    assertThat(s.isDue(START - 1)).isFalse();
    assertThat(s.dueCount(START - 1)).isZero();
    assertThat(s.isDue(START)).isTrue();
    assertThat(s.dueCount(START)).isEqualTo(1);
  }

  @Test
  void aLateCallerTakesEveryMissedSlotWithItsOwnIntendedTime() {
    // GIVEN a schedule and a caller that stalls for 3.5 intervals
    OpenLoopSchedule s = new OpenLoopSchedule(START, INTERVAL, START + 100 * INTERVAL);
    long now = START + 3 * INTERVAL + INTERVAL / 2;

    // WHEN it catches up
    assertThat(s.dueCount(now)).isEqualTo(4);
    List<Long> intended = new ArrayList<>();
    while (s.isDue(now)) {
      intended.add(s.take());
    }

    // THEN each message keeps the time it should have left, not the time it did
    assertThat(intended).containsExactly(START, START + INTERVAL, START + 2 * INTERVAL, START + 3 * INTERVAL);
    assertThat(now - intended.getFirst()).as("latency charged to the first message").isEqualTo(3500);
    assertThat(s.dueCount(now)).isZero();
    assertThat(s.nextIntendedNanos()).isEqualTo(START + 4 * INTERVAL);
    assertThat(s.taken()).isEqualTo(4);
  }

  @Test
  void aSlowConsumerDoesNotShiftTheScheduleLater() {
    OpenLoopSchedule s = new OpenLoopSchedule(START, INTERVAL, START + 100 * INTERVAL);
    // one message taken very late ...
    s.take();
    long late = START + 50 * INTERVAL;
    // ... leaves the following slots due at their original times (open loop: no coordination)
    assertThat(s.nextIntendedNanos()).isEqualTo(START + INTERVAL);
    assertThat(s.dueCount(late)).isEqualTo(50);
  }

  @Test
  void noSlotAtOrAfterTheEndIsEverDue() {
    long end = START + 5 * INTERVAL;
    OpenLoopSchedule s = new OpenLoopSchedule(START, INTERVAL, end);
    long farLater = end + 1_000 * INTERVAL;

    assertThat(s.dueCount(farLater)).isEqualTo(5);
    int taken = 0;
    while (s.isDue(farLater)) {
      assertThat(s.take()).isLessThan(end);
      taken++;
    }
    assertThat(taken).isEqualTo(5);
    assertThat(s.isFinished()).isTrue();
    assertThat(s.dueCount(farLater)).isZero();
  }

  @Test
  void anEndBetweenSlotsKeepsTheLastSlotBeforeIt() {
    OpenLoopSchedule s = new OpenLoopSchedule(START, INTERVAL, START + 2 * INTERVAL + 1);
    assertThat(s.dueCount(START + 10 * INTERVAL)).isEqualTo(3);
  }

  @Test
  void worksAcrossTheNanoTimeSignBoundary() {
    long start = Long.MAX_VALUE - 2 * INTERVAL;
    OpenLoopSchedule s = new OpenLoopSchedule(start, INTERVAL, start + 10 * INTERVAL);
    long now = start + 4 * INTERVAL; // overflows to negative, as System.nanoTime may

    assertThat(s.dueCount(now)).isEqualTo(5);
    assertThat(s.take()).isEqualTo(start);
  }

  @Test
  void rejectsANonPositiveInterval() {
    assertThatThrownBy(() -> new OpenLoopSchedule(START, 0, START + 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("intervalNanos must be > 0, got 0");
  }
}
