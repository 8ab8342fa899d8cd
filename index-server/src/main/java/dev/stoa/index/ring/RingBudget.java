package dev.stoa.index.ring;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The heap budget of every {@link SessionRing} of one index server: the bytes they hold
 * ({@link SessionRing#bytes()} plus {@value SessionRing#EMPTY_RING_BYTES} per ring) and, when an
 * add takes the total above {@code maxBytes}, the least recently used rings are dropped until it is
 * at or below the low-water mark ({@code maxBytes - maxBytes / 8}, so that a drop pass runs once per
 * eighth of the budget added, not on every add). A dropped ring is rebuilt from the WAL by its owner
 * when it is read again.
 *
 * <p>Protocol with an owner (a shard leader): it calls {@link #register} when it installs a ring,
 * {@link #charge} with every byte change of a registered ring, {@link #unregister} when it removes
 * one itself, and {@link #enforce} after a charge, outside its own locks; {@link #enforce} calls the
 * owner's {@link Owner#drop} for each ring to drop, and the owner answers whether it removed it (a
 * ring removed meanwhile is skipped). Registration, charges and the owner's removal of one ring must
 * be serialized by the owner (the leader does them under its map's lock of that session).
 *
 * <p>Thread-safe: counters are atomic; one drop pass runs at a time (a thread that finds one
 * running leaves the work to it).
 */
public final class RingBudget {
  /** Who removes a ring from where it is served. */
  public interface Owner {
    /** Removes {@code ring} if it is still installed, calling {@link #unregister} then; true if it did. */
    boolean drop(SessionRing ring);
  }

  private final long maxBytes;
  private final long lowWater;
  private final AtomicLong bytes = new AtomicLong();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder rebuilt = new LongAdder();
  private final Map<SessionRing, Owner> rings = new ConcurrentHashMap<>();
  private final ReentrantLock dropping = new ReentrantLock();

  public RingBudget(long maxBytes) {
    if (maxBytes < 1) {
      throw new IllegalArgumentException("ring budget: must be >= 1 byte, got " + maxBytes);
    }
    this.maxBytes = maxBytes;
    this.lowWater = maxBytes - maxBytes / 8;
  }

  public long maxBytes() {
    return maxBytes;
  }

  /** Bytes held by every registered ring now. */
  public long bytes() {
    return bytes.get();
  }

  /** Rings registered now. */
  public int rings() {
    return rings.size();
  }

  /** Rings dropped to stay within the budget since start. */
  public long dropped() {
    return dropped.sum();
  }

  /** Rings rebuilt from the WAL since start (counted by the owners through {@link #rebuilt()}). */
  public long rebuiltCount() {
    return rebuilt.sum();
  }

  /** Counts one ring rebuilt from the WAL. */
  public void rebuilt() {
    rebuilt.increment();
  }

  public void register(SessionRing ring, Owner owner) {
    if (rings.put(ring, owner) == null) {
      bytes.addAndGet(SessionRing.EMPTY_RING_BYTES + ring.bytes());
    }
  }

  public void charge(SessionRing ring, long delta) {
    if (rings.containsKey(ring)) {
      bytes.addAndGet(delta);
    }
  }

  public void unregister(SessionRing ring) {
    if (rings.remove(ring) != null) {
      bytes.addAndGet(-(SessionRing.EMPTY_RING_BYTES + ring.bytes()));
    }
  }

  /** If over the budget, drops the least recently used rings down to the low-water mark. */
  public void enforce() {
    if (bytes.get() <= maxBytes || !dropping.tryLock()) {
      return;
    }
    try {
      if (bytes.get() <= maxBytes) {
        return;
      }
      List<Candidate> byAge = new ArrayList<>(rings.size());
      rings.forEach((ring, owner) -> byAge.add(new Candidate(ring, owner, ring.lastUsedNanos())));
      byAge.sort(Comparator.comparingLong(Candidate::lastUsedNanos));
      for (Candidate c : byAge) {
        if (bytes.get() <= lowWater) {
          break;
        }
        if (c.owner().drop(c.ring())) {
          dropped.increment();
        }
      }
    } finally {
      dropping.unlock();
    }
  }

  /** A ring with its use time read once, so that the sort sees fixed keys. */
  private record Candidate(SessionRing ring, Owner owner, long lastUsedNanos) {}
}
