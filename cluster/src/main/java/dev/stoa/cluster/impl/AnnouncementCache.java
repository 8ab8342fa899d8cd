package dev.stoa.cluster.impl;

import java.util.Collection;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * This process's copy of the service map, fed by the map's entry events ({@link #put},
 * {@link #remove}) and corrected by periodic full reads ({@link #reconcile}). An event newer than
 * the start of a full read wins over what that read saw, so a reconcile never resurrects an entry
 * removed, or drops one added, while it was reading. Reads are lock-free; thread-safe.
 */
public final class AnnouncementCache {
  private static final Logger LOG = Logger.getLogger(AnnouncementCache.class.getName());

  private record Known(Announcement announcement, long learnedAt) {}

  private final Map<String, Known> entries = new ConcurrentHashMap<>();
  private final Map<String, Long> removedAt = new ConcurrentHashMap<>();
  private final LongSupplier clock;

  /** @param clock a monotonic clock, e.g. {@code System::nanoTime} */
  public AnnouncementCache(LongSupplier clock) {
    this.clock = clock;
  }

  /** An entry event (added or updated); a malformed entry is logged and ignored. */
  public void put(String key, String value) {
    try {
      Announcement a = Announcement.parse(key, value);
      entries.put(key, new Known(a, clock.getAsLong()));
      removedAt.remove(key);
    } catch (IllegalArgumentException e) {
      LOG.warning(e.getMessage());
    }
  }

  /** An entry event (removed, evicted or expired). */
  public void remove(String key) {
    removedAt.put(key, clock.getAsLong());
    entries.remove(key);
  }

  /** Forgets every entry announced by {@code member}. */
  public void removeMember(UUID member) {
    entries.values().removeIf(k -> k.announcement().member().equals(member));
  }

  /**
   * Replaces the content with a full read of the map that began at {@code readStartedAt} (same
   * clock), keeping what events taught after that instant.
   */
  public void reconcile(Map<String, String> read, long readStartedAt) {
    for (Map.Entry<String, String> e : read.entrySet()) {
      Known current = entries.get(e.getKey());
      Long removed = removedAt.get(e.getKey());
      boolean newerEvent = (current != null && current.learnedAt() > readStartedAt)
          || (removed != null && removed > readStartedAt);
      if (!newerEvent) {
        try {
          entries.put(e.getKey(), new Known(Announcement.parse(e.getKey(), e.getValue()), readStartedAt));
        } catch (IllegalArgumentException ex) {
          LOG.warning(ex.getMessage());
        }
      }
    }
    entries.entrySet().removeIf(e -> !read.containsKey(e.getKey()) && e.getValue().learnedAt() <= readStartedAt);
    removedAt.values().removeIf(at -> at <= readStartedAt);
  }

  public Announcement get(String key) {
    Known k = entries.get(key);
    return k == null ? null : k.announcement();
  }

  public Collection<Announcement> all() {
    return entries.values().stream().map(Known::announcement).toList();
  }
}
