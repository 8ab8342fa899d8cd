package dev.stoa.router;

import io.vertx.core.Future;
import java.util.Collection;

/**
 * Room membership for authorisation (DESIGN.md §2 "session -> members"): which connections of
 * which users have joined a room. Written by the state server that owns a connection when it
 * joins or leaves (and refreshed by it while the connection stays); read by writers and readers to
 * check that a user may send to or pull a room ("rooms it has joined", PROTOCOL.md). A membership
 * not refreshed within the route TTL disappears, so the memberships of a crashed state server age
 * out. Fan-out does not read this table: each state server knows its own members.
 *
 * <p>Futures complete on the calling context; implementations never block an event loop.
 * Thread-safe.
 */
public interface RoomTable {

  /** Adds connection {@code connId} of {@code userId} to {@code roomId}; joining twice is a no-op. */
  Future<Void> join(String roomId, String userId, long connId);

  /**
   * Adds connection {@code connId} of {@code userId} to {@code roomId} unless the user is in
   * {@code maxRoomsOfUser} other rooms already (over all its connections, cluster-wide; a room it is
   * in already does not count twice). The check and the add are one atomic step.
   * Implementations that cannot count a user's rooms (test doubles) admit every join.
   */
  default Future<Admission> join(String roomId, String userId, long connId, int maxRoomsOfUser) {
    return join(roomId, userId, connId).map(v -> new Admission(true, 0));
  }

  /** Removes connection {@code connId} of {@code userId} from {@code roomId}; succeeds if it was not in. */
  Future<Void> leave(String roomId, String userId, long connId);

  /** Marks the given memberships alive now. */
  Future<Void> refresh(Collection<Membership> memberships);

  /** True if at least one live connection of {@code userId} has joined {@code roomId}. */
  Future<Boolean> isMember(String roomId, String userId);

  /** Drops every membership of {@code roomId}; returns how many users were members. */
  Future<Integer> close(String roomId);

  /** What a limited join found: admitted or not, and the rooms the user is in after it (0: not counted). */
  record Admission(boolean admitted, int roomsOfUser) {}

  /** One connection's membership in a room. */
  record Membership(String roomId, String userId, long connId) {}
}
