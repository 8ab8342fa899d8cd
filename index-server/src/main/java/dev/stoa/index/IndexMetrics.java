package dev.stoa.index;

import dev.stoa.common.metrics.Metrics;
import dev.stoa.index.ring.RingBudget;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * Meters of an index server, in the process registry. Per shard that is served: the log's start,
 * end and durable offsets, its forces and the number of room rings. Per server: offline shards
 * ({@code stoa_index_shards_offline}), ring heap bytes and their budget
 * ({@code stoa_index_ring_bytes}, {@code stoa_index_ring_budget_bytes}), rings dropped to stay
 * within it and rebuilt from the log ({@code stoa_index_rings_dropped}, {@code
 * stoa_index_rings_rebuilt}, counters). Registered once per server start; they read live values.
 * Stateless.
 */
final class IndexMetrics {
  private IndexMetrics() {}

  /** Registers the meters of {@code server}; returns them, for {@link #remove} at stop. */
  static List<Meter> register(IndexServer server, ShardLeader[] leaders) {
    MeterRegistry registry = Metrics.registry();
    List<Meter> meters = new ArrayList<>();
    RingBudget budget = server.ringBudget();
    meters.add(Gauge.builder("stoa_index_shards_offline", server, IndexServer::offlineShards).tag("server", server.id())
        .description("shards that could not be opened at start or whose log went offline").register(registry));
    meters.add(Gauge.builder("stoa_index_ring_bytes", budget, RingBudget::bytes).tag("server", server.id())
        .description("heap bytes held by the room rings of all shards").register(registry));
    meters.add(Gauge.builder("stoa_index_ring_budget_bytes", budget, RingBudget::maxBytes).tag("server", server.id())
        .description("index.ring.total.max.bytes: the rings' heap budget").register(registry));
    meters.add(FunctionCounter.builder("stoa_index_rings_dropped", budget, RingBudget::dropped).tag("server", server.id())
        .description("least recently used rings dropped to stay within the budget").register(registry));
    meters.add(FunctionCounter.builder("stoa_index_rings_rebuilt", budget, RingBudget::rebuiltCount).tag("server", server.id())
        .description("dropped rings rebuilt from the log when read").register(registry));
    for (ShardLeader l : leaders) {
      if (l == null) {
        continue;
      }
      String shard = Integer.toString(l.shard());
      meters.add(Gauge.builder("stoa_index_log_end_offset", l, x -> x.log().endOffset()).tag("server", server.id())
          .tag("shard", shard).description("next offset of the shard log").register(registry));
      meters.add(Gauge.builder("stoa_index_log_durable_offset", l, x -> x.log().durableOffset()).tag("server", server.id())
          .tag("shard", shard).description("records below this offset are durable").register(registry));
      meters.add(Gauge.builder("stoa_index_log_start_offset", l, x -> x.log().startOffset()).tag("server", server.id())
          .tag("shard", shard).description("oldest offset retained").register(registry));
      meters.add(Gauge.builder("stoa_index_log_forces", l, x -> x.log().forceCount()).tag("server", server.id())
          .tag("shard", shard).description("forces of the shard log since start").register(registry));
      meters.add(Gauge.builder("stoa_index_rings", l, ShardLeader::ringCount).tag("server", server.id())
          .tag("shard", shard).description("room ring buffers held").register(registry));
    }
    return meters;
  }

  /** Removes {@code meters} from the registry, so that a later start registers its own. */
  static void remove(List<Meter> meters) {
    MeterRegistry registry = Metrics.registry();
    meters.forEach(registry::remove);
  }
}
