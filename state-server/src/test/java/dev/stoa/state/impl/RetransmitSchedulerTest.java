package dev.stoa.state.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.util.Timeout;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RetransmitSchedulerTest {

  @Test
  void backoffDoublesFromTheInitialDelayUpToTheCap() {
    assertThat(RetransmitScheduler.backoff(2_000, 30_000, 1)).isEqualTo(2_000);
    assertThat(RetransmitScheduler.backoff(2_000, 30_000, 2)).isEqualTo(4_000);
    assertThat(RetransmitScheduler.backoff(2_000, 30_000, 4)).isEqualTo(16_000);
    assertThat(RetransmitScheduler.backoff(2_000, 30_000, 5)).isEqualTo(30_000);
    assertThat(RetransmitScheduler.backoff(2_000, 30_000, 70)).isEqualTo(30_000);
    assertThat(RetransmitScheduler.backoff(2_000, 30_000, Integer.MAX_VALUE)).isEqualTo(30_000);
    assertThat(RetransmitScheduler.backoff(1, Long.MAX_VALUE, 64)).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void firesOnTheWheelAndCancelledTasksNever() throws Exception {
    RetransmitScheduler scheduler = new RetransmitScheduler("test", 10, 100, 1_000);
    try {
      CountDownLatch fired = new CountDownLatch(1);
      CountDownLatch cancelledFired = new CountDownLatch(1);
      Timeout cancelled = scheduler.schedule(20, t -> cancelledFired.countDown());
      cancelled.cancel();
      scheduler.schedule(30, t -> fired.countDown());

      assertThat(fired.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(cancelledFired.await(100, TimeUnit.MILLISECONDS)).isFalse();
    } finally {
      scheduler.stop();
    }
    assertThatThrownBy(() -> scheduler.schedule(10, t -> { })).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void rejectsAMaxBelowTheInitialDelay() {
    assertThatThrownBy(() -> new RetransmitScheduler("bad", 10, 500, 100))
        .hasMessageContaining("initial (500)").hasMessageContaining("max (100)");
  }
}
