package dev.stoa.router;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.stoa.common.StoaException;
import dev.stoa.cluster.internal.HazelcastFutures;
import dev.stoa.router.impl.KeyPrefix;
import dev.stoa.router.impl.RoomMembersUpdate;
import dev.stoa.router.impl.UserRoomsUpdate;
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
 * <p>Beside it, the map {@value #USERS_MAP_NAME} indexes the same memberships by user (key the
 * userId, value its (room, connection) pairs, format in {@link UserRoomsUpdate}), so that a join can
 * be refused atomically when the user is in too many rooms ({@link #join(String, String, long, int)}).
 * A join writes the user's entry first (the admission), then the room's; leaves, refreshes and
 * closes change both; an entry either write left behind by a failure ages out like any membership.
 *
 * <p>Futures complete on the caller's context and fail with {@link StoaException} (UNAVAILABLE when
 * the cluster cannot serve, BAD_REQUEST for missing ids). Construct at wiring time. Thread-safe.
 */
public final class HazelcastRoomTable implements RoomTable {
  public static final String MAP_NAME = "stoa.rooms";
  public static final String USERS_MAP_NAME = "stoa.rooms.users";

  private final IMap<String, byte[]> rooms;
  private final IMap<String, byte[]> users;
  private final Vertx vertx;
  private final long ttlMillis;
  private final Clock clock;

  public HazelcastRoomTable(HazelcastInstance hazelcast, Vertx vertx, RouterOptions options) {
    this(hazelcast, vertx, options, Clock.systemUTC());
  }

  public HazelcastRoomTable(HazelcastInstance hazelcast, Vertx vertx, RouterOptions options, Clock clock) {
    this.rooms = hazelcast.getMap(MAP_NAME);
    this.users = hazelcast.getMap(USERS_MAP_NAME);
    this.vertx = vertx;
    this.ttlMillis = options.routeTtl().toMillis();
    this.clock = clock;
  }

  static String key(String roomId, String userId) {
    return roomId + '\u0000' + userId;
  }

  @Override
  public Future<Void> join(String roomId, String userId, long connId) {
    return join(roomId, userId, connId, Integer.MAX_VALUE).mapEmpty();
  }

  @Override
  public Future<Admission> join(String roomId, String userId, long connId, int maxRoomsOfUser) {
    if (isBlank(roomId) || isBlank(userId)) {
      return Future.failedFuture(StoaException.badRequest("roomId and userId: are required for a room join of conn "
          + connId));
    }
    long now = clock.millis();
    return HazelcastFutures.adapt(vertx, () -> "room table: rooms of user '" + userId + "' at the join of conn "
        + connId + " to room '" + roomId + "'",
        users.submitToKey(userId, UserRoomsUpdate.join(roomId, connId, now, ttlMillis, maxRoomsOfUser)))
        .compose(rooms -> rooms < 0
            ? Future.succeededFuture(new Admission(false, -rooms - 1))
            : update(roomId, userId, RoomMembersUpdate.join(connId, now, ttlMillis), "join of conn " + connId)
                .map(v -> new Admission(true, rooms))
                .recover(e -> HazelcastFutures.adapt(vertx, () -> "room table: undo of a failed join",
                    users.submitToKey(userId, UserRoomsUpdate.leave(roomId, connId, now, ttlMillis)))
                    .transform(ignored -> Future.<Admission>failedFuture(e))));
  }

  @Override
  public Future<Void> leave(String roomId, String userId, long connId) {
    long now = clock.millis();
    return update(roomId, userId, RoomMembersUpdate.leave(connId, now, ttlMillis), "leave of conn " + connId)
        .compose(v -> HazelcastFutures.adapt(vertx, () -> "room table: leave of conn " + connId + " from the rooms of '"
            + userId + "'", users.submitToKey(userId, UserRoomsUpdate.leave(roomId, connId, now, ttlMillis))))
        .mapEmpty();
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
    Map<String, List<Membership>> byUser = new LinkedHashMap<>();
    for (Membership m : memberships) {
      byUser.computeIfAbsent(m.userId(), k -> new ArrayList<>()).add(m);
    }
    byUser.forEach((user, ms) -> {
      String[] roomIds = ms.stream().map(Membership::roomId).toArray(String[]::new);
      long[] connIds = ms.stream().mapToLong(Membership::connId).toArray();
      updates.add(HazelcastFutures.adapt(vertx, () -> "room table: refresh of the rooms of '" + user + "'",
          users.submitToKey(user, UserRoomsUpdate.refresh(roomIds, connIds, now, ttlMillis))).map(n -> null));
    });
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
      java.util.Set<String> keys = rooms.keySet(ofRoom);
      rooms.removeAll(ofRoom);
      java.util.Set<String> members = new java.util.HashSet<>();
      for (String key : keys) {
        members.add(key.substring(roomId.length() + 1));
      }
      if (!members.isEmpty()) {
        users.executeOnKeys(members, UserRoomsUpdate.dropRoom(roomId, clock.millis(), ttlMillis));
      }
      return members.size();
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
