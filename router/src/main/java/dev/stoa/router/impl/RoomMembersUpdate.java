package dev.stoa.router.impl;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import java.io.Serial;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One atomic edit of a (room, user) entry of the room map: the value is the user's joined
 * connections, as pairs of big-endian longs {@code (connId, refreshedAtMillis)}. Run by Hazelcast
 * on the key's partition thread, so joins and leaves of one user from several state servers never
 * lose each other. Every edit first drops the connections not refreshed within {@code ttl}; an
 * entry left empty is deleted, any other gets an entry TTL a little over {@code ttl}. {@code now}
 * is taken by the caller so primary and backup compute the same value. Returns the number of live
 * connections after the edit. Immutable; Java-serialised (same jar on every member).
 */
public final class RoomMembersUpdate implements EntryProcessor<String, byte[], Integer> {
  @Serial
  private static final long serialVersionUID = 1L;
  private static final int PAIR = 16;

  private enum Kind { JOIN, LEAVE, REFRESH }

  private final Kind kind;
  private final long[] connIds;
  private final long now;
  private final long ttlMillis;

  private RoomMembersUpdate(Kind kind, long[] connIds, long now, long ttlMillis) {
    this.kind = kind;
    this.connIds = connIds;
    this.now = now;
    this.ttlMillis = ttlMillis;
  }

  public static RoomMembersUpdate join(long connId, long now, long ttlMillis) {
    return new RoomMembersUpdate(Kind.JOIN, new long[] {connId}, now, ttlMillis);
  }

  public static RoomMembersUpdate leave(long connId, long now, long ttlMillis) {
    return new RoomMembersUpdate(Kind.LEAVE, new long[] {connId}, now, ttlMillis);
  }

  /** Refreshes the given connections if they are members; adds none. */
  public static RoomMembersUpdate refresh(long[] connIds, long now, long ttlMillis) {
    return new RoomMembersUpdate(Kind.REFRESH, connIds.clone(), now, ttlMillis);
  }

  /** True if {@code value} holds a connection refreshed within {@code ttlMillis} of {@code now}. */
  public static boolean anyLive(byte[] value, long now, long ttlMillis) {
    if (value == null) {
      return false;
    }
    ByteBuffer in = ByteBuffer.wrap(value);
    while (in.remaining() >= PAIR) {
      in.getLong();
      if (now - in.getLong() <= ttlMillis) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Integer process(Map.Entry<String, byte[]> entry) {
    byte[] old = entry.getValue();
    int oldPairs = old == null ? 0 : old.length / PAIR;
    ByteBuffer out = ByteBuffer.allocate((oldPairs + 1) * PAIR);
    boolean present = false;
    if (old != null) {
      ByteBuffer in = ByteBuffer.wrap(old);
      while (in.remaining() >= PAIR) {
        long connId = in.getLong();
        long refreshedAt = in.getLong();
        if (now - refreshedAt > ttlMillis) {
          continue;
        }
        if (contains(connIds, connId)) {
          if (kind == Kind.LEAVE) {
            continue;
          }
          present = true;
          refreshedAt = now;
        }
        out.putLong(connId).putLong(refreshedAt);
      }
    }
    if (kind == Kind.JOIN && !present) {
      out.putLong(connIds[0]).putLong(now);
    }
    int live = out.position() / PAIR;
    if (live == 0) {
      if (old != null) {
        entry.setValue(null);
      }
      return 0;
    }
    byte[] value = new byte[out.position()];
    out.flip().get(value);
    if (entry instanceof ExtendedMapEntry<String, byte[]> extended) {
      extended.setValue(value, ttlMillis + ttlMillis / 10 + 1_000, TimeUnit.MILLISECONDS);
    } else {
      entry.setValue(value);
    }
    return live;
  }

  private static boolean contains(long[] ids, long id) {
    for (long x : ids) {
      if (x == id) {
        return true;
      }
    }
    return false;
  }
}
