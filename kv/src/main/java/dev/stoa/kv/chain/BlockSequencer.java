package dev.stoa.kv.chain;

import dev.stoa.kv.KvStore;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Hands out 1, 2, 3, ... for one head key (a session's seq, a user's userSeq), allocating them in
 * blocks of {@code blockSize} by compare-and-set on the head key (DESIGN.md §4). The head value is
 * the 8-byte big-endian upper bound (inclusive) of the last allocated block; absent means 0. A
 * number is handed out only from a block whose allocation is durable, so a new sequencer on the
 * same key (a restart, or another process taking over) starts after every block ever allocated:
 * it jumps forward and never reuses a number. Numbers left in a block when the process dies are
 * skipped; that is the legal seq gap after a sequencer failover.
 *
 * <p>Two live sequencers on one key never hand out the same number (each block is won by exactly
 * one CAS), but the numbers are then interleaved, not increasing across both: one owner per key
 * is the writer's job. Thread-safe; {@link #next()} blocks on the store when a block runs out.
 */
public final class BlockSequencer {
  /** CAS attempts in one allocation before giving up (each loss means another owner advanced). */
  static final int MAX_CAS_ATTEMPTS = 1000;

  private final KvStore store;
  private final byte[] headKey;
  private final int blockSize;
  private final ReentrantLock lock = new ReentrantLock();
  private long current;
  private long limit;

  public BlockSequencer(KvStore store, byte[] headKey, int blockSize) {
    if (store == null) {
      throw new IllegalArgumentException("store must not be null");
    }
    if (headKey == null || headKey.length == 0) {
      throw new IllegalArgumentException("headKey must be non-empty");
    }
    if (blockSize < 1) {
      throw new IllegalArgumentException("blockSize: must be >= 1, got " + blockSize);
    }
    this.store = store;
    this.headKey = headKey.clone();
    this.blockSize = blockSize;
  }

  /** The next number: greater than every number this instance returned before. */
  public long next() {
    lock.lock();
    try {
      if (current >= limit) {
        allocate();
      }
      return ++current;
    } finally {
      lock.unlock();
    }
  }

  /** The upper bound of the block this instance holds (0 before the first allocation). */
  public long peekAllocatedLimit() {
    lock.lock();
    try {
      return limit;
    } finally {
      lock.unlock();
    }
  }

  private void allocate() {
    for (int attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      byte[] old = store.get(headKey);
      long base = old == null ? 0 : decode(old);
      if (base > Long.MAX_VALUE - blockSize) {
        throw new IllegalStateException("sequencer head " + describeKey() + " is at " + base
            + ", no room for a block of " + blockSize);
      }
      long upper = base + blockSize;
      if (store.compareAndSet(headKey, old, encode(upper))) {
        current = base;
        limit = upper;
        return;
      }
    }
    throw new IllegalStateException("sequencer head " + describeKey() + ": lost "
        + MAX_CAS_ATTEMPTS + " compare-and-set races in a row");
  }

  private long decode(byte[] value) {
    if (value.length != 8) {
      throw new IllegalStateException("sequencer head " + describeKey() + ": expected 8 bytes, got "
          + value.length);
    }
    long v = 0;
    for (byte b : value) {
      v = (v << 8) | (b & 0xFF);
    }
    if (v < 0) {
      throw new IllegalStateException("sequencer head " + describeKey() + ": negative limit " + v);
    }
    return v;
  }

  static byte[] encode(long v) {
    byte[] out = new byte[8];
    for (int i = 0; i < 8; i++) {
      out[i] = (byte) (v >>> (56 - 8 * i));
    }
    return out;
  }

  private String describeKey() {
    return "'" + new String(headKey, java.nio.charset.StandardCharsets.UTF_8) + "' ("
        + headKey.length + " bytes)";
  }
}
