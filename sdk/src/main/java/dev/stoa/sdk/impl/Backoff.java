package dev.stoa.sdk.impl;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Reconnect delays: exponential from {@code initial}, doubling per failed attempt, capped at
 * {@code max}, with "equal jitter" (the delay for attempt n is uniform in [d/2, d] where
 * d = min(max, initial * 2^n)), so many clients dropped at once do not reconnect in lockstep.
 * Pure function of the attempt number and the injected random source; not thread-safe (the random
 * source is shared).
 */
public final class Backoff {
  private final long initialMillis;
  private final long maxMillis;
  private final RandomGenerator random;

  public Backoff(Duration initial, Duration max, RandomGenerator random) {
    if (initial.toMillis() < 1) {
      throw new IllegalArgumentException("reconnect backoff initial must be >= 1 ms, got " + initial.toMillis() + " ms");
    }
    if (max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(
          "reconnect backoff max (" + max.toMillis() + " ms) must be >= initial (" + initial.toMillis() + " ms)");
    }
    this.initialMillis = initial.toMillis();
    this.maxMillis = max.toMillis();
    this.random = random;
  }

  /** The delay before reconnect attempt {@code attempt} (0 for the first retry after a drop). */
  public long delayMillis(int attempt) {
    long ceiling = ceilingMillis(attempt);
    long half = ceiling / 2;
    return half + random.nextLong(ceiling - half + 1);
  }

  /** The un-jittered upper bound for {@code attempt}: min(max, initial * 2^attempt). */
  public long ceilingMillis(int attempt) {
    int shift = Math.max(0, Math.min(attempt, 62));
    // initial * 2^shift > max  <=>  initial > floor(max / 2^shift); no overflow on either side
    if (initialMillis > (maxMillis >> shift)) {
      return maxMillis;
    }
    return initialMillis << shift;
  }
}
