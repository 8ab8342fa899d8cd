package dev.stoa.index.ring;

import dev.stoa.proto.client.Message;
import java.util.ArrayList;
import java.util.List;

/**
 * The newest {@code capacity} messages of one session, in seq order, for range reads
 * (DESIGN.md §4 "ring buffers"). Messages are added in strictly increasing seq; seqs need not be
 * consecutive (a gap is kept as a gap). When full, adding drops the oldest.
 *
 * <p>Layout: parallel arrays of seq and message indexed by a monotonically increasing position
 * modulo capacity; a read binary-searches the first seq above {@code afterSeq} among the retained
 * positions, then copies forward. Reads and adds are guarded by one monitor: a read of 50 messages
 * holds it for the copy only. Thread-safe.
 */
public final class SessionRing {
  private final int capacity;
  private final long[] seqs;
  private final Message[] messages;
  /** Position of the oldest retained message; {@code head - tail} is the count. */
  private long tail;
  private long head;

  public SessionRing(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("ring capacity: must be >= 1, got " + capacity);
    }
    this.capacity = capacity;
    this.seqs = new long[capacity];
    this.messages = new Message[capacity];
  }

  public int capacity() {
    return capacity;
  }

  /**
   * Appends {@code message}; its seq must be above the newest one's.
   *
   * @throws IllegalArgumentException naming both seqs if it is not
   */
  public synchronized void add(Message message) {
    long seq = message.getSeq();
    if (head > tail && seq <= seqs[slot(head - 1)]) {
      throw new IllegalArgumentException("ring of " + message.getSessionId() + ": seq " + seq
          + " is not above the newest seq " + seqs[slot(head - 1)]);
    }
    if (head - tail == capacity) {
      messages[slot(tail)] = null;
      tail++;
    }
    int s = slot(head);
    seqs[s] = seq;
    messages[s] = message;
    head++;
  }

  /** Up to {@code limit} messages with seq above {@code afterSeq}, ascending. */
  public synchronized List<Message> read(long afterSeq, int limit) {
    long from = firstAbove(afterSeq);
    int n = (int) Math.min(limit, head - from);
    if (n <= 0) {
      return List.of();
    }
    List<Message> out = new ArrayList<>(n);
    for (long p = from; p < from + n; p++) {
      out.add(messages[slot(p)]);
    }
    return out;
  }

  /** True if a message with seq above {@code afterSeq} is held after the first {@code n} returned by a read. */
  public synchronized boolean hasMoreAfter(long afterSeq, int n) {
    return head - firstAbove(afterSeq) > n;
  }

  /** The newest seq held, 0 if empty. */
  public synchronized long newestSeq() {
    return head > tail ? seqs[slot(head - 1)] : 0;
  }

  /** The oldest seq held, 0 if empty. */
  public synchronized long oldestSeq() {
    return head > tail ? seqs[slot(tail)] : 0;
  }

  public synchronized int size() {
    return (int) (head - tail);
  }

  /** Position of the first retained message with seq above {@code afterSeq} ({@code head} if none). */
  private long firstAbove(long afterSeq) {
    long lo = tail;
    long hi = head;
    while (lo < hi) {
      long mid = (lo + hi) >>> 1;
      if (seqs[slot(mid)] <= afterSeq) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private int slot(long position) {
    return (int) (position % capacity);
  }
}
