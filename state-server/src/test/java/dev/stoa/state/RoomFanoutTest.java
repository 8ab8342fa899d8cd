package dev.stoa.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.common.StoaException;
import dev.stoa.common.metrics.Metrics;
import dev.stoa.proto.client.Code;
import dev.stoa.proto.client.Message;
import dev.stoa.proto.internal.AckRequest;
import dev.stoa.proto.internal.Connection;
import dev.stoa.proto.internal.Gateway;
import dev.stoa.proto.internal.RoomClosedNotice;
import dev.stoa.proto.internal.RoomMembership;
import dev.stoa.proto.internal.RoomReply;
import dev.stoa.router.HazelcastRoomTable;
import dev.stoa.state.impl.LocalRoom;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The room fan-out against a real state server (Chronicle Map file), a real Hazelcast room table,
 * recording gateways and an in-memory index peer. Rooms are polled every {@value #POLL_MS} ms.
 */
class RoomFanoutTest {
  private static final long POLL_MS = 10;
  private static final Duration ROUTE_TTL = Duration.ofSeconds(2);
  /** Long enough for several polls to have happened on a loaded machine. */
  private static final long QUIET_MS = 300;
  private static final StateOptions OPTIONS =
      new StateOptions(2_000, 30_000, 10_000, 10).withRooms(POLL_MS, 300, 200, 100);
  private static final AtomicInteger IDS = new AtomicInteger();

  private static HazelcastRoomTable roomTable;
  private static Vertx vertx;

  @TempDir
  Path dataDir;

  private final InMemoryIndex index = new InMemoryIndex();
  private final Map<String, Gateway> gateways = new ConcurrentHashMap<>();
  private final RecordingGateway gatewayA = new RecordingGateway("gw-a");
  private final RecordingGateway gatewayB = new RecordingGateway("gw-b");
  private final RecordingGateway gatewayC = new RecordingGateway("gw-c");
  private String serverId;
  private String room;
  private StateServer server;
  private RoomFanout fanout;

  @BeforeAll
  static void startCluster() throws Exception {
    roomTable = SharedCluster.roomTable(ROUTE_TTL);
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() throws Exception {
    await(vertx.close());
  }

  @BeforeEach
  void setUp() {
    int n = IDS.incrementAndGet();
    serverId = "rooms-state-" + n;
    room = "room-" + n + "-" + System.nanoTime();
    for (RecordingGateway gateway : List.of(gatewayA, gatewayB, gatewayC)) {
      gateways.put(gateway.id, gateway);
    }
  }

  @AfterEach
  void tearDown() throws Exception {
    if (fanout != null) {
      await(fanout.stop());
    }
    if (server != null) {
      await(server.stop());
    }
  }

  @Test
  void membersGetMessagesSentAfterTheirJoinInSeqOrderWithOneDeliverPerGatewayPerMessage() throws Exception {
    start(OPTIONS);
    attach(1, gatewayA);
    attach(2, gatewayA);
    attach(3, gatewayB);
    Message before = index.append(room, "before the join");

    for (long connId : List.of(1L, 2L, 3L)) {
      assertThat(join(connId, room).getCode()).isEqualTo(Code.OK);
    }
    List<Message> sent = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      sent.add(index.append(room, "m" + i));
    }

    waitUntil(() -> seqsTo(gatewayA, 1).size() == 5 && seqsTo(gatewayA, 2).size() == 5
        && seqsTo(gatewayB, 3).size() == 5);
    List<Long> expected = sent.stream().map(Message::getSeq).toList();
    assertThat(seqsTo(gatewayA, 1)).containsExactlyElementsOf(expected);
    assertThat(seqsTo(gatewayA, 2)).containsExactlyElementsOf(expected);
    assertThat(seqsTo(gatewayB, 3)).containsExactlyElementsOf(expected);
    assertThat(gatewayA.calls).as("one call per message for both members on gateway A").hasSize(5)
        .allSatisfy(c -> assertThat(c.connIds()).containsExactlyInAnyOrder(1L, 2L));
    assertThat(gatewayB.calls).hasSize(5);
    assertThat(gatewayA.calls.getFirst().frame().getPush().getMessage()).isEqualTo(sent.getFirst());
    assertThat(allCalls()).noneMatch(c -> c.msgId() == before.getMsgId());
    assertThat(await(roomTable.isMember(room, "u3"))).isTrue();
    assertThat(counter("stoa.state.room.messages")).isEqualTo(5.0);
    assertThat(counter("stoa.state.room.deliveries")).isEqualTo(15.0);
    assertThat(counter("stoa.state.room.deliver.calls")).isEqualTo(10.0);
    assertThat(fanout.roomCount()).isEqualTo(1);
    assertThat(fanout.membershipCount()).isEqualTo(3);

    // an ack of a room push is harmless and leaves nothing pending (rooms are best effort)
    await(server.ack(AckRequest.newBuilder().setConnId(1).setSessionId("room:" + room)
        .setMsgId(sent.getFirst().getMsgId()).build()));
    assertThat(server.pendingCount()).isZero();
    assertThat(Metrics.registry().find("stoa.state.acks").tag("state_server", serverId).counter().count()).isZero();
  }

  @Test
  void aThousandMembersOverThreeGatewaysGetEveryMessageExactlyOnce() throws Exception {
    start(OPTIONS);
    List<RecordingGateway> three = List.of(gatewayA, gatewayB, gatewayC);
    Map<Long, RecordingGateway> memberGateway = new HashMap<>();
    List<Future<?>> attaches = new ArrayList<>();
    for (long connId = 10_000; connId < 11_000; connId++) {
      RecordingGateway gateway = three.get((int) (connId % 3));
      memberGateway.put(connId, gateway);
      attaches.add(server.attach(connection(connId, gateway)));
    }
    await(Future.all(attaches));
    List<Future<RoomReply>> joins = new ArrayList<>();
    for (long connId : memberGateway.keySet()) {
      joins.add(fanout.join(membership(connId, room)));
    }
    await(Future.all(joins));
    assertThat(joins).allSatisfy(j -> assertThat(j.result().getCode()).isEqualTo(Code.OK));
    assertThat(fanout.membershipCount()).isEqualTo(1_000);

    int messages = 10;
    for (int i = 0; i < messages; i++) {
      index.append(room, "big " + i);
    }

    waitUntil(() -> allCalls().stream().mapToInt(c -> c.connIds().size()).sum() >= messages * 1_000,
        Duration.ofSeconds(30));
    Thread.sleep(QUIET_MS);
    Map<Long, List<Long>> seqsByConn = new HashMap<>();
    for (RecordingGateway gateway : three) {
      for (RecordingGateway.Call call : gateway.calls) {
        for (long connId : call.connIds()) {
          assertThat(memberGateway.get(connId)).as("gateway of conn " + connId).isSameAs(gateway);
          seqsByConn.computeIfAbsent(connId, c -> new ArrayList<>()).add(call.frame().getPush().getMessage().getSeq());
        }
      }
    }
    List<Long> everySeq = java.util.stream.LongStream.rangeClosed(1, messages).boxed().toList();
    assertThat(seqsByConn).hasSize(1_000);
    assertThat(seqsByConn.values()).allSatisfy(seqs -> assertThat(seqs).containsExactlyElementsOf(everySeq));

    Set<String> laneGatewayPairs = new HashSet<>();
    Set<Integer> lanes = new HashSet<>();
    memberGateway.forEach((connId, gateway) -> {
      int lane = LocalRoom.laneOf(connId, 300);
      lanes.add(lane);
      laneGatewayPairs.add(lane + "/" + gateway.id);
    });
    assertThat(allCalls()).as("deliver calls: one per (lane, gateway) with members per message")
        .hasSize(messages * laneGatewayPairs.size());
    assertThat(laneGatewayPairs.size()).isLessThanOrEqualTo(lanes.size() * 3);
    assertThat(lanes.size()).as("1,000 members cover most of the 300 lanes").isGreaterThan(250);
  }

  @Test
  void leaveStopsDeliveriesToThatConnectionOnly() throws Exception {
    start(OPTIONS);
    attach(1, gatewayA);
    attach(2, gatewayA);
    join(1, room);
    join(2, room);
    Message first = index.append(room, "to both");
    waitUntil(() -> seqsTo(gatewayA, 1).size() == 1 && seqsTo(gatewayA, 2).size() == 1);

    assertThat(await(fanout.leave(membership(2, room))).getCode()).isEqualTo(Code.OK);
    Message second = index.append(room, "to one");

    waitUntil(() -> seqsTo(gatewayA, 1).size() == 2);
    Thread.sleep(QUIET_MS);
    assertThat(seqsTo(gatewayA, 2)).containsExactly(first.getSeq());
    assertThat(seqsTo(gatewayA, 1)).containsExactly(first.getSeq(), second.getSeq());
    assertThat(await(roomTable.isMember(room, "u2"))).isFalse();
    assertThat(await(roomTable.isMember(room, "u1"))).isTrue();
    assertThat(await(fanout.leave(membership(2, room))).getCode()).as("leaving again").isEqualTo(Code.OK);
    assertThat(await(fanout.leave(membership(9, room))).getCode()).as("never a member").isEqualTo(Code.OK);
  }

  @Test
  void aDetachedConnectionLeavesAllItsRooms() throws Exception {
    start(OPTIONS);
    String other = room + "-b";
    attach(1, gatewayA);
    attach(2, gatewayB);
    join(1, room);
    join(1, other);
    join(2, room);
    assertThat(fanout.membershipCount()).isEqualTo(3);

    await(server.detach(connection(1, gatewayA)));

    waitUntil(() -> fanout.membershipCount() == 1);
    assertThat(fanout.roomCount()).as("the other room had no member left").isEqualTo(1);
    waitUntil(() -> !awaitQuietly(roomTable.isMember(room, "u1")) && !awaitQuietly(roomTable.isMember(other, "u1")));
    index.append(other, "nobody");
    Message m = index.append(room, "to conn 2");
    waitUntil(() -> seqsTo(gatewayB, 2).size() == 1);
    Thread.sleep(QUIET_MS);
    assertThat(gatewayA.calls).isEmpty();
    assertThat(seqsTo(gatewayB, 2)).containsExactly(m.getSeq());
  }

  @Test
  void aClosedRoomIsDroppedAndDeliversNothingMore() throws Exception {
    start(OPTIONS);
    attach(1, gatewayA);
    join(1, room);
    index.append(room, "before close");
    waitUntil(() -> seqsTo(gatewayA, 1).size() == 1);

    await(fanout.closed(RoomClosedNotice.newBuilder().setRoomId(room).build()));
    index.append(room, "after close");

    Thread.sleep(QUIET_MS);
    assertThat(seqsTo(gatewayA, 1)).hasSize(1);
    assertThat(fanout.roomCount()).isZero();
    assertThat(fanout.membershipCount()).isZero();
    assertThat(await(roomTable.isMember(room, "u1"))).as("the room table is the closer's business").isTrue();
    assertThatThrownBy(() -> await(fanout.closed(RoomClosedNotice.newBuilder().setRoomId("no such!").build())))
        .isInstanceOf(ExecutionException.class).cause().isInstanceOfSatisfying(StoaException.class,
            e -> assertThat(e.code()).isEqualTo(Code.BAD_REQUEST));
  }

  @Test
  void connectionsTheGatewayReportsClosedLeaveTheRoomAndTheStateServer() throws Exception {
    start(OPTIONS);
    attach(1, gatewayA);
    attach(2, gatewayA);
    join(1, room);
    join(2, room);
    gatewayA.closed.add(1L);

    index.append(room, "first");

    waitUntil(() -> fanout.membershipCount() == 1 && server.connectionCount() == 1);
    waitUntil(() -> !awaitQuietly(roomTable.isMember(room, "u1")));
    Message second = index.append(room, "second");
    waitUntil(() -> seqsTo(gatewayA, 2).contains(second.getSeq()));
    assertThat(seqsTo(gatewayA, 1)).doesNotContain(second.getSeq());
  }

  @Test
  void membersOnAGatewayTheDirectoryNoLongerKnowsLeave() throws Exception {
    start(OPTIONS);
    attach(1, gatewayA);
    attach(2, gatewayB);
    join(1, room);
    join(2, room);
    gateways.remove(gatewayB.id);

    Message m = index.append(room, "first");

    // the lanes of conn 1 and conn 2 are separate tasks: conn 2 may be gone before conn 1 is served
    waitUntil(() -> fanout.membershipCount() == 1 && server.connectionCount() == 1
        && !seqsTo(gatewayA, 1).isEmpty());
    assertThat(seqsTo(gatewayA, 1)).containsExactly(m.getSeq());
    assertThat(gatewayB.calls).isEmpty();
  }

  @Test
  void aLeaveThatOvertakesAJoinInFlightWins() throws Exception {
    start(OPTIONS);
    attach(1, gatewayA);

    Future<RoomReply> joining = fanout.join(membership(1, room));
    Future<RoomReply> leaving = fanout.leave(membership(1, room));

    assertThat(await(joining).getCode()).isEqualTo(Code.OK);
    assertThat(await(leaving).getCode()).isEqualTo(Code.OK);
    assertThat(fanout.membershipCount()).isZero();
    waitUntil(() -> !awaitQuietly(roomTable.isMember(room, "u1")));
    index.append(room, "nobody");
    Thread.sleep(QUIET_MS);
    assertThat(gatewayA.calls).isEmpty();
  }

  @Test
  void whenTheRingSkippedAheadTheGapIsCountedAndLaterMessagesAreDelivered() throws Exception {
    start(OPTIONS);
    attach(1, gatewayA);
    join(1, room);
    index.failing.set(Integer.MAX_VALUE);
    for (int i = 1; i <= 5; i++) {
      index.append(room, "m" + i);
    }
    index.trim(room, 4); // the ring now starts at seq 4: 1..3 are gone

    index.failing.set(0);
    waitUntil(() -> seqsTo(gatewayA, 1).size() == 2);
    Message later = index.append(room, "m6");

    waitUntil(() -> seqsTo(gatewayA, 1).size() == 3);
    assertThat(seqsTo(gatewayA, 1)).containsExactly(4L, 5L, later.getSeq());
    assertThat(counter("stoa.state.room.skipped")).isEqualTo(3.0);
  }

  @Test
  void aFailedIndexReadIsRetriedAtTheNextTick() throws Exception {
    start(OPTIONS);
    attach(1, gatewayA);
    join(1, room);
    int readsBefore = index.reads.get();
    index.failing.set(3);

    Message m = index.append(room, "after failures");

    waitUntil(() -> seqsTo(gatewayA, 1).size() == 1);
    assertThat(index.reads.get() - readsBefore).isGreaterThanOrEqualTo(4);
    assertThat(counter("stoa.state.room.read.failures")).isEqualTo(3.0);
    Thread.sleep(QUIET_MS);
    assertThat(seqsTo(gatewayA, 1)).containsExactly(m.getSeq());
  }

  @Test
  void aJoinWhoseHeadReadFailsIsUnavailableAndLeavesNothingBehind() throws Exception {
    start(OPTIONS);
    attach(1, gatewayA);
    index.failing.set(1);

    RoomReply failed = join(1, room);

    assertThat(failed.getCode()).isEqualTo(Code.UNAVAILABLE);
    assertThat(failed.getError()).contains("room:" + room).contains("index");
    assertThat(fanout.membershipCount()).isZero();
    waitUntil(() -> !awaitQuietly(roomTable.isMember(room, "u1")));
    assertThat(join(1, room).getCode()).as("a retry").isEqualTo(Code.OK);
  }

  @Test
  void badJoinsAreAnsweredInBandNamingTheField() throws Exception {
    start(OPTIONS.withRooms(POLL_MS, 300, 200, 3));
    attach(1, gatewayA);

    RoomReply unknown = join(77, room);
    assertThat(unknown.getCode()).isEqualTo(Code.NOT_FOUND);
    assertThat(unknown.getError()).contains("connId").contains("77").contains(serverId);
    RoomReply badRoom = join(1, "bad room!");
    assertThat(badRoom.getCode()).isEqualTo(Code.BAD_REQUEST);
    assertThat(badRoom.getError()).contains("roomId");
    RoomReply noConn = await(fanout.join(RoomMembership.newBuilder().setUserId("u1").setRoomId(room).build()));
    assertThat(noConn.getCode()).isEqualTo(Code.BAD_REQUEST);
    assertThat(noConn.getError()).contains("connId");
    RoomReply noUser = await(fanout.join(RoomMembership.newBuilder().setConnId(1).setRoomId(room).build()));
    assertThat(noUser.getCode()).isEqualTo(Code.BAD_REQUEST);
    assertThat(noUser.getError()).contains("userId");

    for (int i = 0; i < 3; i++) {
      assertThat(join(1, room + "-" + i).getCode()).isEqualTo(Code.OK);
    }
    assertThat(join(1, room + "-0").getCode()).as("joining twice").isEqualTo(Code.OK);
    RoomReply tooMany = join(1, room + "-3");
    assertThat(tooMany.getCode()).isEqualTo(Code.BAD_REQUEST);
    assertThat(tooMany.getError()).contains("roomId").contains("state.room.joins.max").contains("3");
    assertThat(fanout.membershipCount()).isEqualTo(3);
    await(fanout.leave(membership(1, room + "-1")));
    assertThat(join(1, room + "-3").getCode()).isEqualTo(Code.OK);
    assertThat(await(fanout.leave(RoomMembership.newBuilder().setConnId(1).setRoomId("").build())).getCode())
        .isEqualTo(Code.BAD_REQUEST);
  }

  @Test
  void aUserInTheMostRoomsItsConnectionsMayJoinIsRefusedNamingTheKeyUntilItLeavesOne() throws Exception {
    start(OPTIONS.withRoomUserJoinsMax(3));
    String user = "multi-" + IDS.incrementAndGet();
    for (long connId : List.of(11L, 12L)) {
      await(server.attach(Connection.newBuilder().setConnId(connId).setUserId(user).setDeviceId("d" + connId)
          .setGatewayId(gatewayA.id).build()));
    }
    java.util.function.BiFunction<Long, String, RoomReply> join = (connId, roomId) -> {
      try {
        return await(fanout.join(RoomMembership.newBuilder().setConnId(connId).setUserId(user).setRoomId(roomId)
            .build()));
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    };
    assertThat(join.apply(11L, room + "-a").getCode()).isEqualTo(Code.OK);
    assertThat(join.apply(11L, room + "-b").getCode()).isEqualTo(Code.OK);
    assertThat(join.apply(12L, room + "-c").getCode()).isEqualTo(Code.OK);
    assertThat(join.apply(12L, room + "-a").getCode()).as("a room the user is in already").isEqualTo(Code.OK);
    RoomReply over = join.apply(12L, room + "-d");
    assertThat(over.getCode()).isEqualTo(Code.BAD_REQUEST);
    assertThat(over.getError()).contains("roomId").contains("state.room.user.joins.max").contains("(3)").contains(user);
    assertThat(fanout.membershipCount()).isEqualTo(4);
    assertThat(await(roomTable.isMember(room + "-d", user))).as("nothing recorded").isFalse();
    assertThat(dev.stoa.common.metrics.Metrics.registry().find("stoa.state.room.joins.refused").tag("limit", "user")
        .tag("state_server", serverId).counter().count()).isEqualTo(1.0);
    await(fanout.leave(RoomMembership.newBuilder().setConnId(11L).setUserId(user).setRoomId(room + "-b").build()));
    assertThat(join.apply(12L, room + "-d").getCode()).isEqualTo(Code.OK);
  }

  @Test
  void callsOutsideStartAndStopAreUnavailable() throws Exception {
    server = new StateServer(vertx, serverId, dataDir, OPTIONS, id -> Optional.ofNullable(gateways.get(id)));
    RoomFanout idle = new RoomFanout(vertx, server, OPTIONS, roomTable, () -> index,
        id -> Optional.ofNullable(gateways.get(id)), ROUTE_TTL);
    assertThat(await(idle.join(membership(1, room))).getCode()).isEqualTo(Code.UNAVAILABLE);
    await(server.start());
    await(idle.start());
    await(idle.stop());
    assertThat(await(idle.leave(membership(1, room))).getCode()).isEqualTo(Code.UNAVAILABLE);
  }

  @Test
  void membershipsAreRefreshedInTheRoomTableBeyondTheRouteTtl() throws Exception {
    start(OPTIONS);
    attach(1, gatewayA);
    join(1, room);

    Thread.sleep(ROUTE_TTL.toMillis() * 3 / 2);

    assertThat(await(roomTable.isMember(room, "u1"))).isTrue();
  }

  // ---- helpers ----

  private void start(StateOptions options) throws Exception {
    server = new StateServer(vertx, serverId, dataDir, options, id -> Optional.ofNullable(gateways.get(id)));
    fanout = new RoomFanout(vertx, server, options, roomTable, () -> index,
        id -> Optional.ofNullable(gateways.get(id)), ROUTE_TTL);
    await(server.start());
    await(fanout.start());
  }

  private void attach(long connId, RecordingGateway gateway) throws Exception {
    await(server.attach(connection(connId, gateway)));
  }

  private RoomReply join(long connId, String roomId) throws Exception {
    return await(fanout.join(membership(connId, roomId)));
  }

  private static Connection connection(long connId, RecordingGateway gateway) {
    return Connection.newBuilder().setConnId(connId).setUserId("u" + connId).setDeviceId("d" + connId)
        .setGatewayId(gateway.id).build();
  }

  private static RoomMembership membership(long connId, String roomId) {
    return RoomMembership.newBuilder().setConnId(connId).setUserId("u" + connId).setRoomId(roomId).build();
  }

  /** The seqs of {@code room} pushed to {@code connId} through {@code gateway}, in call order. */
  private List<Long> seqsTo(RecordingGateway gateway, long connId) {
    return gateway.calls.stream().filter(c -> c.connIds().contains(connId))
        .map(c -> c.frame().getPush().getMessage())
        .filter(m -> m.getSessionId().equals("room:" + room))
        .map(Message::getSeq).toList();
  }

  private List<RecordingGateway.Call> allCalls() {
    List<RecordingGateway.Call> all = new ArrayList<>(gatewayA.calls);
    all.addAll(gatewayB.calls);
    all.addAll(gatewayC.calls);
    return all;
  }

  private double counter(String name) {
    Counter counter = Metrics.registry().find(name).tag("state_server", serverId).counter();
    assertThat(counter).as("counter " + name).isNotNull();
    return counter.count();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static boolean awaitQuietly(Future<Boolean> future) {
    try {
      return await(future);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static void waitUntil(BooleanSupplier condition) throws InterruptedException {
    waitUntil(condition, Duration.ofSeconds(15));
  }

  private static void waitUntil(BooleanSupplier condition, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + timeout.toMillis() + " ms");
      }
      Thread.sleep(5);
    }
  }
}
