package dev.stoa.state.impl;

import dev.stoa.proto.client.Message;
import io.micrometer.core.instrument.Counter;
import io.netty.util.Timeout;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongConsumer;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The delivery decisions of a state server: which connections it knows, what is pending for each,
 * when to retransmit. Every operation updates the in-memory {@link ConnectionTable} and the
 * persisted {@link DeliveryState} together, so that a (connection, message) pair is pending in
 * memory (with an armed timer) exactly when its record is in the map; it returns the gateway calls
 * to make as {@link Delivery} values and makes none itself. Timers fire on the wheel thread into
 * the {@link TimerListener}, which must hand them back to the lane. A fired timer that reaches the
 * lane {@code deferLagMs} or more after it fired means the server is behind (its lane or the
 * context feeding it is backed up): the retransmit is then put off by one backoff step instead of
 * delivered, because in that state the ack is most likely queued behind the backlog and a second
 * copy would only add to it. Every connection that goes away
 * ({@link #detach}, directly or through {@link #closed}) is reported to the detach listener, on the
 * lane, after it is forgotten. Not thread-safe: every method runs on the state server's lane thread.
 */
public final class DeliveryEngine {
  private static final Logger LOG = Logger.getLogger(DeliveryEngine.class.getName());

  /** One gateway call to make: deliver {@code message} to {@code connIds}, all held by {@code gatewayId}. */
  public record Delivery(String gatewayId, List<Long> connIds, Message message) {
    public Delivery {
      connIds = List.copyOf(connIds);
    }
  }

  /** Receives fired retransmit timers, on the wheel thread. */
  public interface TimerListener {
    void fired(long connId, long msgId, Timeout timeout);
  }

  private final ConnectionTable connections = new ConnectionTable();
  private final DeliveryState store;
  private final RetransmitScheduler wheel;
  private final StateMetrics metrics;
  private final long pendingMax;
  private final int connectionPendingMax;
  private final long deferLagMs;
  private final TimerListener listener;
  private final LongConsumer detached;

  /**
   * @param pendingMax most pending (connection, message) pairs over all connections
   * @param connectionPendingMax most pending messages of one connection
   * @param deferLagMs lag from a timer firing to its {@link #retransmit} at or above which the
   *     retransmit is put off instead of delivered
   * @param detached told the id of every connection forgotten, on the lane; must not throw
   */
  public DeliveryEngine(DeliveryState store, RetransmitScheduler wheel, StateMetrics metrics, long pendingMax,
      int connectionPendingMax, long deferLagMs, TimerListener listener, LongConsumer detached) {
    this.store = store;
    this.wheel = wheel;
    this.metrics = metrics;
    this.pendingMax = pendingMax;
    this.connectionPendingMax = connectionPendingMax;
    this.deferLagMs = deferLagMs;
    this.listener = listener;
    this.detached = detached;
  }

  /**
   * Re-arms every record found in the map, each on the gateway it names, first retransmit after
   * the initial delay (a restart resets the backoff; the attempt count carries on).
   *
   * @return the number of records re-armed
   */
  public int recover() {
    int[] recovered = {0};
    int dropped = store.forEach((connId, msgId, record) -> {
      ConnectionTable.Entry entry = connections.getOrCreate(connId, record.gatewayId());
      arm(entry, msgId, wheel.delayAfter(1));
      recovered[0]++;
    });
    metrics.droppedRecords.increment(dropped);
    updateGauges();
    return recovered[0];
  }

  /** Remembers that {@code gatewayId} holds {@code connId}; a move to another gateway rewrites its records. */
  public void attach(long connId, String gatewayId) {
    ConnectionTable.Entry entry = connections.getOrCreate(connId, gatewayId);
    if (!entry.gatewayId.equals(gatewayId)) {
      entry.gatewayId = gatewayId;
      for (long msgId : List.copyOf(entry.pending.keySet())) {
        store.get(connId, msgId).ifPresentOrElse(
            r -> store.put(connId, msgId, new PushRecord(gatewayId, r.attempts(), r.message())),
            () -> forgetPending(entry, msgId));
      }
    }
    updateGauges();
  }

  /** Forgets {@code connId}: cancels its timers and removes its records. True if it was known. */
  public boolean detach(long connId) {
    ConnectionTable.Entry entry = connections.remove(connId);
    if (entry == null) {
      return false;
    }
    for (Map.Entry<Long, Timeout> pending : entry.pending.entrySet()) {
      pending.getValue().cancel();
      store.remove(connId, pending.getKey());
    }
    updateGauges();
    detached.accept(connId);
    return true;
  }

  /** The gateway holding {@code connId}, if the connection is known here. */
  public Optional<String> gatewayOf(long connId) {
    ConnectionTable.Entry entry = connections.get(connId);
    return entry == null ? Optional.empty() : Optional.of(entry.gatewayId);
  }

  /** Detaches those of {@code connIds} still held by {@code gatewayId} (the gateway says they are gone). */
  public void closed(String gatewayId, Collection<Long> connIds) {
    for (long connId : connIds) {
      ConnectionTable.Entry entry = connections.get(connId);
      if (entry != null && entry.gatewayId.equals(gatewayId)) {
        detach(connId);
      }
    }
  }

  /** {@link #push(List, List, Message)} without gateway ids: unknown connections are skipped. */
  public List<Delivery> push(Collection<Long> connIds, Message message) {
    return push(List.copyOf(connIds), List.of(), message);
  }

  /**
   * Records {@code message} as pending for each connection of {@code connIds} and arms its first
   * retransmit. A connection not known here is attached on the gateway {@code gatewayIds} names at
   * the same index (the route table's word: the connection was placed on this state server, which
   * has restarted since and forgot it), counted as adopted; one with no gateway id (the list is
   * shorter, or the id empty) is counted as unknown and skipped. A known connection keeps the
   * gateway it was attached on.
   *
   * @return one delivery per gateway, in the order the gateways first appear in {@code connIds}
   */
  public List<Delivery> push(List<Long> connIds, List<String> gatewayIds, Message message) {
    long msgId = message.getMsgId();
    Map<String, List<Long>> byGateway = new LinkedHashMap<>();
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < connIds.size(); i++) {
      long connId = connIds.get(i);
      if (!seen.add(connId)) {
        continue;
      }
      ConnectionTable.Entry entry = connections.get(connId);
      if (entry == null) {
        String gatewayId = i < gatewayIds.size() ? gatewayIds.get(i) : "";
        if (gatewayId.isEmpty()) {
          metrics.unknownConnection.increment();
          continue;
        }
        entry = connections.getOrCreate(connId, gatewayId);
        metrics.adopted.increment();
      }
      if (!entry.pending.containsKey(msgId)) {
        track(entry, msgId, message);
      }
      metrics.pushes.increment();
      byGateway.computeIfAbsent(entry.gatewayId, g -> new ArrayList<>()).add(connId);
    }
    updateGauges();
    List<Delivery> deliveries = new ArrayList<>(byGateway.size());
    byGateway.forEach((gateway, ids) -> deliveries.add(new Delivery(gateway, ids, message)));
    return deliveries;
  }

  /** Removes (connId, msgId) from the pending state; true if it was pending. */
  public boolean ack(long connId, long msgId) {
    ConnectionTable.Entry entry = connections.get(connId);
    if (entry == null) {
      return false;
    }
    Timeout timer = connections.removePending(entry, msgId);
    if (timer == null) {
      return false;
    }
    timer.cancel();
    store.remove(connId, msgId);
    metrics.acks.increment();
    updateGauges();
    return true;
  }

  /**
   * Handles a fired timer: if {@code timeout} is still the armed timer of (connId, msgId), counts
   * one more attempt, re-arms with backoff and returns the delivery to make; otherwise (acked,
   * detached, or superseded meanwhile) nothing. If the timer reached the lane {@code lagMs} ≥
   * {@code deferLagMs} after it fired, the attempt is counted and re-armed the same way but
   * nothing is delivered (counted as deferred).
   */
  public Optional<Delivery> retransmit(long connId, long msgId, Timeout timeout, long lagMs) {
    ConnectionTable.Entry entry = connections.get(connId);
    if (entry == null || entry.pending.get(msgId) != timeout) {
      return Optional.empty();
    }
    Optional<PushRecord> stored = store.get(connId, msgId);
    if (stored.isEmpty()) {
      metrics.droppedRecords.increment();
      forgetPending(entry, msgId);
      updateGauges();
      return Optional.empty();
    }
    PushRecord next = stored.get().nextAttempt();
    store.put(connId, msgId, next);
    arm(entry, msgId, wheel.delayAfter(next.attempts()));
    if (lagMs >= deferLagMs) {
      deferred(msgId, connId, lagMs);
      return Optional.empty();
    }
    metrics.retransmits.increment();
    return Optional.of(new Delivery(entry.gatewayId, List.of(connId), next.message()));
  }

  /** Cancels every timer; the records stay in the map for the next start. */
  public void cancelAll() {
    for (ConnectionTable.Entry entry : connections.entries()) {
      entry.pending.values().forEach(Timeout::cancel);
    }
  }

  public int connectionCount() {
    return connections.size();
  }

  public int pendingCount() {
    return connections.pendingCount();
  }

  private void track(ConnectionTable.Entry entry, long msgId, Message message) {
    if (entry.pending.size() >= connectionPendingMax) {
      countAndWarnRarely(metrics.connectionOverflow, count -> "push of msgId " + msgId + " to connId " + entry.connId
          + " delivered once without retransmit (" + count + " so far): the connection has " + entry.pending.size()
          + " unacked messages, state.pending.per.connection.max=" + connectionPendingMax);
      return;
    }
    if (connections.pendingCount() >= pendingMax) {
      overflow(entry.connId, msgId, () -> "pending state holds " + connections.pendingCount() + " of max " + pendingMax);
      return;
    }
    try {
      store.put(entry.connId, msgId, new PushRecord(entry.gatewayId, 1, message));
    } catch (RuntimeException e) {
      overflow(entry.connId, msgId, () -> "state map " + store.file() + " refused the record: " + e);
      return;
    }
    arm(entry, msgId, wheel.delayAfter(1));
  }

  private void overflow(long connId, long msgId, Supplier<String> why) {
    countAndWarnRarely(metrics.pendingOverflow, count -> "push of msgId " + msgId + " to connId " + connId
        + " delivered once without retransmit (" + count + " so far): " + why.get());
  }

  private void deferred(long msgId, long connId, long lagMs) {
    countAndWarnRarely(metrics.retransmitsDeferred, count -> "retransmit of msgId " + msgId + " to connId " + connId
        + " put off: it reached the lane " + lagMs + " ms after its timer fired (state.retransmit.defer.lag.ms="
        + deferLagMs + "); " + count + " put off so far");
  }

  /**
   * Counts one event and logs it the first time and every 1,000th after, so an overload that
   * repeats it does not flood the log; the message (given the count) is built only when logged.
   */
  private static void countAndWarnRarely(Counter counter, LongFunction<String> message) {
    counter.increment();
    long count = (long) counter.count();
    if (count == 1 || count % 1000 == 0) {
      LOG.warning(message.apply(count));
    }
  }

  private void arm(ConnectionTable.Entry entry, long msgId, long delayMs) {
    long connId = entry.connId;
    Timeout timeout = wheel.schedule(delayMs, t -> listener.fired(connId, msgId, t));
    Timeout previous = connections.putPending(entry, msgId, timeout);
    if (previous != null && previous != timeout) {
      previous.cancel();
    }
  }

  private void forgetPending(ConnectionTable.Entry entry, long msgId) {
    Timeout timer = connections.removePending(entry, msgId);
    if (timer != null) {
      timer.cancel();
    }
    store.remove(entry.connId, msgId);
  }

  private void updateGauges() {
    metrics.setGauges(connections.size(), connections.pendingCount());
  }
}
