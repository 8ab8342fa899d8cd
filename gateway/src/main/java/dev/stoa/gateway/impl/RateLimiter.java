package dev.stoa.gateway.impl;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.local.SynchronizationStrategy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Token bucket of one connection (bucket4j): {@code burst} tokens, refilled greedily at
 * {@code perSecond}; every client frame after {@code connect} takes one. Time comes from the
 * injected {@link Clock}. Not thread-safe: used from the connection's event loop only.
 */
public final class RateLimiter {
  private final Bucket bucket;

  public RateLimiter(int perSecond, int burst, Clock clock) {
    this.bucket = Bucket.builder()
        .addLimit(limit -> limit.capacity(burst).refillGreedy(perSecond, Duration.ofSeconds(1)))
        .withCustomTimePrecision(new ClockTimeMeter(clock))
        .withSynchronizationStrategy(SynchronizationStrategy.NONE)
        .build();
  }

  public boolean tryAcquire() {
    return bucket.tryConsume(1);
  }

  private record ClockTimeMeter(Clock clock) implements TimeMeter {
    @Override
    public long currentTimeNanos() {
      Instant now = clock.instant();
      return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    @Override
    public boolean isWallClockBased() {
      return true;
    }
  }
}
