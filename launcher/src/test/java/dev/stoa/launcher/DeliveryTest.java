package dev.stoa.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on a standalone node, with hand-written JSON frames: retransmission until ack, and
 * idempotent resends.
 */
class DeliveryTest {
  @TempDir
  static Path dir;
  static Vertx vertx;
  static TestNode node;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    node = TestNode.standalone(dir, Map.of("state.retransmit.initial.ms", "300", "state.retransmit.max.ms", "600"));
  }

  @AfterAll
  static void stop() {
    node.close();
    TestNode.await(vertx.close());
  }

  @Test
  void aPushIsRetransmittedUntilAckedAndNeverAfter() {
    // GIVEN bob online on a client that does not ack
    try (RawClient bob = RawClient.open(vertx, node.httpPort());
         RawClient alice = RawClient.open(vertx, node.httpPort())) {
      bob.connect(node.token(vertx, "rt-bob", "phone"), "phone");
      alice.connect(node.token(vertx, "rt-alice", "web"), "web");

      // WHEN alice sends
      alice.send("{\"send\":{\"clientMsgId\":\"m-1\",\"sessionId\":\"user:rt-bob\",\"body\":\"ping?\"}}");
      JsonObject ack = alice.nextOf("sendAck", 10);
      assertThat(ack.getString("code")).isEqualTo("OK");

      // THEN bob gets the push, and again while he does not ack
      JsonObject first = bob.nextOf("push", 10).getJsonObject("message");
      JsonObject again = bob.nextOf("push", 10).getJsonObject("message");
      assertThat(first.getString("msgId")).isEqualTo(ack.getString("msgId"));
      assertThat(again.getString("msgId")).isEqualTo(first.getString("msgId"));
      assertThat(again.getString("body")).isEqualTo("ping?");

      // WHEN bob acks, THEN it never comes again: retransmits already queued or on the wire when the
      // ack left may still arrive (how many depends on how fast this machine gets the ack to the state
      // server), then nothing for well past the retransmit interval (state.retransmit.max.ms = 600)
      bob.send(new JsonObject().put("ack", new JsonObject().put("sessionId", first.getString("sessionId"))
          .put("msgId", first.getString("msgId"))).encode());
      long deadline = System.currentTimeMillis() + 20_000;
      long lastPushAt = System.currentTimeMillis();
      int pushesAfterAck = 0;
      while (System.currentTimeMillis() - lastPushAt < 2_000) {
        assertThat(System.currentTimeMillis()).as("still pushed 20 s after the ack, %d times", pushesAfterAck)
            .isLessThan(deadline);
        JsonObject frame = bob.poll(100);
        if (frame != null && frame.containsKey("push")) {
          pushesAfterAck++;
          lastPushAt = System.currentTimeMillis();
        }
      }
    }
  }

  @Test
  void aResendWithTheSameClientMsgIdReturnsTheFirstAckAndStoresNothingNew() {
    try (RawClient alice = RawClient.open(vertx, node.httpPort())) {
      String token = node.token(vertx, "dd-alice", "web");
      alice.connect(token, "web");
      String send = "{\"send\":{\"clientMsgId\":\"same-1\",\"sessionId\":\"user:dd-bob\",\"body\":\"once\"}}";
      alice.send(send);
      JsonObject first = alice.nextOf("sendAck", 10);
      alice.send(send);
      JsonObject second = alice.nextOf("sendAck", 10);

      assertThat(second.getString("msgId")).isEqualTo(first.getString("msgId"));
      assertThat(second.getString("seq")).isEqualTo(first.getString("seq"));
      assertThat(second.getString("sessionId")).isEqualTo("c2c:dd-alice:dd-bob");

      // the same resend over HTTP is recognised too (same user and device)
      TestNode.HttpAnswer overHttp = TestNode.http(vertx, node.httpPort(), HttpMethod.POST, "/v1/messages",
          "Bearer " + token, "{\"clientMsgId\":\"same-1\",\"sessionId\":\"user:dd-bob\",\"body\":\"once\"}");
      assertThat(overHttp.status()).isEqualTo(200);
      assertThat(overHttp.body().getString("msgId")).isEqualTo(first.getString("msgId"));

      String bobToken = node.token(vertx, "dd-bob", "phone");
      JsonArray pulled = TestNode.http(vertx, node.httpPort(), HttpMethod.GET,
          "/v1/sessions/c2c:dd-alice:dd-bob/messages?afterSeq=0&limit=50", "Bearer " + bobToken, null)
          .body().getJsonArray("messages");
      assertThat(pulled).hasSize(1);
      JsonArray synced = TestNode.http(vertx, node.httpPort(), HttpMethod.GET, "/v1/sync?cursor=0&limit=100",
          "Bearer " + bobToken, null).body().getJsonArray("messages");
      assertThat(synced).hasSize(1);
      assertThat(synced.getJsonObject(0).getString("msgId")).isEqualTo(first.getString("msgId"));
    }
  }
}
