package dev.stoa.launcher;

import dev.stoa.cluster.Role;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Roles split over two processes: the state server alone in a child JVM, everything else (gateway,
 * writer, reader, index server) in this one. Only the state server is killed with SIGKILL and
 * started again on its data directory while bob stays connected to the gateway: the push pending
 * at the kill is retransmitted to him, new messages are pushed to him, and room messages reach
 * him again once the gateway has re-attached his connection and its room, all without a reconnect.
 */
class StateServerRestartTest {
  private static final String SECRET = "state-restart-cluster-secret-" + UUID.randomUUID();

  @TempDir
  static Path dir;
  static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    TestNode.await(vertx.close());
  }

  @Test
  void bobKeepsGettingPushesWithoutReconnectingWhenOnlyTheStateServerIsKilledAndRestarted() throws Exception {
    String cluster = "stoa-state-restart-" + UUID.randomUUID();
    int gatewayPort = SplitRolesTest.freePort();
    int statePort = SplitRolesTest.freePort();
    String members = "127.0.0.1:" + gatewayPort + ",127.0.0.1:" + statePort;
    List<String> clusterFlags = List.of("--cluster.name=" + cluster, "--cluster.members=" + members,
        "--cluster.port=" + statePort, "--cluster.secret=" + SECRET);
    try (ChildNode state = new ChildNode(dir.resolve("state"), "state", clusterFlags)) {
      state.start(vertx);
      // a short heartbeat: the gateway looks for restarted state servers at every beat
      try (TestNode rest = TestNode.start(EnumSet.of(Role.GATEWAY, Role.WRITER,
          Role.READER, Role.INDEX), dir.resolve("rest"), cluster, Map.of("cluster.members", members,
          "cluster.port", Integer.toString(gatewayPort), "cluster.secret", SECRET,
          "gateway.heartbeat.seconds", "1"));
          RawClient bob = connectOnceTheStateServerIsAnnounced(rest, "bob", "phone");
          RawClient alice = connectOnceTheStateServerIsAnnounced(rest, "alice", "web")) {
        join(bob, "lobby");
        String aliceToken = rest.token(vertx, "alice", "laptop");
        // GIVEN a push bob has received but not acked
        JsonObject first = send(rest, aliceToken, "m-1", "before the kill");
        assertThat(pushOf(bob, first.getString("msgId"), 30)).isNotNull();

        // WHEN the state server alone dies at once and starts again on its data directory
        state.kill();
        state.start(vertx);

        // THEN the pending push is retransmitted on the same connection
        JsonObject again = pushOf(bob, first.getString("msgId"), 60);
        assertThat(again.getString("body")).isEqualTo("before the kill");
        ack(bob, again);
        // a new message reaches him at once: the push names the gateway of his connection
        JsonObject second = send(rest, aliceToken, "m-2", "after the restart");
        assertThat(pushOf(bob, second.getString("msgId"), 30).getString("body")).isEqualTo("after the restart");
        // and room messages do once the gateway has re-attached him with his room
        join(alice, "lobby");
        JsonObject roomPush = null;
        for (int i = 1; i <= 30 && roomPush == null; i++) {
          alice.send(new JsonObject().put("send", new JsonObject().put("clientMsgId", "r-" + i)
              .put("sessionId", "room:lobby").put("body", "room " + i)).encode());
          roomPush = pushIn(bob, "room:lobby", 1_000);
        }
        assertThat(roomPush).as("a room push to bob within 30 room sends after the restart").isNotNull();
        assertThat(bob.isClosed()).as("bob's connection").isFalse();
      }
    }
  }

  private static RawClient connectOnceTheStateServerIsAnnounced(TestNode node, String user, String device) {
    String token = node.token(vertx, user, device);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      RawClient client = RawClient.open(vertx, node.httpPort());
      client.send(new JsonObject().put("connect", new JsonObject().put("token", token).put("deviceId", device))
          .encode());
      JsonObject answer = client.next(30);
      if (answer.containsKey("connAck")) {
        return client;
      }
      client.close();
      assertThat(System.nanoTime()).as("connect of %s within 60 s; last answer %s", user, answer).isLessThan(deadline);
      ChildNode.sleep(200);
    }
  }

  private static void join(RawClient client, String roomId) {
    client.send(new JsonObject().put("join", new JsonObject().put("roomId", roomId)).encode());
    assertThat(client.nextOf("joined", 30).getString("roomId")).isEqualTo(roomId);
  }

  private static JsonObject send(TestNode node, String token, String clientMsgId, String body) {
    TestNode.HttpAnswer answer = TestNode.http(vertx, node.httpPort(), HttpMethod.POST, "/v1/messages",
        "Bearer " + token, new JsonObject().put("clientMsgId", clientMsgId).put("sessionId", "user:bob")
            .put("body", body).encode());
    assertThat(answer.status()).as("send %s: %s", clientMsgId, answer.body()).isEqualTo(200);
    return answer.body();
  }

  private static void ack(RawClient client, JsonObject message) {
    client.send(new JsonObject().put("ack", new JsonObject().put("sessionId", message.getString("sessionId"))
        .put("msgId", message.getString("msgId"))).encode());
  }

  /** Skips frames until the push of {@code msgId} arrives; fails after {@code seconds}. */
  private static JsonObject pushOf(RawClient client, String msgId, int seconds) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      JsonObject push = client.nextOf("push", seconds);
      JsonObject message = push.getJsonObject("message");
      if (msgId.equals(message.getString("msgId"))) {
        return message;
      }
    }
    throw new AssertionError("no push of msgId " + msgId + " within " + seconds + " s");
  }

  /** The next push of {@code sessionId} within {@code millis} (other frames skipped), or null. */
  private static JsonObject pushIn(RawClient client, String sessionId, long millis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (System.nanoTime() < deadline) {
      JsonObject frame = client.poll(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      if (frame != null && frame.containsKey("push")
          && sessionId.equals(frame.getJsonObject("push").getJsonObject("message").getString("sessionId"))) {
        return frame.getJsonObject("push").getJsonObject("message");
      }
    }
    return null;
  }
}
