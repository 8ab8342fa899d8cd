package dev.stoa.state.impl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.router.RoomTable.Membership;
import dev.stoa.state.impl.LocalRoom.Member;
import org.junit.jupiter.api.Test;

class LocalRoomsTest {

  @Test
  void roomsExistWhileTheyHaveMembersAndCountsFollow() {
    LocalRooms rooms = new LocalRooms(300);
    rooms.add("a", 5, new Member(1, "u1", "gw"));
    rooms.add("a", 99, new Member(2, "u2", "gw"));
    rooms.add("b", 0, new Member(1, "u1", "gw"));
    rooms.add("b", 0, new Member(1, "u1", "gw"));

    assertThat(rooms.room("a").cursor()).as("the first join sets the cursor").isEqualTo(5);
    assertThat(rooms.membershipCount()).isEqualTo(3);
    assertThat(rooms.roomsOf(1)).isEqualTo(2);
    assertThat(rooms.memberships()).containsExactlyInAnyOrder(new Membership("a", "u1", 1),
        new Membership("a", "u2", 2), new Membership("b", "u1", 1));

    assertThat(rooms.remove(1, "b")).isPresent();
    assertThat(rooms.remove(1, "b")).isEmpty();
    assertThat(rooms.room("b")).isNull();
    assertThat(rooms.roomCount()).isEqualTo(1);
    assertThat(rooms.membershipCount()).isEqualTo(2);
  }

  @Test
  void removingAConnectionHonoursTheGatewayItJoinedThrough() {
    LocalRooms rooms = new LocalRooms(300);
    rooms.add("a", 0, new Member(1, "u1", "gw-1"));
    rooms.add("b", 0, new Member(1, "u1", "gw-1"));

    assertThat(rooms.removeConnection(1, "gw-2")).isEmpty();
    assertThat(rooms.removeConnection(1, "gw-1")).containsExactlyInAnyOrder(new Membership("a", "u1", 1),
        new Membership("b", "u1", 1));
    assertThat(rooms.roomCount()).isZero();
    assertThat(rooms.membershipCount()).isZero();
    assertThat(rooms.removeConnection(1, null)).isEmpty();
  }

  @Test
  void removingARoomDropsOnlyItsMemberships() {
    LocalRooms rooms = new LocalRooms(300);
    for (long connId = 1; connId <= 100; connId++) {
      rooms.add("big", 0, new Member(connId, "u" + connId, "gw"));
    }
    rooms.add("other", 0, new Member(1, "u1", "gw"));

    assertThat(rooms.removeRoom("big")).isEqualTo(100);
    assertThat(rooms.removeRoom("big")).isZero();
    assertThat(rooms.membershipCount()).isEqualTo(1);
    assertThat(rooms.isMember(1, "other")).isTrue();
    assertThat(rooms.isMember(2, "big")).isFalse();
    assertThat(rooms.roomsOf(2)).isZero();
  }
}
