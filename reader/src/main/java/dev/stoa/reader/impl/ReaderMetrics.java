package dev.stoa.reader.impl;

import dev.stoa.common.metrics.Metrics;
import dev.stoa.proto.client.Code;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * The reader's request meters in {@link Metrics#registry()}: {@code stoa_reader_requests_total{op,
 * result}} (op {@code pull} or {@code sync}; result {@code ok}, {@code error} or the rejection code
 * in lower case) and {@code stoa_reader_request_seconds{op}}. Missing links and bodies are counted
 * by {@code ChainMerge} and {@link BodyLoader}. Thread-safe.
 */
public final class ReaderMetrics {
  private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Timer> timers = new ConcurrentHashMap<>();

  public void ok(String op, long startNanos) {
    record(op, "ok", startNanos);
  }

  public void rejected(String op, Code code, long startNanos) {
    record(op, code.name().toLowerCase(Locale.ROOT), startNanos);
  }

  public void error(String op, long startNanos) {
    record(op, "error", startNanos);
  }

  private void record(String op, String result, long startNanos) {
    counters.computeIfAbsent(op + "/" + result, k -> Counter.builder("stoa_reader_requests")
        .description("pull and sync requests by result").tag("op", op).tag("result", result)
        .register(Metrics.registry())).increment();
    timers.computeIfAbsent(op, k -> Timer.builder("stoa_reader_request")
        .description("pull and sync latency").tag("op", op).register(Metrics.registry()))
        .record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
  }
}
