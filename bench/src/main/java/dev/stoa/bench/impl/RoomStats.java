package dev.stoa.bench.impl;

/**
 * Counters and the publish-to-deliver latency histogram of the room members of one event loop;
 * merged into one at the end of a run. Latency is in microseconds, from a message's intended send
 * time (in its body) to its first push at a member, for messages intended inside the measured
 * window; every member's push is one sample. Not thread-safe: owned by one event loop until
 * {@link #copy()} hands a snapshot to the driver.
 */
public final class RoomStats extends LatencyAndErrors {
  /** Send frames written by publishers over the whole run. */
  long written;
  /** Of those, intended in the window. */
  long windowWritten;
  /** Window messages acked OK. */
  long windowAcked;
  /** Window messages refused (non-OK sendAck or an error naming them). */
  long windowRefused;
  /** OK sendAcks received during the window. */
  long ackedInWindow;
  /** Highest seq an OK sendAck carried. */
  long maxAckedSeq;
  /** Open loop: scheduled slots never written (socket backed up, generator late, publisher closed). */
  long unsent;
  /** First pushes of any message, over the whole run. */
  long deliveries;
  /** First pushes received during the window. */
  long deliveriesInWindow;
  /** First pushes of messages intended in the window (same count as the histogram). */
  long windowDeliveries;
  /** Pushes of a seq the member already had. */
  long duplicates;
  /** First pushes with a seq below one the member already had. */
  long outOfOrder;
  /** Seqs jumped over on arrival (seq above last + 1); filled later if they arrive out of order. */
  long gapSeqs;
  /** Members whose pushes were exactly seq 1..maxAckedSeq (fresh room) in order; set by the driver. */
  long completeMembers;
  /** Notify frames (the room switched to pull mode; those messages are not pulled here). */
  long notifies;
  /** Kick frames (e.g. slow consumer). */
  long kicks;
  /** A deep copy, taken on the owning event loop. */
  public RoomStats copy() {
    RoomStats c = new RoomStats();
    c.add(this);
    return c;
  }

  /** Adds {@code other} into this one ({@code maxAckedSeq} is the larger of both). */
  public void add(RoomStats other) {
    addLatencyAndErrors(other);
    written += other.written;
    windowWritten += other.windowWritten;
    windowAcked += other.windowAcked;
    windowRefused += other.windowRefused;
    ackedInWindow += other.ackedInWindow;
    maxAckedSeq = Math.max(maxAckedSeq, other.maxAckedSeq);
    unsent += other.unsent;
    deliveries += other.deliveries;
    deliveriesInWindow += other.deliveriesInWindow;
    windowDeliveries += other.windowDeliveries;
    duplicates += other.duplicates;
    outOfOrder += other.outOfOrder;
    gapSeqs += other.gapSeqs;
    completeMembers += other.completeMembers;
    notifies += other.notifies;
    kicks += other.kicks;
  }

  public long written() {
    return written;
  }

  public long windowWritten() {
    return windowWritten;
  }

  public long windowAcked() {
    return windowAcked;
  }

  public long windowRefused() {
    return windowRefused;
  }

  public long ackedInWindow() {
    return ackedInWindow;
  }

  public long maxAckedSeq() {
    return maxAckedSeq;
  }

  public long unsent() {
    return unsent;
  }

  public long deliveries() {
    return deliveries;
  }

  public long deliveriesInWindow() {
    return deliveriesInWindow;
  }

  public long windowDeliveries() {
    return windowDeliveries;
  }

  public long duplicates() {
    return duplicates;
  }

  public long outOfOrder() {
    return outOfOrder;
  }

  public long gapSeqs() {
    return gapSeqs;
  }

  public long completeMembers() {
    return completeMembers;
  }

  public long notifies() {
    return notifies;
  }

  public long kicks() {
    return kicks;
  }
}
