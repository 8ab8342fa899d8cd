package dev.stoa.index;

import dev.stoa.common.metrics.Metrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Gauges of an index server per shard, in the process registry: the log's start, end and durable
 * offsets, its forces and the number of room rings. Registered once per server start; the gauges
 * read the leaders' live values. Stateless.
 */
final class IndexMetrics {
  private IndexMetrics() {}

  static void register(IndexServer server, ShardLeader[] leaders) {
    MeterRegistry registry = Metrics.registry();
    for (ShardLeader l : leaders) {
      String shard = Integer.toString(l.shard());
      Gauge.builder("stoa_index_log_end_offset", l, x -> x.log().endOffset()).tag("server", server.id())
          .tag("shard", shard).description("next offset of the shard log").register(registry);
      Gauge.builder("stoa_index_log_durable_offset", l, x -> x.log().durableOffset()).tag("server", server.id())
          .tag("shard", shard).description("records below this offset are durable").register(registry);
      Gauge.builder("stoa_index_log_start_offset", l, x -> x.log().startOffset()).tag("server", server.id())
          .tag("shard", shard).description("oldest offset retained").register(registry);
      Gauge.builder("stoa_index_log_forces", l, x -> x.log().forceCount()).tag("server", server.id())
          .tag("shard", shard).description("forces of the shard log since start").register(registry);
      Gauge.builder("stoa_index_rings", l, ShardLeader::ringCount).tag("server", server.id())
          .tag("shard", shard).description("room ring buffers held").register(registry);
    }
  }
}
