package dev.stoa.sdk.impl;

import java.util.Iterator;
import java.util.LinkedHashSet;

/**
 * The msgIds most recently delivered to the app, bounded to {@code capacity} entries (the oldest is
 * forgotten first). Backs duplicate detection across retransmitted pushes, gap pulls and syncs; the
 * per-session "seq at or below the last delivered seq" rule covers what falls out of the window. Not
 * thread-safe: owned by one {@link Inbox}.
 */
final class MsgIdWindow {
  private final int capacity;
  private final LinkedHashSet<Long> ids = new LinkedHashSet<>();

  MsgIdWindow(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("msgId window capacity must be >= 1, got " + capacity);
    }
    this.capacity = capacity;
  }

  boolean contains(long msgId) {
    return ids.contains(msgId);
  }

  void add(long msgId) {
    if (ids.add(msgId) && ids.size() > capacity) {
      Iterator<Long> oldest = ids.iterator();
      oldest.next();
      oldest.remove();
    }
  }

  int size() {
    return ids.size();
  }
}
