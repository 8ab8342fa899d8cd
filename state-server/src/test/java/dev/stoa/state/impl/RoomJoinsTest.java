package dev.stoa.state.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.state.impl.RoomJoins.Action;
import dev.stoa.state.impl.RoomJoins.Join;
import dev.stoa.state.impl.RoomJoins.Overtaker;
import dev.stoa.state.impl.RoomJoins.State;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Walks every row of the transition table in {@link RoomJoins}' Javadoc, in its order: each row
 * starts a join of connection 1 to room "r" (through gateway "gw" from RECORDING on), brings it to
 * the row's state, fires the row's event and checks the action, the next state and whether the
 * join is still in flight.
 */
class RoomJoinsTest {
  private static final int JOINS_MAX = 3;

  private final RoomJoins joins = new RoomJoins(JOINS_MAX);

  @Test
  void joinRequests() {
    assertThat(joins.join(1, "u1", "r", false, JOINS_MAX - 1)).as("OUT, room to spare").isEqualTo(Action.LOOK_UP);
    Join join = joins.inFlight(1, "r");
    assertThat(join.state()).isEqualTo(State.LOOKING_UP);
    assertThat(List.of(join.connId(), join.userId(), join.roomId())).containsExactly(1L, "u1", "r");
    assertThat(join.gatewayId()).isNull();
    assertThat(join.overtaker()).isNull();
    assertThat(joins.joining(1)).isEqualTo(1);

    assertThat(joins.join(1, "u1", "s", false, JOINS_MAX - 1)).as("OUT, in + joining = joinsMax")
        .isEqualTo(Action.REFUSE_CONNECTION);
    assertThat(joins.inFlight(1, "s")).isNull();
    assertThat(joins.join(2, "u2", "s", false, JOINS_MAX)).as("OUT, in joinsMax rooms")
        .isEqualTo(Action.REFUSE_CONNECTION);
    assertThat(joins.joining(2)).isZero();

    assertThat(joins.join(2, "u2", "s", true, JOINS_MAX)).as("JOINED").isEqualTo(Action.ANSWER_OK);
    assertThat(joins.inFlight(2, "s")).isNull();

    assertThat(joins.join(1, "u1", "r", false, JOINS_MAX)).as("in flight").isEqualTo(Action.SHARE);
    assertThat(joins.inFlight(1, "r")).isSameAs(join);
    joins.left(1, "r");
    assertThat(joins.join(1, "u1", "r", false, 0)).as("in flight, overtaken").isEqualTo(Action.SHARE);
    assertThat(joins.inFlight(1, "r")).isSameAs(join);
    assertThat(joins.joining(1)).isEqualTo(1);
  }

  @Test
  void lookingUp() {
    Join join = joinIn(State.LOOKING_UP);
    assertThat(joins.lookedUp(join, Optional.of("gw"))).isEqualTo(Action.RECORD);
    assertThat(join.gatewayId()).isEqualTo("gw");
    inFlight(join, State.RECORDING);
    end(join);

    row(State.LOOKING_UP, j -> joins.lookedUp(j, Optional.empty()), State.OUT, Action.NOT_ATTACHED);
    row(State.LOOKING_UP, j -> joins.failed(j, true), State.OUT, Action.FAIL);
  }

  @Test
  void recording() {
    row(State.RECORDING, j -> joins.recorded(j, true, true), State.JOINED, Action.ADMIT);
    Join join = joinIn(State.RECORDING);
    assertThat(joins.recorded(join, true, false)).isEqualTo(Action.READ_HEAD);
    inFlight(join, State.READING_HEAD);
    end(join);
    row(State.RECORDING, j -> joins.recorded(j, false, true), State.OUT, Action.REFUSE_USER);
    row(State.RECORDING, j -> joins.failed(j, true), State.OUT, Action.FAIL);
  }

  @Test
  void readingTheHead() {
    row(State.READING_HEAD, joins::headRead, State.JOINED, Action.ADMIT);
    row(State.READING_HEAD, j -> joins.failed(j, true), State.JOINED, Action.ADMIT);
    row(State.READING_HEAD, j -> joins.failed(j, false), State.OUT, Action.UNDO_FAIL);
  }

