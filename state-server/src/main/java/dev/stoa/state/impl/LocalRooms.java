package dev.stoa.state.impl;

import dev.stoa.router.RoomTable.Membership;
import dev.stoa.state.impl.LocalRoom.Member;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The room memberships of the connections on one state server: the {@link LocalRoom}s that have
 * local members, and per connection the rooms it has joined. Invariants: a room is here exactly
 * while it has at least one member; (connection, room) is in the per-connection index exactly when
 * the connection is a member of that room; {@link #membershipCount()} is the number of such pairs.
 * Makes no calls (the router's room table is the caller's business). Not thread-safe: confined to
 * the room fan-out's context.
 */
public final class LocalRooms {
  private final int lanes;
  private final Map<String, LocalRoom> rooms = new HashMap<>();
  private final Map<Long, Map<String, Member>> byConnection = new HashMap<>();
  private int memberships;

  /** @param lanes lanes each big room is spread over */
  public LocalRooms(int lanes) {
    this.lanes = lanes;
  }

  /** The room if it has local members, else null. */
  public LocalRoom room(String roomId) {
    return rooms.get(roomId);
  }

  public boolean isMember(long connId, String roomId) {
    Map<String, Member> joined = byConnection.get(connId);
    return joined != null && joined.containsKey(roomId);
  }

  /** How many rooms {@code connId} has joined. */
  public int roomsOf(long connId) {
    Map<String, Member> joined = byConnection.get(connId);
    return joined == null ? 0 : joined.size();
  }

  /**
   * Makes {@code member} a member of {@code roomId}, creating the room with read cursor
   * {@code cursorIfNew} if it has no local member yet; a no-op if it is a member already.
   *
   * @return the room
   */
  public LocalRoom add(String roomId, long cursorIfNew, Member member) {
    LocalRoom room = rooms.computeIfAbsent(roomId, id -> new LocalRoom(id, cursorIfNew, lanes));
    if (room.add(member)) {
      byConnection.computeIfAbsent(member.connId(), c -> new LinkedHashMap<>()).put(roomId, member);
      memberships++;
    }
    return room;
  }

  /** Removes {@code connId} from {@code roomId} (dropping the room if it was the last member). */
  public Optional<Member> remove(long connId, String roomId) {
    Map<String, Member> joined = byConnection.get(connId);
    if (joined == null || joined.remove(roomId) == null) {
      return Optional.empty();
    }
    if (joined.isEmpty()) {
      byConnection.remove(connId);
    }
    memberships--;
    LocalRoom room = rooms.get(roomId);
    Member member = room.remove(connId);
    if (room.isEmpty()) {
      rooms.remove(roomId);
    }
    return Optional.of(member);
  }

  /**
   * Removes {@code connId} from every room it joined, or from none unless it joined through
   * {@code gatewayId} when that is not null (a gateway's report is only about its own connections).
   *
   * @return the memberships removed
   */
  public List<Membership> removeConnection(long connId, String gatewayId) {
    Map<String, Member> joined = byConnection.get(connId);
    if (joined == null) {
      return List.of();
    }
    if (gatewayId != null && joined.values().stream().noneMatch(m -> m.gatewayId().equals(gatewayId))) {
      return List.of();
    }
    List<Membership> removed = new ArrayList<>(joined.size());
    for (Map.Entry<String, Member> e : List.copyOf(joined.entrySet())) {
      remove(connId, e.getKey());
      removed.add(new Membership(e.getKey(), e.getValue().userId(), connId));
    }
    return removed;
  }

  /** Drops {@code roomId} and every local membership of it; returns how many there were. */
  public int removeRoom(String roomId) {
    LocalRoom room = rooms.remove(roomId);
    if (room == null) {
      return 0;
    }
    int dropped = 0;
    for (long connId : room.connIds()) {
      Map<String, Member> joined = byConnection.get(connId);
      if (joined != null && joined.remove(roomId) != null) {
        dropped++;
        if (joined.isEmpty()) {
          byConnection.remove(connId);
        }
      }
    }
    memberships -= dropped;
    return dropped;
  }

  /** The rooms with local members (a live view: copy it before changing memberships while iterating). */
  public Collection<LocalRoom> rooms() {
    return Collections.unmodifiableCollection(rooms.values());
  }

  public int roomCount() {
    return rooms.size();
  }

  public int membershipCount() {
    return memberships;
  }

  /** Every local membership, for the room table's refresh. */
  public List<Membership> memberships() {
    List<Membership> all = new ArrayList<>(memberships);
    byConnection.forEach((connId, joined) ->
        joined.forEach((roomId, m) -> all.add(new Membership(roomId, m.userId(), connId))));
    return all;
  }
}
