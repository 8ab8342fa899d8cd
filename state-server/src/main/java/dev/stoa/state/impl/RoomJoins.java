package dev.stoa.state.impl;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The join state machine of one state server's room fan-out (the contract is in
 * {@code dev.stoa.state.RoomFanout}'s Javadoc): the joins in flight, at most one per (connection,
 * room), and the decision on every event that reaches one. Decisions only: an event goes in, the
 * {@link Action} the fan-out carries out comes back (look the connection up, write the room table,
 * read the room's head, add the member, answer); nothing here makes a call or completes a reply.
 * What {@link LocalRooms} knows (is the connection a member, in how many rooms, has the room local
 * members) comes in with the events that depend on it.
 *
 * <p>A (connection, room) pair is {@code OUT}, {@code JOINED} (a member in {@link LocalRooms}), or
 * has a join in flight that waits for one call: {@code LOOKING_UP} (the state server: is the
 * connection attached, through which gateway), {@code RECORDING} (the room table write, which
 * checks the user's limit), {@code READING_HEAD} (the room's newest seq from the index, only for a
 * room without local members). A leave, a close, a detach or the fan-out's stop that reaches a
 * join in flight <em>overtakes</em> it ({@link Overtaker}): the call still answers, and that answer
 * ends the join as the overtaker says. The first overtaker stays, but a stop replaces any other.
 * A leave, a close or a detach of a member is {@link LocalRooms}' business, not this class's.
 *
 * <pre>
 * state                 event                                  next          action
 * OUT                   join, in or joining below joinsMax     LOOKING_UP    LOOK_UP
 * OUT                   join, in or joining joinsMax rooms     OUT           REFUSE_CONNECTION
 * JOINED                join                                   JOINED        ANSWER_OK
 * in flight             join                                   unchanged     SHARE
 * LOOKING_UP            looked up: through gateway g           RECORDING     RECORD
 * LOOKING_UP            looked up: not attached                OUT           NOT_ATTACHED
 * LOOKING_UP            failed                                 OUT           FAIL
 * RECORDING             admitted, room has local members       JOINED        ADMIT
 * RECORDING             admitted, room has none                READING_HEAD  READ_HEAD
 * RECORDING             refused (user in too many rooms)       OUT           REFUSE_USER
 * RECORDING             failed                                 OUT           FAIL
 * READING_HEAD          head read                              JOINED        ADMIT (cursor: the head)
 * READING_HEAD          failed, room has local members now     JOINED        ADMIT (cursor unused)
 * READING_HEAD          failed, room has none                  OUT           UNDO_FAIL
 * in flight             leave (c, r)                           overtaken by LEFT
 * in flight             closed (r)                             overtaken by CLOSED
 * in flight             detached (c)                           overtaken by DETACHED
 * RECORDING, READING_HEAD through g   gone (g, c)              overtaken by DETACHED
 * LOOKING_UP            gone (g, c)                            unchanged (no gateway yet)
 * in flight             stop; stopped                          overtaken by STOPPED
 * overtaken LOOKING_UP  looked up, failed                      OUT           OVERTAKEN
 * overtaken RECORDING   admitted                               OUT           UNDO_OVERTAKEN
 * overtaken RECORDING   refused; failed                        OUT           REFUSE_USER; FAIL
 * overtaken READING_HEAD head read, failed                     OUT           UNDO_OVERTAKEN
 * </pre>
 *
 * <p>{@link #stop()} also forgets every join in flight at once (the fan-out answers each as
 * overtaken then); their calls' answers still end them by the overtaken rows.
 *
 * <p>Not thread-safe: confined to the room fan-out's context.
 */
public final class RoomJoins {
  /** Where a (connection, room) pair is; a {@link Join} is in one of the three in-flight states until it ends. */
  public enum State { OUT, LOOKING_UP, RECORDING, READING_HEAD, JOINED }

  /**
   * What overtook a join in flight, and so how the join answers: LEFT and CLOSED OK (the join
   * happened, then the leave or the close), DETACHED NOT_FOUND, STOPPED UNAVAILABLE.
   */
  public enum Overtaker { LEFT, CLOSED, DETACHED, STOPPED }

  /** What the fan-out does on a decision. */
  public enum Action {
    /** Answer OK: a member already. */
    ANSWER_OK,
    /** Answer what the join in flight for the same pair answers. */
    SHARE,
    /** Answer BAD_REQUEST: the connection is in or joining its most rooms (counted). */
    REFUSE_CONNECTION,
    /** Ask the state server whether the connection is attached, and through which gateway. */
    LOOK_UP,
    /** Write the membership to the room table. */
    RECORD,
    /** Read the room's newest seq from the index. */
    READ_HEAD,
    /** Add the member to {@link LocalRooms} (its cursor the head read, if the room is new), answer OK. */
    ADMIT,
    /** Answer NOT_FOUND: the connection is not attached here. */
    NOT_ATTACHED,
    /** Answer BAD_REQUEST: the room table refused, the user is in its most rooms (counted). */
    REFUSE_USER,
    /** Answer the failure of the call. */
    FAIL,
    /** Remove the membership from the room table, answer the failure of the call. */
    UNDO_FAIL,
    /** Answer as the {@link Join#overtaker()} says. */
    OVERTAKEN,
    /** Remove the membership from the room table, answer as the {@link Join#overtaker()} says. */
    UNDO_OVERTAKEN
  }

  /**
   * One join of connection {@link #connId()} of {@link #userId()} to {@link #roomId()}: its state
   * and, once looked up, its gateway; ended when its state is OUT or JOINED. Not thread-safe:
   * confined with its {@link RoomJoins}.
   */
  public static final class Join {
    private final long connId;
    private final String userId;
    private final String roomId;
    private State state = State.LOOKING_UP;
    private String gatewayId;
    private Overtaker overtaker;

    private Join(long connId, String userId, String roomId) {
      this.connId = connId;
      this.userId = userId;
      this.roomId = roomId;
    }

    public long connId() {
      return connId;
    }

    public String userId() {
      return userId;
    }

    public String roomId() {
      return roomId;
    }

    /** The gateway holding the connection, from RECORDING on; null before. */
    public String gatewayId() {
      return gatewayId;
    }

    public State state() {
      return state;
    }

    /** What overtook this join, or null. */
    public Overtaker overtaker() {
      return overtaker;
    }

    @Override
    public String toString() {
      return "join of connection " + connId + " to room " + roomId + " (" + state
          + (overtaker == null ? "" : ", overtaken by " + overtaker) + ")";
    }
  }

  private final int joinsMax;
  private final Map<Long, Map<String, Join>> inFlight = new HashMap<>();

  /** @param joinsMax most rooms a connection may be in or joining at once */
  public RoomJoins(int joinsMax) {
    this.joinsMax = joinsMax;
  }

  /**
   * A join request with valid ids; on LOOK_UP the new join is {@link #inFlight}.
   *
   * @param member whether the connection is a member of the room already
   * @param memberRooms how many rooms the connection is a member of
   */
  public Action join(long connId, String userId, String roomId, boolean member, int memberRooms) {
    if (member) {
      return Action.ANSWER_OK;
    }
    if (inFlight(connId, roomId) != null) {
      return Action.SHARE;
    }
    if (memberRooms + joining(connId) >= joinsMax) {
      return Action.REFUSE_CONNECTION;
    }
    inFlight.computeIfAbsent(connId, c -> new LinkedHashMap<>()).put(roomId, new Join(connId, userId, roomId));
    return Action.LOOK_UP;
  }

  /** The join of {@code connId} to {@code roomId} in flight, or null. */
  public Join inFlight(long connId, String roomId) {
    Map<String, Join> joining = inFlight.get(connId);
    return joining == null ? null : joining.get(roomId);
  }

  /** How many joins of {@code connId} are in flight. */
  public int joining(long connId) {
    Map<String, Join> joining = inFlight.get(connId);
    return joining == null ? 0 : joining.size();
  }

  /** The state server answered the lookup: the connection's gateway, or empty if it is not attached. */
  public Action lookedUp(Join join, Optional<String> gatewayId) {
    expect(join, State.LOOKING_UP);
    if (join.overtaker != null) {
      return end(join, State.OUT, Action.OVERTAKEN);
    }
    if (gatewayId.isEmpty()) {
      return end(join, State.OUT, Action.NOT_ATTACHED);
    }
    join.gatewayId = gatewayId.get();
    join.state = State.RECORDING;
    return Action.RECORD;
  }

  /** The room table answered the write: {@code admitted}, or refused by the user's limit. */
  public Action recorded(Join join, boolean admitted, boolean roomHasMembers) {
    expect(join, State.RECORDING);
    if (!admitted) {
      return end(join, State.OUT, Action.REFUSE_USER);
    }
    if (join.overtaker != null) {
      return end(join, State.OUT, Action.UNDO_OVERTAKEN);
    }
    if (roomHasMembers) {
      return end(join, State.JOINED, Action.ADMIT);
    }
    join.state = State.READING_HEAD;
    return Action.READ_HEAD;
  }

  /** The index answered the head read. */
  public Action headRead(Join join) {
    expect(join, State.READING_HEAD);
    return join.overtaker != null ? end(join, State.OUT, Action.UNDO_OVERTAKEN)
        : end(join, State.JOINED, Action.ADMIT);
  }

  /** The call {@code join} waits for failed (or answered an error). */
  public Action failed(Join join, boolean roomHasMembers) {
    return switch (join.state) {
      case LOOKING_UP -> end(join, State.OUT, join.overtaker != null ? Action.OVERTAKEN : Action.FAIL);
      case RECORDING -> end(join, State.OUT, Action.FAIL);
      case READING_HEAD -> join.overtaker != null ? end(join, State.OUT, Action.UNDO_OVERTAKEN)
          : roomHasMembers ? end(join, State.JOINED, Action.ADMIT) : end(join, State.OUT, Action.UNDO_FAIL);
      case OUT, JOINED -> throw new IllegalStateException(join + " has ended");
    };
  }

  /** {@code connId} leaves {@code roomId}: overtakes its join in flight, if any. */
  public void left(long connId, String roomId) {
    Join join = inFlight(connId, roomId);
    if (join != null) {
      overtake(join, Overtaker.LEFT);
    }
  }

  /** {@code roomId} was closed: overtakes every join to it in flight. */
  public void closed(String roomId) {
    for (Map<String, Join> joining : inFlight.values()) {
      Join join = joining.get(roomId);
      if (join != null) {
        overtake(join, Overtaker.CLOSED);
      }
    }
  }

  /**
   * {@code connId} went away: overtakes its joins in flight, or, when {@code gatewayId} is not
   * null (a gateway's report), only those through that gateway.
   */
  public void detached(long connId, String gatewayId) {
    Map<String, Join> joining = inFlight.get(connId);
    if (joining != null) {
      for (Join join : joining.values()) {
        if (gatewayId == null || gatewayId.equals(join.gatewayId)) {
          overtake(join, Overtaker.DETACHED);
        }
      }
    }
  }

  /** The fan-out stopped before the call {@code join} waits for answered. */
  public void stopped(Join join) {
    if (join.state == State.OUT || join.state == State.JOINED) {
      throw new IllegalStateException(join + " has ended");
    }
    join.overtaker = Overtaker.STOPPED;
  }

  /** The fan-out stops: every join in flight is overtaken by STOPPED and forgotten; returns them. */
  public List<Join> stop() {
    List<Join> all = new ArrayList<>();
    for (Map<String, Join> joining : inFlight.values()) {
      for (Join join : joining.values()) {
        join.overtaker = Overtaker.STOPPED;
        all.add(join);
      }
    }
    inFlight.clear();
    return all;
  }

  private static void overtake(Join join, Overtaker by) {
    if (join.overtaker == null) {
      join.overtaker = by;
    }
  }

  private static void expect(Join join, State state) {
    if (join.state != state) {
      throw new IllegalStateException(join + ", not " + state);
    }
  }

  private Action end(Join join, State next, Action action) {
    join.state = next;
    Map<String, Join> joining = inFlight.get(join.connId);
    if (joining != null && joining.remove(join.roomId, join) && joining.isEmpty()) {
      inFlight.remove(join.connId);
    }
    return action;
  }
}
