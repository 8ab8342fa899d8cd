package dev.stoa.bench.impl;

import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What every generator's per-event-loop stats have: the latency histogram (microseconds, clamped
 * at {@link #MAX_LATENCY_MICROS}) and the errors counted by kind with the first error text seen.
 * Not thread-safe: owned by one event loop, like the subclass.
 */
public abstract class LatencyAndErrors {
  /** Highest latency the histogram tracks, in microseconds; longer values are clamped. */
  static final long MAX_LATENCY_MICROS = 120_000_000L;

  final Histogram latencyMicros = new Histogram(MAX_LATENCY_MICROS, 3);
  /** Every error by kind. */
  final Map<String, Long> errors = new TreeMap<>();
  /** The first full error text seen, to show what went wrong. */
  String firstError;

  void error(String kind) {
    errors.merge(kind, 1L, Long::sum);
    sample(kind);
  }

  void sample(String text) {
    if (firstError == null) {
      firstError = text;
    }
  }

  void recordLatency(long nanos) {
    long micros = Math.max(0, nanos / 1000);
    latencyMicros.recordValue(Math.min(micros, MAX_LATENCY_MICROS));
  }

  /** Adds the histogram and errors of {@code other} into this one's. */
  void addLatencyAndErrors(LatencyAndErrors other) {
    latencyMicros.add(other.latencyMicros);
    other.errors.forEach((k, v) -> errors.merge(k, v, Long::sum));
    if (firstError == null) {
      firstError = other.firstError;
    }
  }

  public Histogram latencyMicros() {
    return latencyMicros;
  }

  public Map<String, Long> errors() {
    return Map.copyOf(errors);
  }

  /** The first error text seen, or null. */
  public String firstError() {
    return firstError;
  }

  public long errorCount() {
    return errors.values().stream().mapToLong(Long::longValue).sum();
  }
}
