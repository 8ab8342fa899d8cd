package dev.stoa.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.proto.client.Message;
import dev.stoa.proto.client.Messages;
import dev.stoa.sdk.Encoding;
import dev.stoa.sdk.StoaClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chat rooms end to end on {@code stoa standalone} over WebSocket (issue 3): messages are stored by
 * the index server's shard leader, state servers pull them on their tick and fan them out.
 */
class RoomsTest {
  static final int ROOMS = 3;
  static final int MEMBERS = 50;
  static final int MESSAGES_PER_ROOM = 10;

  @TempDir
  Path dir;
  Vertx vertx;
  TestNode node;
  final List<StoaClient> clients = new ArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    node = TestNode.standalone(dir, Map.of());
  }

  @AfterEach
  void stop() {
    for (StoaClient c : clients) {
      TestNode.await(c.close().otherwiseEmpty());
    }
    if (node != null) {
      node.close();
    }
    TestNode.await(vertx.close());
  }

  /** A connected member that records the room messages it is pushed, per room. */
  final class Member {
    final String userId;
    final StoaClient client;
    final Map<String, List<Message>> received = new ConcurrentHashMap<>();

    Member(String userId) {
      this.userId = userId;
      this.client = StoaClient.builder(vertx).websocket(node.wsUrl(), Encoding.JSON)
          .token(node.token(vertx, userId, "d1")).deviceId("d1").build();
      clients.add(client);
      client.onMessage(m -> received.computeIfAbsent(m.getSessionId(), k -> new CopyOnWriteArrayList<>()).add(m));
      TestNode.await(client.connect());
    }

    List<Long> seqs(String roomId) {
      return received.getOrDefault("room:" + roomId, List.of()).stream().map(Message::getSeq).toList();
    }
  }

  static void eventually(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out: " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  static List<Long> oneTo(int n) {
    List<Long> out = new ArrayList<>();
    for (long i = 1; i <= n; i++) {
      out.add(i);
    }
    return out;
  }

  @Test
  void everyMemberGetsEveryMessageInOrderLeaversStopAndLateJoinersPullTheRing() {
    List<Member> members = new ArrayList<>();
    for (int i = 0; i < MEMBERS; i++) {
      Member m = new Member("member-" + i);
      members.add(m);
    }
    // member i joins room i % 3, and members 0..2 join every room
    for (int i = 0; i < MEMBERS; i++) {
      for (int r = 0; r < ROOMS; r++) {
        if (i % ROOMS == r || i < ROOMS) {
          TestNode.await(members.get(i).client.join("room-" + r));
        }
      }
    }
    // members 0..2 send, alternating rooms; sends to one room come from several users
    for (int k = 0; k < MESSAGES_PER_ROOM; k++) {
      for (int r = 0; r < ROOMS; r++) {
        Member sender = members.get((k + r) % ROOMS);
        assertThat(TestNode.await(sender.client.send("room:room-" + r, "m" + k + " in room " + r)).getSeq())
            .isEqualTo(k + 1);
      }
    }
    for (int i = 0; i < MEMBERS; i++) {
      Member m = members.get(i);
      for (int r = 0; r < ROOMS; r++) {
        String room = "room-" + r;
        boolean joined = i % ROOMS == r || i < ROOMS;
        if (joined) {
          eventually(m.userId + " gets all of " + room, () -> m.seqs(room).size() >= MESSAGES_PER_ROOM);
          assertThat(m.seqs(room)).as(m.userId + " in " + room).containsExactlyElementsOf(oneTo(MESSAGES_PER_ROOM));
          assertThat(m.received.get("room:" + room).get(3).getBody()).isEqualTo("m3 in room " + r);
        } else {
          assertThat(m.seqs(room)).as(m.userId + " never joined " + room).isEmpty();
        }
      }
    }

    // member 3 (room-0) leaves; member 6 (room-0) stays; one more message
    Member leaver = members.get(3);
    Member stayer = members.get(6);
    TestNode.await(leaver.client.leave("room-0"));
    TestNode.await(members.get(0).client.send("room:room-0", "after the leave"));
    eventually("the stayer gets the message after the leave", () -> stayer.seqs("room-0").size() == MESSAGES_PER_ROOM + 1);
    sleepMillis(500); // several poll ticks
    assertThat(leaver.seqs("room-0")).as("a member that left").hasSize(MESSAGES_PER_ROOM);

    // a late joiner pulls the ring
    Member late = new Member("late-joiner");
    TestNode.await(late.client.join("room-1"));
    Messages history = TestNode.await(late.client.pull("room:room-1", 0, 100));
    assertThat(history.getMessagesList()).extracting(Message::getSeq).containsExactlyElementsOf(oneTo(MESSAGES_PER_ROOM));
    // ... and is pushed what comes next
    TestNode.await(members.get(1).client.send("room:room-1", "welcome"));
    eventually("the late joiner is pushed the next message", () -> late.seqs("room-1").contains((long) MESSAGES_PER_ROOM + 1));

    // a user who never joined may neither send nor pull
    Member outsider = members.get(4); // room-1 only
    assertThat(outsider.client.send("room:room-2", "let me in").toCompletionStage().toCompletableFuture()
        .handle((ok, err) -> err == null ? "sent" : err.getMessage()).join()).contains("FORBIDDEN");
  }

  @Test
  void aRestartRebuildsTheRingsFromTheWalAndClosingDropsThem() {
    Member alice = new Member("alice");
    TestNode.await(alice.client.join("lobby"));
    for (int k = 1; k <= 5; k++) {
      TestNode.await(alice.client.send("room:lobby", "before restart " + k));
    }
    for (StoaClient c : clients) {
      TestNode.await(c.close().otherwiseEmpty());
    }
    clients.clear();
    node.close();
    node = TestNode.standalone(dir, Map.of());

    Member again = new Member("alice");
    TestNode.await(again.client.join("lobby"));
    Messages ring = TestNode.await(again.client.pull("room:lobby", 0, 100));
    assertThat(ring.getMessagesList()).extracting(Message::getSeq).containsExactlyElementsOf(oneTo(5));
    assertThat(ring.getMessages(4).getBody()).isEqualTo("before restart 5");
    assertThat(TestNode.await(again.client.send("room:lobby", "after restart")).getSeq()).isEqualTo(6);

    TestNode.HttpAnswer closed = TestNode.http(vertx, node.httpPort(), HttpMethod.POST, "/v1/rooms/lobby/close",
        "Bearer " + TestNode.ADMIN_SECRET, null);
    assertThat(closed.status()).isEqualTo(200);
    assertThat(closed.body().getString("roomId")).isEqualTo("lobby");
    assertThat(closed.body().getBoolean("closed")).isTrue();
    // the membership is gone with the room: a pull is refused until the user joins again
    Future<Messages> refused = again.client.pull("room:lobby", 0, 100);
    assertThat(refused.toCompletionStage().toCompletableFuture().handle((ok, err) -> err == null ? "pulled"
        : err.getMessage()).join()).contains("FORBIDDEN");
    TestNode.await(again.client.join("lobby"));
    assertThat(TestNode.await(again.client.pull("room:lobby", 0, 100)).getMessagesList()).as("ring dropped").isEmpty();

    TestNode.HttpAnswer notAdmin = TestNode.http(vertx, node.httpPort(), HttpMethod.POST, "/v1/rooms/lobby/close",
        "Bearer nope", null);
    assertThat(notAdmin.status()).isEqualTo(401);
    TestNode.HttpAnswer badId = TestNode.http(vertx, node.httpPort(), HttpMethod.POST, "/v1/rooms/bad%20id/close",
        "Bearer " + TestNode.ADMIN_SECRET, null);
    assertThat(badId.status()).isEqualTo(400);
    assertThat(badId.body().getString("message")).startsWith("roomId: ");
  }

  static void sleepMillis(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
