package dev.stoa.state.impl;

import io.netty.util.Timeout;
import java.util.HashMap;
import java.util.Map;

/**
 * The connections a state server knows, each with the gateway holding it and the retransmit timer
 * of each of its unacked messages (msgId -> timer). Invariant: {@link #pendingCount} is the sum of
 * the sizes of every entry's pending map. Not thread-safe: confined to the state server's lane.
 */
final class ConnectionTable {

  /** One known connection. */
  static final class Entry {
    final long connId;
    String gatewayId;
    final Map<Long, Timeout> pending = new HashMap<>();

    Entry(long connId, String gatewayId) {
      this.connId = connId;
      this.gatewayId = gatewayId;
    }
  }

  private final Map<Long, Entry> byId = new HashMap<>();
  private int pendingCount;

  Entry get(long connId) {
    return byId.get(connId);
  }

  /** The entry of {@code connId}, created on {@code gatewayId} if new; an existing one is returned as is. */
  Entry getOrCreate(long connId, String gatewayId) {
    return byId.computeIfAbsent(connId, id -> new Entry(id, gatewayId));
  }

  /** Removes and returns the entry (null if unknown); its timers are the caller's to cancel. */
  Entry remove(long connId) {
    Entry entry = byId.remove(connId);
    if (entry != null) {
      pendingCount -= entry.pending.size();
    }
    return entry;
  }

  /** Sets the timer of (entry, msgId), returning the one it replaces (null if the message is new). */
  Timeout putPending(Entry entry, long msgId, Timeout timer) {
    Timeout previous = entry.pending.put(msgId, timer);
    if (previous == null) {
      pendingCount++;
    }
    return previous;
  }

  /** Removes the timer of (entry, msgId); null if that message was not pending. */
  Timeout removePending(Entry entry, long msgId) {
    Timeout removed = entry.pending.remove(msgId);
    if (removed != null) {
      pendingCount--;
    }
    return removed;
  }

  Iterable<Entry> entries() {
    return byId.values();
  }

  int size() {
    return byId.size();
  }

  int pendingCount() {
    return pendingCount;
  }
}
