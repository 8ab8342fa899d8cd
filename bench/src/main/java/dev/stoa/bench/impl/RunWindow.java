package dev.stoa.bench.impl;

/**
 * The timeline of one run in {@link System#nanoTime()} values: load starts at {@code startNanos},
 * is measured in {@code [windowStartNanos, windowEndNanos)} and no new message is intended at or
 * after {@code windowEndNanos}. Immutable.
 */
public record RunWindow(long startNanos, long windowStartNanos, long windowEndNanos) {
  public RunWindow {
    if (windowStartNanos - startNanos < 0 || windowEndNanos - windowStartNanos <= 0) {
      throw new IllegalArgumentException("need start <= windowStart < windowEnd, got " + startNanos + ", "
          + windowStartNanos + ", " + windowEndNanos);
    }
  }

  /** Whether {@code nanos} falls in the measured window. */
  public boolean contains(long nanos) {
    return nanos - windowStartNanos >= 0 && nanos - windowEndNanos < 0;
  }

  /** Length of the measured window in seconds. */
  public double windowSeconds() {
    return (windowEndNanos - windowStartNanos) / 1e9;
  }
}
