package dev.stoa.bench.impl;

/**
 * Counters and the latency histogram of the clients of one event loop; merged into one at the
 * end of a run. Latency is recorded in microseconds, from a message's intended send time to its
 * first delivery, for messages intended inside the measured window. Not thread-safe: owned by one
 * event loop until {@link #copy()} hands a snapshot to the driver.
 */
public final class LoadStats extends LatencyAndErrors {
  /** Frames carrying a message written to the socket, over the whole run. */
  long written;
  /** Sends completed during the window: frames written (relay) or OK sendAcks received (Stoa). */
  long sentInWindow;
  /** First deliveries received during the window. */
  long deliveredInWindow;
  /** Messages written whose intended time is in the window. */
  long windowSent;
  /** Of those, delivered (same count as the histogram). */
  long windowDelivered;
  /** Of those, refused by the server (non-OK sendAck or error naming the clientMsgId). */
  long windowFailed;
  /** Open loop: scheduled slots never written (socket backed up, generator late or client closed). */
  long unsent;
  /** Deliveries of a message already delivered (retransmissions). */
  long duplicates;
  /** Pushes of the client's own messages (ignored). */
  long echoes;
  /** Stoa notify frames: the session switched to pull mode; those messages are not pulled here. */
  long notifies;
  /** A deep copy, taken on the owning event loop. */
  public LoadStats copy() {
    LoadStats c = new LoadStats();
    c.add(this);
    return c;
  }

  /** Adds {@code other} into this one. */
  public void add(LoadStats other) {
    addLatencyAndErrors(other);
    written += other.written;
    sentInWindow += other.sentInWindow;
    deliveredInWindow += other.deliveredInWindow;
    windowSent += other.windowSent;
    windowDelivered += other.windowDelivered;
    windowFailed += other.windowFailed;
    unsent += other.unsent;
    duplicates += other.duplicates;
    echoes += other.echoes;
    notifies += other.notifies;
  }

  public long written() {
    return written;
  }

  public long sentInWindow() {
    return sentInWindow;
  }

  public long deliveredInWindow() {
    return deliveredInWindow;
  }

  public long windowSent() {
    return windowSent;
  }

  public long windowDelivered() {
    return windowDelivered;
  }

  public long windowFailed() {
    return windowFailed;
  }

  public long unsent() {
    return unsent;
  }

  public long duplicates() {
    return duplicates;
  }

  public long echoes() {
    return echoes;
  }

  public long notifies() {
    return notifies;
  }
}
