package dev.stoa.common.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * The one Prometheus registry of this process (DESIGN.md §5), with JVM metrics bound, and the
 * {@code /metrics} handler that scrapes it. Meter names start with {@code stoa_}; roles in one JVM
 * share the registry and tell their meters apart by name. Thread-safe.
 */
public final class Metrics {
  private static final PrometheusMeterRegistry REGISTRY = create();

  private Metrics() {}

  private static PrometheusMeterRegistry create() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    return registry;
  }

  public static MeterRegistry registry() {
    return REGISTRY;
  }

  /** Prometheus text exposition of every meter. */
  public static String scrape() {
    return REGISTRY.scrape();
  }

  /** A vertx-web handler answering {@code GET /metrics}. */
  public static Handler<RoutingContext> handler() {
    return ctx -> ctx.response()
        .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
        .end(scrape());
  }
}
