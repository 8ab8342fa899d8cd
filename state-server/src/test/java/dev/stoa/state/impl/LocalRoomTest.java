package dev.stoa.state.impl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.state.impl.LocalRoom.Member;
import dev.stoa.state.impl.LocalRoom.Target;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LocalRoomTest {

  @Test
  void aSmallRoomUsesOneLaneWithOneTargetPerGateway() {
    LocalRoom room = new LocalRoom("r", 7, 300);
    for (long connId = 1; connId <= LocalRoom.SPREAD_AT - 1; connId++) {
      assertThat(room.add(new Member(connId, "u" + connId, connId % 2 == 0 ? "gw-even" : "gw-odd"))).isTrue();
    }

    assertThat(room.laneCount()).isEqualTo(1);
    List<List<Target>> targets = room.targets();
    assertThat(targets).hasSize(1);
    assertThat(targets.getFirst()).extracting(Target::gatewayId).containsExactly("gw-odd", "gw-even");
    assertThat(targets.getFirst().getFirst().connIds()).hasSize(32).allMatch(id -> id % 2 == 1);
    assertThat(room.cursor()).isEqualTo(7);
    assertThat(room.sessionId()).isEqualTo("room:r");
  }

  @Test
  void spreadsAtTheThresholdAndGathersAgainBelowTheLowerOne() {
    LocalRoom room = new LocalRoom("r", 0, 300);
    for (long connId = 1; connId <= LocalRoom.SPREAD_AT; connId++) {
      room.add(new Member(connId, "u", "gw"));
    }
    assertThat(room.laneCount()).isEqualTo(300);
    Set<Integer> expectedLanes = new HashSet<>();
    for (long connId = 1; connId <= LocalRoom.SPREAD_AT; connId++) {
      expectedLanes.add(LocalRoom.laneOf(connId, 300));
    }
    assertThat(room.lanesWithMembers()).isEqualTo(expectedLanes.size());
    assertThat(everyConnId(room)).hasSize(LocalRoom.SPREAD_AT);

    for (long connId = LocalRoom.SPREAD_AT; connId > LocalRoom.GATHER_BELOW; connId--) {
      room.remove(connId);
    }
    assertThat(room.laneCount()).as("at the lower threshold it stays spread").isEqualTo(300);
    room.remove(LocalRoom.GATHER_BELOW);
    assertThat(room.laneCount()).isEqualTo(1);
    assertThat(room.lanesWithMembers()).isEqualTo(1);
    assertThat(everyConnId(room)).hasSize(LocalRoom.GATHER_BELOW - 1);
  }

  @Test
  void targetsTakenBeforeAChangeStayAsTheyWere() {
    LocalRoom room = new LocalRoom("r", 0, 4);
    room.add(new Member(1, "u1", "gw"));
    List<List<Target>> before = room.targets();

    room.add(new Member(2, "u2", "gw"));
    assertThat(room.remove(1).userId()).isEqualTo("u1");
    assertThat(room.remove(1)).isNull();
    assertThat(room.add(new Member(2, "again", "gw"))).isFalse();

    assertThat(before.getFirst().getFirst().connIds()).containsExactly(1L);
    assertThat(everyConnId(room)).containsExactly(2L);
    assertThat(room.member(2).userId()).isEqualTo("u2");
  }

  @Test
  void lanesOfSequentialIdsAreEvenAndCoverEveryLane() {
    int[] perLane = new int[300];
    for (long connId = 1; connId <= 30_000; connId++) {
      perLane[LocalRoom.laneOf(connId, 300)]++;
    }
    for (int lane = 0; lane < 300; lane++) {
      assertThat(perLane[lane]).as("lane " + lane).isBetween(60, 140);
    }
    // the connections one of two state servers gets (golden-ratio hash, as the directory picks) still cover every lane
    Set<Integer> lanes = new HashSet<>();
    for (long connId = 1; connId <= 30_000; connId++) {
      int spread = (int) ((connId * 0x9E3779B97F4A7C15L) >>> 32);
      if (Math.floorMod(spread, 2) == 0) {
        lanes.add(LocalRoom.laneOf(connId, 300));
      }
    }
    assertThat(lanes).hasSize(300);
  }

  @Test
  void onlyTheReadInFlightIsAccepted() {
    LocalRoom room = new LocalRoom("r", 0, 1);
    long first = room.beginRead(0);
    assertThat(room.readOverdue(1_000, 999)).isTrue();
    long second = room.beginRead(1_000);

    assertThat(room.endRead(first)).isFalse();
    assertThat(room.reading()).isTrue();
    assertThat(room.endRead(second)).isTrue();
    assertThat(room.reading()).isFalse();
    assertThat(room.endRead(second)).isFalse();
  }

  private static List<Long> everyConnId(LocalRoom room) {
    List<Long> ids = new ArrayList<>();
    room.targets().forEach(lane -> lane.forEach(t -> ids.addAll(t.connIds())));
    return ids;
  }
}
