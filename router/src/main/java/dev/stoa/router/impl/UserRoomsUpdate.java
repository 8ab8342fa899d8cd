package dev.stoa.router.impl;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import java.io.Serial;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One atomic edit of a user's entry of the per-user room index: the value is the user's joined
 * (room, connection) pairs, each {@code short roomIdBytes, UTF-8 roomId, long connId, long
 * refreshedAtMillis} (big-endian). Run by Hazelcast on the key's partition thread, so that two
 * joins of one user from two state servers cannot both pass the limit. Every edit first drops the
 * pairs not refreshed within {@code ttl}; an entry left empty is deleted, any other gets an entry
 * TTL a little over {@code ttl}. A JOIN of a room the user is not in yet is refused (nothing is
 * added) when the user is in {@code maxRooms} rooms already. Returns the number of distinct rooms
 * the user is in after the edit, or {@code -(that number) - 1} if the join was refused.
 * Immutable; Java-serialised (same jar on every member).
 */
public final class UserRoomsUpdate implements EntryProcessor<String, byte[], Integer> {
  @Serial
  private static final long serialVersionUID = 1L;

  private enum Kind { JOIN, LEAVE, REFRESH, DROP_ROOM }

  private final Kind kind;
  private final String[] roomIds;
  private final long[] connIds;
  private final long now;
  private final long ttlMillis;
  private final int maxRooms;

  private UserRoomsUpdate(Kind kind, String[] roomIds, long[] connIds, long now, long ttlMillis, int maxRooms) {
    this.kind = kind;
    this.roomIds = roomIds;
    this.connIds = connIds;
    this.now = now;
    this.ttlMillis = ttlMillis;
    this.maxRooms = maxRooms;
  }

  public static UserRoomsUpdate join(String roomId, long connId, long now, long ttlMillis, int maxRooms) {
    return new UserRoomsUpdate(Kind.JOIN, new String[] {roomId}, new long[] {connId}, now, ttlMillis, maxRooms);
  }

  public static UserRoomsUpdate leave(String roomId, long connId, long now, long ttlMillis) {
    return new UserRoomsUpdate(Kind.LEAVE, new String[] {roomId}, new long[] {connId}, now, ttlMillis, 0);
  }

  /** Refreshes the given (roomIds[i], connIds[i]) pairs if present; adds none. */
  public static UserRoomsUpdate refresh(String[] roomIds, long[] connIds, long now, long ttlMillis) {
    return new UserRoomsUpdate(Kind.REFRESH, roomIds.clone(), connIds.clone(), now, ttlMillis, 0);
  }

  /** Removes every pair of {@code roomId} (the room was closed). */
  public static UserRoomsUpdate dropRoom(String roomId, long now, long ttlMillis) {
    return new UserRoomsUpdate(Kind.DROP_ROOM, new String[] {roomId}, new long[0], now, ttlMillis, 0);
  }

  @Override
  public Integer process(Map.Entry<String, byte[]> entry) {
    byte[] old = entry.getValue();
    ByteBuffer out = ByteBuffer.allocate((old == null ? 0 : old.length) + 2 + 3 * roomIdBytes() + 16);
    Set<String> rooms = new HashSet<>();
    boolean present = false;
    boolean changed = false;
    if (old != null) {
      ByteBuffer in = ByteBuffer.wrap(old);
      while (in.remaining() >= 2) {
        byte[] id = new byte[Short.toUnsignedInt(in.getShort())];
        in.get(id);
        long connId = in.getLong();
        long refreshedAt = in.getLong();
        String roomId = new String(id, StandardCharsets.UTF_8);
        if (now - refreshedAt > ttlMillis) {
          changed = true;
          continue;
        }
        int match = indexOf(roomId, connId);
        if (kind == Kind.DROP_ROOM && roomId.equals(roomIds[0])) {
          changed = true;
          continue;
        }
        if (match >= 0) {
          if (kind == Kind.LEAVE) {
            changed = true;
            continue;
          }
          present = true;
          refreshedAt = now;
          changed = true;
        }
        rooms.add(roomId);
        out.putShort((short) id.length).put(id).putLong(connId).putLong(refreshedAt);
      }
    }
    boolean refused = false;
    if (kind == Kind.JOIN && !present) {
      if (!rooms.contains(roomIds[0]) && rooms.size() >= maxRooms) {
        refused = true;
      } else {
        byte[] id = roomIds[0].getBytes(StandardCharsets.UTF_8);
        out.putShort((short) id.length).put(id).putLong(connIds[0]).putLong(now);
        rooms.add(roomIds[0]);
        changed = true;
      }
    }
    if (changed) {
      if (out.position() == 0) {
        if (old != null) {
          entry.setValue(null);
        }
      } else {
        byte[] value = new byte[out.position()];
        out.flip().get(value);
        if (entry instanceof ExtendedMapEntry<String, byte[]> extended) {
          extended.setValue(value, ttlMillis + ttlMillis / 10 + 1_000, TimeUnit.MILLISECONDS);
        } else {
          entry.setValue(value);
        }
      }
    }
    return refused ? -rooms.size() - 1 : rooms.size();
  }

  private int roomIdBytes() {
    return kind == Kind.JOIN ? roomIds[0].getBytes(StandardCharsets.UTF_8).length : 0;
  }

  /** The index of (roomId, connId) among this edit's pairs, -1 if absent (DROP_ROOM: never). */
  private int indexOf(String roomId, long connId) {
    for (int i = 0; i < connIds.length; i++) {
      if (connIds[i] == connId && roomIds[i].equals(roomId)) {
        return i;
      }
    }
    return -1;
  }
}
