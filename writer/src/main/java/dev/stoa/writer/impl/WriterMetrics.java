package dev.stoa.writer.impl;

import dev.stoa.common.metrics.Metrics;
import dev.stoa.proto.client.Code;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * The writer's meters in {@link Metrics#registry()}: {@code stoa_writer_sends_total{result}} with
 * result {@code ok}, {@code duplicate}, {@code error} (internal fault) or the rejection code in
 * lower case ({@code bad_request}, {@code forbidden}, {@code not_found}, {@code too_large},
 * {@code unavailable}); {@code stoa_writer_send_seconds}; {@code stoa_writer_dedup_hits_total}; {@code stoa_writer_dedup_expired_total};
 * {@code stoa_writer_push_failures_total}; {@code stoa_writer_order_gaps_skipped_total} (a
 * connection's send waited {@code SendOrder}'s gap time for a predecessor that never came).
 * Thread-safe.
 */
public final class WriterMetrics {
  private final MeterRegistry registry = Metrics.registry();
  private final ConcurrentMap<String, Counter> sends = new ConcurrentHashMap<>();
  private final Timer sendTimer = Timer.builder("stoa_writer_send")
      .description("time from receiving a send to its answer").register(registry);
  private final Counter dedupHits = Counter.builder("stoa_writer_dedup_hits")
      .description("sends answered with the ack of an earlier send of the same clientMsgId")
      .register(registry);
  private final Counter dedupExpired = Counter.builder("stoa_writer_dedup_expired")
      .description("dedup records deleted by the sweep because they were older than writer.dedup.window.seconds")
      .register(registry);
  private final Counter pushFailures = Counter.builder("stoa_writer_push_failures")
      .description("pushes to state servers that failed after a successful send").register(registry);

  public void ok(long startNanos) {
    count("ok", startNanos);
  }

  public void duplicate(long startNanos) {
    dedupHits.increment();
    count("duplicate", startNanos);
  }

  public void rejected(Code code, long startNanos) {
    count(code.name().toLowerCase(Locale.ROOT), startNanos);
  }

  public void error(long startNanos) {
    count("error", startNanos);
  }

  public void dedupExpired(int n) {
    dedupExpired.increment(n);
  }

  private final Counter orderGapsSkipped = Counter.builder("stoa_writer_order_gaps_skipped")
      .description("sends taken after waiting for an earlier send of their connection that never arrived")
      .register(registry);

  public void orderGapSkipped() {
    orderGapsSkipped.increment();
  }

  public void pushFailed() {
    pushFailures.increment();
  }

  private void count(String result, long startNanos) {
    sends.computeIfAbsent(result, r -> Counter.builder("stoa_writer_sends")
        .description("sends by result").tag("result", r).register(registry)).increment();
    sendTimer.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
  }
}
