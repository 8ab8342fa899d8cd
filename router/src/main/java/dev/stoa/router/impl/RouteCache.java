package dev.stoa.router.impl;

import dev.stoa.proto.internal.Route;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * This process's short-lived copy of users' routes as last read from the route map, so that the
 * two route lookups of every message need not go through Hazelcast. A copy is answered for at most
 * {@code window} after it was read; {@link #invalidate} drops a user's copy and is what keeps a
 * just-registered route visible at once (the route table runs it on every member before a
 * register completes).
 *
 * <p>A read that began before an invalidation must not put back what it read: a caller takes
 * {@link #generation} before asking the cluster and passes it to {@link #put}, which discards the
 * result if the user's generation moved meanwhile. Generations are kept per stripe of users, so an
 * invalidation of one user may also discard a concurrent read of another user of its stripe (a
 * miss, never a stale answer). At most {@code maxEntries} users are held; over that, results are
 * not kept until a sweep (every {@value #SWEEP_EVERY} puts) drops the expired ones.
 *
 * <p>Times are {@link System#nanoTime()}. Thread-safe.
 */
public final class RouteCache {
  static final int STRIPES = 1024;
  static final int SWEEP_EVERY = 4096;

  private record Entry(List<Route> routes, long readAtNanos) {}

  private final long windowNanos;
  private final int maxEntries;
  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
  private final AtomicLongArray generations = new AtomicLongArray(STRIPES);
  private final AtomicInteger putsSinceSweep = new AtomicInteger();

  public RouteCache(long windowNanos, int maxEntries) {
    if (windowNanos <= 0 || maxEntries <= 0) {
      throw new IllegalArgumentException("route cache: window and maxEntries must be positive, got "
          + windowNanos + " ns and " + maxEntries);
    }
    this.windowNanos = windowNanos;
    this.maxEntries = maxEntries;
  }

  /** The routes read for {@code userId} within the window, unfiltered, or null. */
  public List<Route> get(String userId) {
    Entry e = entries.get(userId);
    if (e == null) {
      return null;
    }
    if (System.nanoTime() - e.readAtNanos() > windowNanos) {
      entries.remove(userId, e);
      return null;
    }
    return e.routes();
  }

  /** To be taken before reading {@code userId}'s routes from the cluster; see {@link #put}. */
  public long generation(String userId) {
    return generations.get(stripe(userId));
  }

  /**
   * Keeps {@code routes}, read at {@code readAtNanos} by a read that began at {@code generation},
   * unless {@code userId} was invalidated since.
   */
  public void put(String userId, List<Route> routes, long generation, long readAtNanos) {
    if (putsSinceSweep.incrementAndGet() >= SWEEP_EVERY) {
      putsSinceSweep.set(0);
      sweep();
    }
    if (entries.size() >= maxEntries) {
      return;
    }
    int stripe = stripe(userId);
    if (generations.get(stripe) != generation) {
      return;
    }
    Entry e = new Entry(List.copyOf(routes), readAtNanos);
    entries.put(userId, e);
    // an invalidation between the check above and the put bumped the generation before removing
    if (generations.get(stripe) != generation) {
      entries.remove(userId, e);
    }
  }

  /** Drops {@code userId}'s copy and makes reads already under way not keep theirs. */
  public void invalidate(String userId) {
    generations.incrementAndGet(stripe(userId));
    entries.remove(userId);
  }

  /** Users held now (expired ones included until swept). */
  public int size() {
    return entries.size();
  }

  private void sweep() {
    long now = System.nanoTime();
    entries.values().removeIf(e -> now - e.readAtNanos() > windowNanos);
  }

  private static int stripe(String userId) {
    int h = userId.hashCode();
    return (h ^ (h >>> 16)) & (STRIPES - 1);
  }
}
