package dev.stoa.router;

import static dev.stoa.cluster.TestFutures.await;
import static dev.stoa.cluster.TestFutures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.cluster.TestCluster;
import dev.stoa.common.StoaException;
import dev.stoa.proto.client.Code;
import dev.stoa.router.RoomTable.Membership;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HazelcastRoomTableTest {
  static final Duration TTL = Duration.ofSeconds(90);
  private static final RouterOptions OPTIONS = RouterOptions.defaults().withRouteTtl(TTL);
  static final AtomicInteger ROOMS = new AtomicInteger();
  static TestCluster cluster;
  static MutableClock clock;
  static HazelcastRoomTable tableA;
  static HazelcastRoomTable tableB;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = TestCluster.start(2);
    clock = new MutableClock(1_700_000_000_000L);
    tableA = new HazelcastRoomTable(cluster.member(0).node().hazelcast(), cluster.member(0).vertx(),
        OPTIONS, clock);
    tableB = new HazelcastRoomTable(cluster.member(1).node().hazelcast(), cluster.member(1).vertx(),
        OPTIONS, clock);
  }

  @AfterAll
  static void stopCluster() throws Exception {
    cluster.close();
  }

  static String newRoom() {
    return "room-" + ROOMS.incrementAndGet();
  }

  @Test
  void aJoinIsSeenFromTheOtherMemberUntilTheLastConnectionLeaves() throws Exception {
    String room = newRoom();
    assertThat(await(tableB.isMember(room, "alice"))).isFalse();
    await(tableA.join(room, "alice", 1));
    await(tableA.join(room, "alice", 2));
    await(tableA.join(room, "alice", 2)); // twice: no-op
    assertThat(await(tableB.isMember(room, "alice"))).isTrue();
    assertThat(await(tableB.isMember(room, "bob"))).isFalse();
    assertThat(await(tableB.isMember("other-" + room, "alice"))).isFalse();

    await(tableB.leave(room, "alice", 1));
    assertThat(await(tableA.isMember(room, "alice"))).as("conn 2 is still in").isTrue();
    await(tableB.leave(room, "alice", 2));
    assertThat(await(tableA.isMember(room, "alice"))).isFalse();
    await(tableB.leave(room, "alice", 2)); // leaving again succeeds
  }

  @Test
  void aMembershipNotRefreshedWithinTheTtlExpiresAndARefreshKeepsIt() throws Exception {
    String room = newRoom();
    await(tableA.join(room, "carol", 7));
    await(tableA.join(room, "dave", 8));
    clock.advance(TTL.minusSeconds(10));
    await(tableB.refresh(List.of(new Membership(room, "carol", 7), new Membership(room, "erin", 9))));
    clock.advance(Duration.ofSeconds(20));
    assertThat(await(tableA.isMember(room, "carol"))).isTrue();
    assertThat(await(tableA.isMember(room, "dave"))).as("not refreshed").isFalse();
    assertThat(await(tableA.isMember(room, "erin"))).as("a refresh never adds").isFalse();
  }

  @Test
  void closeDropsEveryMembershipOfTheRoomOnly() throws Exception {
    String room = newRoom();
    String other = room + "x"; // a room whose id extends this one's must survive
    for (int i = 0; i < 20; i++) {
      await(tableA.join(room, "user-" + i, i));
    }
    await(tableA.join(other, "user-0", 100));
    assertThat(await(tableB.close(room))).isEqualTo(20);
    for (int i = 0; i < 20; i++) {
      assertThat(await(tableA.isMember(room, "user-" + i))).isFalse();
    }
    assertThat(await(tableA.isMember(other, "user-0"))).isTrue();
    assertThat(await(tableB.close(room))).isZero();
  }

  @Test
  void missingIdsAreBadRequests() throws Exception {
    Throwable err = failure(tableA.join("", "alice", 1));
    assertThat(err).isInstanceOf(StoaException.class).hasMessageContaining("roomId");
    assertThat(((StoaException) err).code()).isEqualTo(Code.BAD_REQUEST);
    assertThat(failure(tableA.isMember("r", null))).hasMessageContaining("userId");
  }

  @Test
  void aUserInTheMostRoomsIsRefusedAtomicallyOverBothMembersUntilItLeavesOrARoomCloses() throws Exception {
    String user = "limited-" + ROOMS.incrementAndGet();
    String r1 = newRoom();
    String r2 = newRoom();
    String r3 = newRoom();
    assertThat(await(tableA.join(r1, user, 1, 2))).isEqualTo(new RoomTable.Admission(true, 1));
    assertThat(await(tableB.join(r2, user, 2, 2))).isEqualTo(new RoomTable.Admission(true, 2));
    assertThat(await(tableB.join(r1, user, 2, 2))).as("a room it is in already").isEqualTo(
        new RoomTable.Admission(true, 2));
    assertThat(await(tableA.join(r3, user, 3, 2))).isEqualTo(new RoomTable.Admission(false, 2));
    assertThat(await(tableB.isMember(r3, user))).isFalse();

    await(tableB.leave(r2, user, 2));
    assertThat(await(tableA.join(r3, user, 3, 2)).admitted()).isTrue();
    assertThat(await(tableA.close(r3))).isEqualTo(1);
    assertThat(await(tableA.join(r2, user, 2, 2)).admitted()).as("a closed room frees its place").isTrue();
    assertThat(await(tableB.join(newRoom(), user, 4, 2)).admitted()).isFalse();

    clock.advance(TTL.plusSeconds(1));
    assertThat(await(tableB.join(newRoom(), user, 4, 2)).admitted()).as("memberships not refreshed age out").isTrue();
  }
}