  @Test
  void aLeaveACloseOrADetachOvertakesEveryJoinInFlightItReaches() {
    for (State state : IN_FLIGHT) {
      Join join = joinIn(state);
      joins.left(1, "other");
      joins.left(2, "r");
      assertThat(join.overtaker()).as("a leave of another pair, in %s", state).isNull();
      joins.left(1, "r");
      overtaken(join, state, Overtaker.LEFT);
      end(join);

      join = joinIn(state);
      assertThat(joins.join(2, "u2", "r", false, 0)).isEqualTo(Action.LOOK_UP);
      Join otherConnection = joins.inFlight(2, "r");
      joins.closed("other");
      assertThat(join.overtaker()).as("a close of another room, in %s", state).isNull();
      joins.closed("r");
      overtaken(join, state, Overtaker.CLOSED);
      assertThat(otherConnection.overtaker()).as("every connection's join to the room").isEqualTo(Overtaker.CLOSED);
      end(join);
      end(otherConnection);

      join = joinIn(state);
      joins.detached(2, null);
      assertThat(join.overtaker()).as("a detach of another connection, in %s", state).isNull();
      joins.detached(1, null);
      overtaken(join, state, Overtaker.DETACHED);
      end(join);
    }
  }

  @Test
  void aGatewaysReportOvertakesOnlyTheJoinsThroughIt() {
    for (State state : new State[] {State.RECORDING, State.READING_HEAD}) {
      Join join = joinIn(state);
      joins.detached(1, "gw-other");
      assertThat(join.overtaker()).as("another gateway's report, in %s", state).isNull();
      joins.detached(1, "gw");
      overtaken(join, state, Overtaker.DETACHED);
      end(join);
    }
    Join join = joinIn(State.LOOKING_UP);
    joins.detached(1, "gw");
    assertThat(join.overtaker()).as("no gateway yet").isNull();
    inFlight(join, State.LOOKING_UP);
  }

  @Test
  void aStopOvertakesEveryJoinInFlightAndForgetsThem() {
    Join lookingUp = joinIn(State.LOOKING_UP);
    joins.left(1, "r");
    assertThat(joins.join(2, "u2", "r2", false, 0)).isEqualTo(Action.LOOK_UP);
    Join recording = joins.inFlight(2, "r2");
    joins.lookedUp(recording, Optional.of("gw"));

    assertThat(joins.stop()).containsExactlyInAnyOrder(lookingUp, recording);
    assertThat(lookingUp.overtaker()).as("a stop replaces another overtaker").isEqualTo(Overtaker.STOPPED);
    assertThat(recording.overtaker()).isEqualTo(Overtaker.STOPPED);
    assertThat(lookingUp.state()).as("its call is still out").isEqualTo(State.LOOKING_UP);
    assertThat(joins.inFlight(1, "r")).isNull();
    assertThat(joins.joining(2)).isZero();
    assertThat(joins.stop()).isEmpty();

    assertThat(joins.join(1, "u1", "r", false, 0)).as("a new join of the same pair").isEqualTo(Action.LOOK_UP);
    Join again = joins.inFlight(1, "r");
    assertThat(joins.lookedUp(lookingUp, Optional.of("gw"))).isEqualTo(Action.OVERTAKEN);
    assertThat(joins.inFlight(1, "r")).as("the stopped join's end leaves the new one alone").isSameAs(again);
    assertThat(joins.recorded(recording, true, false)).isEqualTo(Action.UNDO_OVERTAKEN);
    end(again);

    for (State state : IN_FLIGHT) {
      Join join = joinIn(state);
      joins.closed("r");
      joins.stopped(join);
      overtaken(join, state, Overtaker.STOPPED);
      joins.left(1, "r");
      assertThat(join.overtaker()).as("nothing replaces a stop").isEqualTo(Overtaker.STOPPED);
      end(join);
    }
  }

  @Test
  void theFirstOvertakerStays() {
    Join join = joinIn(State.RECORDING);
    joins.detached(1, "gw");
    joins.left(1, "r");
    joins.closed("r");
    assertThat(join.overtaker()).isEqualTo(Overtaker.DETACHED);
  }

