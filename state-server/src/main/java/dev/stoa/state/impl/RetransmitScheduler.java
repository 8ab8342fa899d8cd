package dev.stoa.state.impl;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.TimerTask;
import java.util.concurrent.TimeUnit;

/**
 * The timing wheel of one state server (Netty {@link HashedWheelTimer}, one thread) and the
 * retransmit backoff: after the {@code n}-th delivery (n ≥ 1) the next one is due in
 * {@code min(initialMs · 2^(n-1), maxMs)}. Tasks run on the wheel thread and must only hand work
 * to another thread. Thread-safe.
 */
public final class RetransmitScheduler {
  private static final int TICKS_PER_WHEEL = 512;

  private final HashedWheelTimer timer;
  private final long initialMs;
  private final long maxMs;

  public RetransmitScheduler(String name, long tickMs, long initialMs, long maxMs) {
    if (initialMs <= 0 || maxMs < initialMs) {
      throw new IllegalArgumentException("retransmit delays: need 0 < initial (" + initialMs + ") <= max ("
          + maxMs + ")");
    }
    this.initialMs = initialMs;
    this.maxMs = maxMs;
    this.timer = new HashedWheelTimer(runnable -> {
      Thread thread = new Thread(runnable, "stoa-state-wheel-" + name);
      thread.setDaemon(true);
      return thread;
    }, tickMs, TimeUnit.MILLISECONDS, TICKS_PER_WHEEL);
  }

  /** Runs {@code task} on the wheel thread in about {@code delayMs} (up to one tick late). */
  public Timeout schedule(long delayMs, TimerTask task) {
    return timer.newTimeout(task, delayMs, TimeUnit.MILLISECONDS);
  }

  /** The delay before the next delivery of a message already delivered {@code attempts} times. */
  public long delayAfter(int attempts) {
    return backoff(initialMs, maxMs, attempts);
  }

  static long backoff(long initialMs, long maxMs, int attempts) {
    int shift = Math.max(0, attempts - 1);
    if (shift >= Long.numberOfLeadingZeros(initialMs) - 1) {
      return maxMs;
    }
    return Math.min(maxMs, initialMs << shift);
  }

  /** Cancels every pending task and ends the wheel thread; {@link #schedule} fails afterwards. */
  public void stop() {
    timer.stop();
  }
}
