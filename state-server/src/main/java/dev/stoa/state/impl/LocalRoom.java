package dev.stoa.state.impl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One room as one state server sees it: its local members spread over fan-out lanes, and the
 * state of its poll (read cursor, the read in flight).
 *
 * <p>Lane rule: a room of fewer than {@value #SPREAD_AT} members keeps them all in one lane; when
 * it reaches {@value #SPREAD_AT} they are spread over all {@code lanes} lanes by
 * {@link #laneOf(long, int)}, and gathered into one lane again when it falls below
 * {@value #GATHER_BELOW} (the gap keeps a room near the threshold from re-spreading on every
 * join and leave). Within a lane members are grouped by gateway; {@link #targets()} lists, per
 * lane that has members, one {@link Target} per gateway, so one message costs at most one deliver
 * call per (lane, gateway).
 *
 * <p>Poll state: {@link #cursor()} is the last seq fanned out (or the room's newest seq when the
 * first local member joined). At most one read is in flight: {@link #beginRead} starts one and
 * returns its generation, {@link #endRead} accepts only the answer of the current one, so a read
 * abandoned as overdue is ignored when it finally answers.
 *
 * <p>Not thread-safe: confined to the room fan-out's context.
 */
public final class LocalRoom {
  /** A room with at least this many members is spread over all lanes. */
  public static final int SPREAD_AT = 64;
  /** A spread room with fewer members than this is gathered into one lane again. */
  public static final int GATHER_BELOW = 32;

  /** A local member: connection {@code connId} of {@code userId}, held by gateway {@code gatewayId}. */
  public record Member(long connId, String userId, String gatewayId) {}

  /** The members of one lane held by one gateway: one deliver call per message. */
  public record Target(String gatewayId, List<Long> connIds) {
    public Target {
      connIds = List.copyOf(connIds);
    }
  }

  private final String roomId;
  private final String sessionId;
  private final int lanes;
  private final Map<Long, Member> members = new LinkedHashMap<>();
  private Lane[] byLane = new Lane[1];
  private int lanesWithMembers;
  private long cursor;
  private boolean reading;
  private long readGeneration;
  private long readStartedNanos;

  /**
   * @param cursor the seq after which messages are fanned out (the room's newest seq at first join)
   * @param lanes lanes a big room is spread over, at least 1
   */
  public LocalRoom(String roomId, long cursor, int lanes) {
    if (lanes < 1) {
      throw new IllegalArgumentException("lanes: must be at least 1, got " + lanes);
    }
    this.roomId = roomId;
    this.sessionId = "room:" + roomId;
    this.cursor = cursor;
    this.lanes = lanes;
  }

  /**
   * The lane of {@code connId} among {@code lanes}: a 64-bit mix (MurmurHash3's finalizer) of the
   * id modulo the lane count, independent of the golden-ratio hash that places connections on
   * state servers, so the connections of one state server still cover every lane.
   */
  public static int laneOf(long connId, int lanes) {
    long h = connId;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return (int) Math.floorMod(h, (long) lanes);
  }

  public String roomId() {
    return roomId;
  }

  /** {@code room:<roomId>}. */
  public String sessionId() {
    return sessionId;
  }

  /** Adds {@code member}; false (and nothing changes) if its connection is a member already. */
  public boolean add(Member member) {
    if (members.putIfAbsent(member.connId(), member) != null) {
      return false;
    }
    if (byLane.length == 1 && lanes > 1 && members.size() >= SPREAD_AT) {
      relayout(lanes);
    } else {
      place(member);
    }
    return true;
  }

  /** Removes the member of {@code connId}; returns it, or null if it was not a member. */
  public Member remove(long connId) {
    Member member = members.remove(connId);
    if (member == null) {
      return null;
    }
    if (byLane.length > 1 && members.size() < GATHER_BELOW) {
      relayout(1);
    } else {
      unplace(member);
    }
    return member;
  }

  public Member member(long connId) {
    return members.get(connId);
  }

  /** The members' connection ids, a copy. */
  public List<Long> connIds() {
    return List.copyOf(members.keySet());
  }

  public int size() {
    return members.size();
  }

  public boolean isEmpty() {
    return members.isEmpty();
  }

  /** 1 for a small room, {@code lanes} once spread. */
  public int laneCount() {
    return byLane.length;
  }

  public int lanesWithMembers() {
    return lanesWithMembers;
  }

  /** Per lane that has members, its members grouped by gateway; lists that stay valid after later changes. */
  public List<List<Target>> targets() {
    List<List<Target>> targets = new ArrayList<>(lanesWithMembers);
    for (Lane lane : byLane) {
      if (lane != null) {
        targets.add(lane.targets());
      }
    }
    return targets;
  }

  public long cursor() {
    return cursor;
  }

  public void cursor(long seq) {
    cursor = seq;
  }

  public boolean reading() {
    return reading;
  }

  /** Marks a read in flight (replacing any abandoned one) and returns its generation. */
  public long beginRead(long nowNanos) {
    reading = true;
    readStartedNanos = nowNanos;
    return ++readGeneration;
  }

  /** True (and no read is in flight any more) if {@code generation} is the read in flight. */
  public boolean endRead(long generation) {
    if (!reading || generation != readGeneration) {
      return false;
    }
    reading = false;
    return true;
  }

  /** True if the read in flight started more than {@code timeoutNanos} before {@code nowNanos}. */
  public boolean readOverdue(long nowNanos, long timeoutNanos) {
    return reading && nowNanos - readStartedNanos > timeoutNanos;
  }

  private void relayout(int laneCount) {
    byLane = new Lane[laneCount];
    lanesWithMembers = 0;
    members.values().forEach(this::place);
  }

  private int laneIndex(long connId) {
    return byLane.length == 1 ? 0 : laneOf(connId, byLane.length);
  }

  private void place(Member member) {
    int i = laneIndex(member.connId());
    Lane lane = byLane[i];
    if (lane == null) {
      lane = new Lane();
      byLane[i] = lane;
      lanesWithMembers++;
    }
    lane.add(member);
  }

  private void unplace(Member member) {
    int i = laneIndex(member.connId());
    Lane lane = byLane[i];
    if (lane != null && lane.remove(member) && lane.isEmpty()) {
      byLane[i] = null;
      lanesWithMembers--;
    }
  }

  /** The members of one lane by gateway, with a cached immutable view rebuilt after a change. */
  private static final class Lane {
    private final Map<String, Set<Long>> byGateway = new LinkedHashMap<>();
    private List<Target> targets;

    void add(Member member) {
      byGateway.computeIfAbsent(member.gatewayId(), g -> new LinkedHashSet<>()).add(member.connId());
      targets = null;
    }

    boolean remove(Member member) {
      Set<Long> ids = byGateway.get(member.gatewayId());
      if (ids == null || !ids.remove(member.connId())) {
        return false;
      }
      if (ids.isEmpty()) {
        byGateway.remove(member.gatewayId());
      }
      targets = null;
      return true;
    }

    boolean isEmpty() {
      return byGateway.isEmpty();
    }

    List<Target> targets() {
      if (targets == null) {
        List<Target> built = new ArrayList<>(byGateway.size());
        byGateway.forEach((gateway, ids) -> built.add(new Target(gateway, List.copyOf(ids))));
        targets = List.copyOf(built);
      }
      return targets;
    }
  }
}
