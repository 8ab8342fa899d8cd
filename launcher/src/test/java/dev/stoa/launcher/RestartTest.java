package dev.stoa.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.proto.client.Message;
import dev.stoa.proto.client.Messages;
import dev.stoa.proto.client.SendAck;
import dev.stoa.sdk.Encoding;
import dev.stoa.sdk.StoaClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stoa standalone} as a child process, stopped and killed with SIGKILL on one data
 * directory: history, seq and dedup survive, and nothing acknowledged is lost.
 */
class RestartTest {
  @TempDir
  Path dir;
  static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    TestNode.await(vertx.close());
  }

  private static String token(int port, String user, String device) {
    return TestNode.http(vertx, port, HttpMethod.POST, "/v1/tokens", "Bearer " + TestNode.ADMIN_SECRET,
        new JsonObject().put("userId", user).put("deviceId", device).encode()).body().getString("token");
  }

  private static JsonObject send(int port, String token, String clientMsgId, String body) {
    TestNode.HttpAnswer answer = TestNode.http(vertx, port, HttpMethod.POST, "/v1/messages", "Bearer " + token,
        new JsonObject().put("clientMsgId", clientMsgId).put("sessionId", "user:bob").put("body", body).encode());
    assertThat(answer.status()).as("send %s: %s", clientMsgId, answer.body()).isEqualTo(200);
    return answer.body();
  }

  private static JsonArray sync(int port, String token) {
    return TestNode.http(vertx, port, HttpMethod.GET, "/v1/sync?cursor=0&limit=200", "Bearer " + token, null)
        .body().getJsonArray("messages");
  }

  @Test
  void killNineAfterSendAckLosesNothingAndSeqDedupAndTheStateMapSurvive() throws Exception {
    try (ChildNode child = new ChildNode(dir.resolve("node"))) {
      child.start(vertx);
      String alice = token(child.httpPort, "alice", "web");
      List<JsonObject> acks = new ArrayList<>();
      for (int i = 1; i <= 20; i++) {
        acks.add(send(child.httpPort, alice, "k-" + i, "message " + i));
      }
      // GIVEN 20 acknowledged messages, WHEN the process dies at once (bob was never online, so
      // the push of the last ones is at best in flight)
      child.kill();

      child.start(vertx);
      // the node kept its id, so the state server reopened its map instead of leaving it behind
      try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(dir.resolve("node").resolve("state"))) {
        assertThat(files.filter(f -> f.getFileName().toString().endsWith(".cmap")).toList())
            .as("state map files after a kill -9 and a restart").hasSize(1);
      }
      String bob = token(child.httpPort, "bob", "phone");
      JsonArray synced = sync(child.httpPort, bob);
      assertThat(synced).hasSize(20);
      for (int i = 0; i < 20; i++) {
        JsonObject m = synced.getJsonObject(i);
        assertThat(m.getString("msgId")).isEqualTo(acks.get(i).getString("msgId"));
        assertThat(m.getString("seq")).isEqualTo(String.valueOf(i + 1));
        assertThat(m.getString("body")).isEqualTo("message " + (i + 1));
      }

      // dedup survives the kill: a resend returns the first ack
      String aliceAgain = token(child.httpPort, "alice", "web");
      JsonObject resent = send(child.httpPort, aliceAgain, "k-7", "message 7");
      assertThat(resent.getString("msgId")).isEqualTo(acks.get(6).getString("msgId"));
      assertThat(resent.getString("seq")).isEqualTo("7");

      // seq continues after the last one, never reused, linked to the last message
      JsonObject next = send(child.httpPort, aliceAgain, "k-21", "message 21");
      assertThat(Long.parseLong(next.getString("seq"))).isGreaterThan(20);
      assertThat(next.getString("preSeq")).isEqualTo("20");
      assertThat(next.getString("preMsgId")).isEqualTo(acks.get(19).getString("msgId"));

      // and a graceful stop and start keeps all of it
      child.stop();
      child.start(vertx);
      assertThat(sync(child.httpPort, token(child.httpPort, "bob", "phone"))).hasSize(21);
    }
  }

  private StoaClient member(int port, String user, String device) {
    StoaClient client = StoaClient.builder(vertx).websocket("ws://127.0.0.1:" + port + "/v1/ws", Encoding.JSON)
        .token(token(port, user, device)).deviceId(device).build();
    TestNode.await(client.connect());
    TestNode.await(client.join("lobby"));
    return client;
  }

  @Test
  void killNineLosesNoAcknowledgedRoomMessageAndTheRingSeqAndDedupComeBackFromTheWal() throws Exception {
    try (ChildNode child = new ChildNode(dir.resolve("rooms"))) {
      child.start(vertx);
      StoaClient alice = member(child.httpPort, "alice", "web");
      List<SendAck> acks = new ArrayList<>();
      for (int i = 1; i <= 20; i++) {
        acks.add(TestNode.await(alice.send("r-" + i, "room:lobby", "room message " + i)));
      }
      TestNode.await(alice.close().otherwiseEmpty());
      // GIVEN 20 acknowledged room messages, WHEN the process dies at once
      child.kill();

      child.start(vertx);
      StoaClient again = member(child.httpPort, "alice", "web");
      try {
        Messages ring = TestNode.await(again.pull("room:lobby", 0, 100));
        assertThat(ring.getMessagesList()).extracting(Message::getMsgId)
            .containsExactlyElementsOf(acks.stream().map(SendAck::getMsgId).toList());
        assertThat(ring.getMessages(19).getBody()).isEqualTo("room message 20");
        // the dedup window is rebuilt from the log: a resend returns the first ack
        SendAck resent = TestNode.await(again.send("r-7", "room:lobby", "room message 7"));
        assertThat(resent.getMsgId()).isEqualTo(acks.get(6).getMsgId());
        assertThat(resent.getSeq()).isEqualTo(7);
        // seq continues, linked to the last message before the kill
        SendAck next = TestNode.await(again.send("r-21", "room:lobby", "room message 21"));
        assertThat(next.getSeq()).isEqualTo(21);
        assertThat(next.getPreMsgId()).isEqualTo(acks.get(19).getMsgId());
      } finally {
        TestNode.await(again.close().otherwiseEmpty());
      }
    }
  }
}
