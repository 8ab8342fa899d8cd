package dev.stoa.state.impl;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The meters of one state server's room fan-out, tagged {@code state_server=<id>}: gauges
 * {@code stoa_state_rooms} (rooms with local members, each polled) and
 * {@code stoa_state_room_memberships} (local (connection, room) pairs); counters
 * {@code stoa_state_room_messages_total} (room messages fanned out, once per message),
 * {@code stoa_state_room_deliveries_total} (recipients of those messages, as sent to gateways),
 * {@code stoa_state_room_deliver_calls_total}, {@code stoa_state_room_deliver_failures_total}
 * (deliver calls that failed, or that could not be made because resolving the gateway failed;
 * never retried), {@code stoa_state_room_read_failures_total} (index reads that failed, answered
 * an error code or did not answer in time) and {@code stoa_state_room_skipped_total} (seqs
 * jumped over because the ring no longer held them: an upper bound of the messages members
 * missed), {@code stoa_state_room_joins_refused_total} (joins refused by a limit, tagged
 * {@code limit=connection|user}). {@link #close} removes them from the registry. Thread-safe.
 */
public final class RoomMetrics implements AutoCloseable {
  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();
  private final AtomicLong rooms = new AtomicLong();
  private final AtomicLong memberships = new AtomicLong();
  public final Counter messages;
  public final Counter deliveries;
  public final Counter deliverCalls;
  public final Counter deliverFailures;
  public final Counter readFailures;
  public final Counter skipped;
  public final Counter joinsRefusedConnection;
  public final Counter joinsRefusedUser;

  public RoomMetrics(MeterRegistry registry, String stateServerId) {
    this.registry = registry;
    meters.add(Gauge.builder("stoa.state.rooms", rooms, AtomicLong::get)
        .description("rooms with members on this state server, each polled from the index")
        .tag(StateMetrics.TAG, stateServerId).register(registry));
    meters.add(Gauge.builder("stoa.state.room.memberships", memberships, AtomicLong::get)
        .description("(connection, room) memberships on this state server")
        .tag(StateMetrics.TAG, stateServerId).register(registry));
    messages = counter("stoa.state.room.messages", "room messages fanned out", stateServerId);
    deliveries = counter("stoa.state.room.deliveries", "(connection, room message) pairs sent to gateways",
        stateServerId);
    deliverCalls = counter("stoa.state.room.deliver.calls", "gateway deliver calls for room messages",
        stateServerId);
    deliverFailures = counter("stoa.state.room.deliver.failures",
        "room deliver calls that failed or could not be made", stateServerId);
    readFailures = counter("stoa.state.room.read.failures", "index reads of rooms that failed", stateServerId);
    skipped = counter("stoa.state.room.skipped", "room seqs skipped because the ring no longer held them",
        stateServerId);
    joinsRefusedConnection = refused("connection", stateServerId);
    joinsRefusedUser = refused("user", stateServerId);
  }

  private Counter refused(String limit, String stateServerId) {
    Counter counter = Counter.builder("stoa.state.room.joins.refused")
        .description("room joins refused because the connection or the user is in too many rooms")
        .tag(StateMetrics.TAG, stateServerId).tag("limit", limit).register(registry);
    meters.add(counter);
    return counter;
  }

  private Counter counter(String name, String description, String stateServerId) {
    Counter counter = Counter.builder(name).description(description).tag(StateMetrics.TAG, stateServerId)
        .register(registry);
    meters.add(counter);
    return counter;
  }

  public void setGauges(long roomCount, long membershipCount) {
    rooms.set(roomCount);
    memberships.set(membershipCount);
  }

  public long rooms() {
    return rooms.get();
  }

  public long memberships() {
    return memberships.get();
  }

  @Override
  public void close() {
    meters.forEach(registry::remove);
  }
}
