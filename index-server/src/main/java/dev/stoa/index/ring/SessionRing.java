package dev.stoa.index.ring;

import dev.stoa.proto.client.Message;
import java.util.ArrayList;
import java.util.List;

/**
 * The newest messages of one session, in seq order, for range reads (DESIGN.md §4 "ring
 * buffers"), bounded by count ({@code capacity}) and by heap bytes ({@code maxBytes}, as
 * {@link #bytesOf} estimates them). Messages are added in strictly increasing seq; seqs need not be
 * consecutive (a gap is kept as a gap). After each add the oldest are dropped while more than
 * {@code capacity} are held or, unless only the newest is left, while they take more than
 * {@code maxBytes}: the ring always holds the longest run of newest messages that fits both bounds
 * (so a ring rebuilt newest-first under the same bounds holds the same messages).
 *
 * <p>Layout: parallel arrays of seq and message indexed by a monotonically increasing position
 * modulo the array length; the arrays start small and double up to {@code capacity}, so an almost
 * empty ring costs little. A read binary-searches the first seq above {@code afterSeq} among the
 * retained positions, then copies forward. Reads and adds are guarded by one monitor: a read of 50
 * messages holds it for the copy only. {@link #lastUsedNanos()} is the time of the last add or read,
 * for the {@link RingBudget}'s least-recently-used choice. Thread-safe.
 */
public final class SessionRing {
  /** Heap bytes counted per message besides its serialized bytes: object headers, slot arrays. */
  public static final int MESSAGE_OVERHEAD_BYTES = 272;
  /** Heap bytes counted for an empty ring: the ring, its arrays at their first size, map entries. */
  public static final int EMPTY_RING_BYTES = 512;
  private static final int INITIAL_SLOTS = 16;

  private final String sessionId;
  private final int capacity;
  private final long maxBytes;
  private long[] seqs;
  private Message[] messages;
  /** Position of the oldest retained message; {@code head - tail} is the count. */
  private long tail;
  private long head;
  private long bytes;
  private volatile long lastUsedNanos = System.nanoTime();

  /** A ring bounded by count only. */
  public SessionRing(int capacity) {
    this("", capacity, Long.MAX_VALUE);
  }

  /**
   * @param sessionId the session whose messages this holds (for messages and the budget)
   * @param capacity most messages held, at least 1
   * @param maxBytes most heap bytes ({@link #bytesOf}) held, unless a single message is larger
   */
  public SessionRing(String sessionId, int capacity, long maxBytes) {
    if (capacity < 1) {
      throw new IllegalArgumentException("ring capacity: must be >= 1, got " + capacity);
    }
    if (maxBytes < 1) {
      throw new IllegalArgumentException("ring max bytes: must be >= 1, got " + maxBytes);
    }
    this.sessionId = sessionId;
    this.capacity = capacity;
    this.maxBytes = maxBytes;
    int slots = Math.min(capacity, INITIAL_SLOTS);
    this.seqs = new long[slots];
    this.messages = new Message[slots];
  }

  /**
   * The heap bytes counted for {@code message}: twice its serialized size (a Java string holds at
   * most two bytes per UTF-8 byte) plus {@value #MESSAGE_OVERHEAD_BYTES}. An estimate that is an
   * upper bound for the messages the index server builds; a pure function of the message.
   */
  public static long bytesOf(Message message) {
    return 2L * message.getSerializedSize() + MESSAGE_OVERHEAD_BYTES;
  }

  public String sessionId() {
    return sessionId;
  }

  public int capacity() {
    return capacity;
  }

  public long maxBytes() {
    return maxBytes;
  }

  /**
   * Appends {@code message}; its seq must be above the newest one's.
   *
   * @return the change of {@link #bytes()} (the message's bytes less those of the messages dropped)
   * @throws IllegalArgumentException naming both seqs if it is not
   */
  public synchronized long add(Message message) {
    long seq = message.getSeq();
    if (head > tail && seq <= seqs[slot(head - 1)]) {
      throw new IllegalArgumentException("ring of " + message.getSessionId() + ": seq " + seq
          + " is not above the newest seq " + seqs[slot(head - 1)]);
    }
    long before = bytes;
    if (head - tail == seqs.length && seqs.length < capacity) {
      grow();
    }
    if (head - tail == capacity) {
      dropOldest();
    }
    int s = slot(head);
    seqs[s] = seq;
    messages[s] = message;
    head++;
    bytes += bytesOf(message);
    while (bytes > maxBytes && head - tail > 1) {
      dropOldest();
    }
    lastUsedNanos = System.nanoTime();
    return bytes - before;
  }

  /** Up to {@code limit} messages with seq above {@code afterSeq}, ascending. */
  public synchronized List<Message> read(long afterSeq, int limit) {
    lastUsedNanos = System.nanoTime();
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

  /** The heap bytes ({@link #bytesOf}) of the messages held. */
  public synchronized long bytes() {
    return bytes;
  }

  /** {@link System#nanoTime()} of the last add or read. */
  public long lastUsedNanos() {
    return lastUsedNanos;
  }

  private void dropOldest() {
    int s = slot(tail);
    bytes -= bytesOf(messages[s]);
    messages[s] = null;
    tail++;
  }

  /** Doubles the arrays (up to capacity), laying the held messages out from slot 0. */
  private void grow() {
    int n = (int) (head - tail);
    int size = (int) Math.min(capacity, 2L * seqs.length);
    long[] s2 = new long[size];
    Message[] m2 = new Message[size];
    for (int i = 0; i < n; i++) {
      s2[i] = seqs[slot(tail + i)];
      m2[i] = messages[slot(tail + i)];
    }
    seqs = s2;
    messages = m2;
    tail = 0;
    head = n;
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
    return (int) (position % seqs.length);
  }
}
