package dev.stoa.state.impl;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The meters of one state server, tagged {@code state_server=<id>}: gauges
 * {@code stoa_state_connections} and {@code stoa_state_pending}, counters
 * {@code stoa_state_pushes_total} (one per (connection, message) delivered by a push),
 * {@code stoa_state_retransmits_total}, {@code stoa_state_retransmits_deferred_total} (retransmits
 * put off because the lane was behind), {@code stoa_state_acks_total} (acks that removed a pending
 * message), {@code stoa_state_unknown_connection_total} (push targets not attached here),
 * {@code stoa_state_deliver_failures_total} (gateway calls that failed),
 * {@code stoa_state_pending_overflow_total} (pushes not tracked because the pending state was
 * full) and {@code stoa_state_dropped_records_total} (undecodable records removed from the map).
 * {@link #close} removes them from the registry, so a restarted server can register again.
 * Thread-safe.
 */
public final class StateMetrics implements AutoCloseable {
  static final String TAG = "state_server";

  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();
  private final AtomicLong connections = new AtomicLong();
  private final AtomicLong pending = new AtomicLong();
  final Counter pushes;
  final Counter retransmits;
  final Counter retransmitsDeferred;
  final Counter acks;
  final Counter unknownConnection;
  final Counter deliverFailures;
  final Counter pendingOverflow;
  final Counter connectionOverflow;
  final Counter adopted;
  final Counter droppedRecords;

  public StateMetrics(MeterRegistry registry, String stateServerId) {
    this.registry = registry;
    meters.add(Gauge.builder("stoa.state.connections", connections, AtomicLong::get)
        .description("connections attached to this state server").tag(TAG, stateServerId).register(registry));
    meters.add(Gauge.builder("stoa.state.pending", pending, AtomicLong::get)
        .description("unacked (connection, message) pairs awaiting retransmit").tag(TAG, stateServerId)
        .register(registry));
    pushes = counter("stoa.state.pushes", "(connection, message) pairs delivered by a push", stateServerId);
    retransmits = counter("stoa.state.retransmits", "deliveries repeated for lack of an ack", stateServerId);
    retransmitsDeferred = counter("stoa.state.retransmits.deferred",
        "retransmits put off, not delivered, because they reached the lane too late (overload)", stateServerId);
    acks = counter("stoa.state.acks", "acks that removed a pending message", stateServerId);
    unknownConnection = counter("stoa.state.unknown.connection", "push targets not attached here", stateServerId);
    deliverFailures = counter("stoa.state.deliver.failures", "gateway deliver calls that failed", stateServerId);
    pendingOverflow = counter("stoa.state.pending.overflow", "pushes not tracked: pending state full",
        stateServerId);
    connectionOverflow = counter("stoa.state.pending.connection.overflow",
        "pushes not tracked: the connection has state.pending.per.connection.max unacked already", stateServerId);
    adopted = counter("stoa.state.connections.adopted",
        "connections attached by a push naming their gateway (the state server had forgotten them)", stateServerId);
    droppedRecords = counter("stoa.state.dropped.records", "undecodable records removed from the state map",
        stateServerId);
  }

  private Counter counter(String name, String description, String stateServerId) {
    Counter counter = Counter.builder(name).description(description).tag(TAG, stateServerId).register(registry);
    meters.add(counter);
    return counter;
  }

  public void deliverFailed() {
    deliverFailures.increment();
  }

  void setGauges(long connectionCount, long pendingCount) {
    connections.set(connectionCount);
    pending.set(pendingCount);
  }

  public long connections() {
    return connections.get();
  }

  public long pending() {
    return pending.get();
  }

  @Override
  public void close() {
    meters.forEach(registry::remove);
  }
}
