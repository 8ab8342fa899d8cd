package dev.stoa.gateway.impl;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.http.HttpConnection;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * The cap on connections open at once on one gateway's HTTP port ({@code http.max.connections}),
 * shared by every HTTP server instance of the gateway; Vert.x has none of its own. A connection is
 * counted from accept until it closes; a WebSocket is the HTTP connection it was upgraded from,
 * so it counts once. One over the cap is closed at once, before any request on it is served, and
 * counted in {@code stoa_gateway_http_connections_refused_total}. Invariant: the count never
 * stays above the cap (it may pass it for the instant between increment and undo). Thread-safe.
 */
public final class HttpConnectionCap {
  private static final Logger LOG = Logger.getLogger(HttpConnectionCap.class.getName());

  private final int max;
  private final AtomicInteger open = new AtomicInteger();
  private final Counter refused;
  private volatile boolean warned;

  public HttpConnectionCap(int max, MeterRegistry registry) {
    this.max = max;
    this.refused = Counter.builder("stoa.gateway.http.connections.refused")
        .description("HTTP-port connections closed on accept because http.max.connections were open")
        .register(registry);
  }

  /** Counts {@code connection} in, or closes it and answers false when the cap is reached. */
  public boolean admit(HttpConnection connection) {
    if (open.incrementAndGet() > max) {
      open.decrementAndGet();
      refused.increment();
      if (!warned) {
        warned = true;
        LOG.warning("http.max.connections: " + max + " connections open; closing new ones (counted in "
            + "stoa_gateway_http_connections_refused_total)");
      }
      connection.close();
      return false;
    }
    connection.closeHandler(v -> open.decrementAndGet());
    return true;
  }

  /** Connections counted in now. */
  public int open() {
    return open.get();
  }
}
