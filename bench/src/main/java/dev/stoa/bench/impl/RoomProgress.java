package dev.stoa.bench.impl;

import java.util.concurrent.atomic.LongAdder;

/**
 * Run-wide counters of a room load that the driver polls to know when the messages of the measured
 * window have settled: every one written is acked or refused, and every acked one has reached
 * every member. Written from every client event loop; thread-safe.
 */
public final class RoomProgress {
  /** Messages written whose intended send time is in the window. */
  public final LongAdder windowWritten = new LongAdder();
  /** Of those, answered by a sendAck (OK or not) or an error naming them. */
  public final LongAdder windowAnswered = new LongAdder();
  /** Of those, acked OK (stored). */
  public final LongAdder windowAcked = new LongAdder();
  /** First pushes of window messages, over all members. */
  public final LongAdder windowDeliveries = new LongAdder();

  /** Whether every window message is answered and every acked one delivered to all {@code members}. */
  public boolean settled(int members) {
    long acked = windowAcked.sum();
    return windowAnswered.sum() >= windowWritten.sum() && windowDeliveries.sum() >= acked * members;
  }
}