  @Test
  void anOvertakenJoinEndsWhenItsCallAnswers() {
    for (Overtaker by : Overtaker.values()) {
      overtakenRow(State.LOOKING_UP, by, j -> joins.lookedUp(j, Optional.of("gw")), Action.OVERTAKEN);
      overtakenRow(State.LOOKING_UP, by, j -> joins.lookedUp(j, Optional.empty()), Action.OVERTAKEN);
      overtakenRow(State.LOOKING_UP, by, j -> joins.failed(j, false), Action.OVERTAKEN);
      overtakenRow(State.RECORDING, by, j -> joins.recorded(j, true, true), Action.UNDO_OVERTAKEN);
      overtakenRow(State.RECORDING, by, j -> joins.recorded(j, true, false), Action.UNDO_OVERTAKEN);
      overtakenRow(State.RECORDING, by, j -> joins.recorded(j, false, false), Action.REFUSE_USER);
      overtakenRow(State.RECORDING, by, j -> joins.failed(j, false), Action.FAIL);
      overtakenRow(State.READING_HEAD, by, joins::headRead, Action.UNDO_OVERTAKEN);
      overtakenRow(State.READING_HEAD, by, j -> joins.failed(j, true), Action.UNDO_OVERTAKEN);
      overtakenRow(State.READING_HEAD, by, j -> joins.failed(j, false), Action.UNDO_OVERTAKEN);
    }
  }

  @Test
  void anEventForAnotherStateIsABug() {
    Join join = joinIn(State.LOOKING_UP);
    assertThatThrownBy(() -> joins.headRead(join)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> joins.recorded(join, true, true)).isInstanceOf(IllegalStateException.class);
    inFlight(join, State.LOOKING_UP);
    joins.lookedUp(join, Optional.empty());
    assertThatThrownBy(() -> joins.failed(join, true)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> joins.lookedUp(join, Optional.of("gw"))).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> joins.stopped(join)).isInstanceOf(IllegalStateException.class);
  }

  // ---- helpers ----

  private static final State[] IN_FLIGHT = {State.LOOKING_UP, State.RECORDING, State.READING_HEAD};

  /** A new join of connection 1 to room "r", brought to {@code state} (through "gw" from RECORDING on). */
  private Join joinIn(State state) {
    assertThat(joins.join(1, "u1", "r", false, 0)).isEqualTo(Action.LOOK_UP);
    Join join = joins.inFlight(1, "r");
    if (state != State.LOOKING_UP) {
      assertThat(joins.lookedUp(join, Optional.of("gw"))).isEqualTo(Action.RECORD);
    }
    if (state == State.READING_HEAD) {
      assertThat(joins.recorded(join, true, false)).isEqualTo(Action.READ_HEAD);
    }
    inFlight(join, state);
    return join;
  }

  /** One row: a join in {@code from}, not overtaken, gets {@code event}. */
  private void row(State from, Function<Join, Action> event, State next, Action action) {
    Join join = joinIn(from);
    assertThat(event.apply(join)).as("action, from %s", from).isEqualTo(action);
    ended(join, next);
  }

  /** One row: a join in {@code from}, overtaken by {@code by}, gets {@code event}. */
  private void overtakenRow(State from, Overtaker by, Function<Join, Action> event, Action action) {
    Join join = joinIn(from);
    switch (by) {
      case LEFT -> joins.left(1, "r");
      case CLOSED -> joins.closed("r");
      case DETACHED -> joins.detached(1, null);
      case STOPPED -> joins.stopped(join);
    }
    overtaken(join, from, by);
    assertThat(event.apply(join)).as("action, from %s overtaken by %s", from, by).isEqualTo(action);
    ended(join, State.OUT);
  }

  private void overtaken(Join join, State state, Overtaker by) {
    assertThat(join.overtaker()).as("overtaker, in %s", state).isEqualTo(by);
    inFlight(join, state);
  }

  private void inFlight(Join join, State state) {
    assertThat(join.state()).isEqualTo(state);
    assertThat(joins.inFlight(join.connId(), join.roomId())).as("in flight").isSameAs(join);
  }

  private void ended(Join join, State state) {
    assertThat(join.state()).isEqualTo(state);
    assertThat(joins.inFlight(join.connId(), join.roomId())).as("forgotten").isNull();
    assertThat(joins.joining(join.connId())).isZero();
  }

  /** Ends an in-flight join by a failure of its call, so that the next row starts from OUT. */
  private void end(Join join) {
    joins.failed(join, false);
    ended(join, State.OUT);
  }
}
