package dev.stoa.router;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.stoa.common.StoaException;
import dev.stoa.router.impl.HazelcastFutures;
import dev.stoa.router.impl.KeyPrefix;
import dev.stoa.router.impl.RoomMembersUpdate;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link RoomTable} in the Hazelcast map {@value #MAP_NAME}: key {@code <roomId> NUL <userId>}
 * (ids cannot hold NUL), value the user's joined connections with their refresh times (format in
 * {@link RoomMembersUpdate}). Every change is one entry processor on the key's partition; a
 * membership older than {@link RouterOptions#routeTtl()} is dropped on every update and ignored
 * by {@link #isMember}. {@link #close} removes the room's entries with a key-prefix predicate,
 * evaluated where the entries live.
 *
 * <p>Futures complete on the caller's context and fail with {@link StoaException} (UNAVAILABLE when
 * the cluster cannot serve, BAD_REQUEST for missing ids). Construct at wiring time. Thread-safe.
 */
public final class HazelcastRoomTable implements RoomTable {
  public static final String MAP_NAME = "stoa.rooms";

  private final IMap<String, byte[]> rooms;
  private final Vertx vertx;
  private final long ttlMillis;
  private final Clock clock;

  public HazelcastRoomTable(HazelcastInstance hazelcast, Vertx vertx, RouterOptions options) {
    this(hazelcast, vertx, options, Clock.systemUTC());
  }

  public HazelcastRoomTable(HazelcastInstance hazelcast, Vertx vertx, RouterOptions options, Clock clock) {
    this.rooms = hazelcast.getMap(MAP_NAME);
    this.vertx = vertx;
    this.ttlMillis = options.routeTtl().toMillis();
    this.clock = clock;
  }

  static String key(String roomId, String userId) {
    return roomId + '\u0000' + userId;
  }

  @Override
  public Future<Void> join(String roomId, String userId, long connId) {
    return update(roomId, userId, RoomMembersUpdate.join(connId, clock.millis(), ttlMillis),
        "join of conn " + connId);
  }

  @Override
  public Future<Void> leave(String roomId, String userId, long connId) {
    return update(roomId, userId, RoomMembersUpdate.leave(connId, clock.millis(), ttlMillis),
        "leave of conn " + connId);
  }

  @Override
  public Future<Void> refresh(Collection<Membership> memberships) {
    Map<String, List<Long>> byKey = new LinkedHashMap<>();
    for (Membership m : memberships) {
      if (isBlank(m.roomId()) || isBlank(m.userId())) {
        return Future.failedFuture(StoaException.badRequest("membership: roomId and userId are required, got "
            + m));
      }
      byKey.computeIfAbsent(key(m.roomId(), m.userId()), k -> new ArrayList<>()).add(m.connId());
    }
    long now = clock.millis();
    List<Future<Object>> updates = new ArrayList<>(byKey.size());
    for (Map.Entry<String, List<Long>> e : byKey.entrySet()) {
      long[] ids = e.getValue().stream().mapToLong(Long::longValue).toArray();
      updates.add(HazelcastFutures.adapt(vertx, () -> "room table: refresh of " + ids.length + " membership(s)",
          rooms.submitToKey(e.getKey(), RoomMembersUpdate.refresh(ids, now, ttlMillis))).map(n -> null));
    }
    return Future.all(updates).mapEmpty();
  }

  @Override
  public Future<Boolean> isMember(String roomId, String userId) {
    if (isBlank(roomId) || isBlank(userId)) {
      return Future.failedFuture(StoaException.badRequest("roomId and userId: are required to check a membership"));
    }
    return HazelcastFutures.adapt(vertx, () -> "room table: membership of user '" + userId + "' in room '" + roomId + "'",
        rooms.getAsync(key(roomId, userId)))
        .map(value -> RoomMembersUpdate.anyLive(value, clock.millis(), ttlMillis));
  }

  @Override
  public Future<Integer> close(String roomId) {
    if (isBlank(roomId)) {
      return Future.failedFuture(StoaException.badRequest("roomId: is required to close a room"));
    }
    KeyPrefix ofRoom = new KeyPrefix(roomId + '\u0000');
    return HazelcastFutures.blocking(vertx, "room table: close of room '" + roomId + "'", () -> {
      int members = rooms.keySet(ofRoom).size();
      rooms.removeAll(ofRoom);
      return members;
    });
  }

  private Future<Void> update(String roomId, String userId, RoomMembersUpdate update, String what) {
    if (isBlank(roomId) || isBlank(userId)) {
      return Future.failedFuture(StoaException.badRequest("roomId and userId: are required for a room " + what));
    }
    return HazelcastFutures.adapt(vertx, () -> "room table: " + what + " of user '" + userId + "' in room '" + roomId + "'",
        rooms.submitToKey(key(roomId, userId), update)).mapEmpty();
  }

  private static boolean isBlank(String s) {
    return s == null || s.isEmpty();
  }
}
