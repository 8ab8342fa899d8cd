package dev.stoa.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input from a client gets the PROTOCOL.md error code with a message naming the field, and the
 * server goes on serving everyone else.
 */
class BadInputTest {
  @TempDir
  static Path dir;
  static Vertx vertx;
  static TestNode node;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    node = TestNode.standalone(dir, Map.of());
  }

  @AfterAll
  static void stop() {
    node.close();
    TestNode.await(vertx.close());
  }

  private JsonObject errorFor(RawClient client, String frame) {
    client.send(frame);
    return client.nextOf("error", 10);
  }

  @Test
  void badFramesAreRejectedWithTheirCodeAndTheConnectionKeepsWorking() {
    try (RawClient alice = RawClient.open(vertx, node.httpPort());
         RawClient bob = RawClient.open(vertx, node.httpPort())) {
      alice.connect(node.token(vertx, "bi-alice", "web"), "web");
      bob.connect(node.token(vertx, "bi-bob", "phone"), "phone");

      assertThat(errorFor(alice, "{\"teleport\":{}}").getString("code")).isEqualTo("BAD_REQUEST");
      assertThat(errorFor(alice, "{not json").getString("code")).isEqualTo("BAD_REQUEST");

      JsonObject badId = errorFor(alice, "{\"send\":{\"clientMsgId\":\"x1\",\"sessionId\":\"user:no spaces!\",\"body\":\"b\"}}");
      assertThat(badId.getString("code")).isEqualTo("BAD_REQUEST");
      assertThat(badId.getString("message")).contains("sessionId");
      assertThat(badId.getString("clientMsgId")).isEqualTo("x1");

      JsonObject tooLarge = errorFor(alice, new JsonObject().put("send", new JsonObject()
          .put("clientMsgId", "x2").put("sessionId", "user:bi-bob").put("body", "x".repeat(40_000))).encode());
      assertThat(tooLarge.getString("code")).isEqualTo("TOO_LARGE");
      assertThat(tooLarge.getString("message")).contains("body");

      JsonObject notMine = errorFor(alice, "{\"send\":{\"clientMsgId\":\"x3\",\"sessionId\":\"c2c:bi-bob:bi-carol\",\"body\":\"b\"}}");
      assertThat(notMine.getString("code")).isEqualTo("FORBIDDEN");

      JsonObject pullNotMine = errorFor(alice, "{\"pull\":{\"sessionId\":\"c2c:bi-bob:bi-carol\",\"afterSeq\":\"0\",\"limit\":10}}");
      assertThat(pullNotMine.getString("code")).isEqualTo("FORBIDDEN");

      // the connection still serves
      alice.send("{\"ping\":{}}");
      assertThat(alice.nextOf("pong", 10).getString("serverTime")).isNotEmpty();
      alice.send("{\"send\":{\"clientMsgId\":\"ok-1\",\"sessionId\":\"user:bi-bob\",\"body\":\"fine\"}}");
      assertThat(alice.nextOf("sendAck", 10).getString("code")).isEqualTo("OK");
      // and so does everyone else: bob, online throughout, gets exactly the one good message
      JsonObject pushed = bob.nextOf("push", 10).getJsonObject("message");
      assertThat(pushed.getString("body")).isEqualTo("fine");
      assertThat(pushed.getString("seq")).isEqualTo("1");
    }
  }

  @Test
  void connectWithoutAValidTokenIsRefusedAndClosed() {
    try (RawClient stranger = RawClient.open(vertx, node.httpPort())) {
      stranger.send("{\"connect\":{\"token\":\"not-a-jwt\"}}");
      assertThat(stranger.nextOf("error", 10).getString("code")).isEqualTo("UNAUTHENTICATED");
    }
    try (RawClient early = RawClient.open(vertx, node.httpPort())) {
      early.send("{\"ping\":{}}");
      assertThat(early.nextOf("error", 10).getString("code")).isIn("UNAUTHENTICATED", "BAD_REQUEST");
    }
    // an expired token (ttl 1 s, then wait)
    JsonObject minted = TestNode.http(vertx, node.httpPort(), HttpMethod.POST, "/v1/tokens",
        "Bearer " + TestNode.ADMIN_SECRET, "{\"userId\":\"bi-late\",\"deviceId\":\"d\",\"ttlSeconds\":1}").body();
    sleep(2_100);
    try (RawClient late = RawClient.open(vertx, node.httpPort())) {
      late.send(new JsonObject().put("connect", new JsonObject().put("token", minted.getString("token"))).encode());
      assertThat(late.nextOf("error", 10).getString("code")).isEqualTo("UNAUTHENTICATED");
    }
  }

  @Test
  void httpErrorsCarryCodeAndMessage() {
    TestNode.HttpAnswer noAuth = TestNode.http(vertx, node.httpPort(), HttpMethod.POST, "/v1/messages", null,
        "{\"clientMsgId\":\"h1\",\"sessionId\":\"user:x\",\"body\":\"b\"}");
    assertThat(noAuth.status()).isEqualTo(401);
    assertThat(noAuth.body().getString("code")).isEqualTo("UNAUTHENTICATED");

    TestNode.HttpAnswer wrongAdmin = TestNode.http(vertx, node.httpPort(), HttpMethod.POST, "/v1/tokens",
        "Bearer nope", "{\"userId\":\"u\",\"deviceId\":\"d\"}");
    assertThat(wrongAdmin.status()).isEqualTo(401);

    TestNode.HttpAnswer badUser = TestNode.http(vertx, node.httpPort(), HttpMethod.POST, "/v1/tokens",
        "Bearer " + TestNode.ADMIN_SECRET, "{\"userId\":\"bad user\",\"deviceId\":\"d\"}");
    assertThat(badUser.status()).isEqualTo(400);
    assertThat(badUser.body().getString("message")).contains("userId");

    String token = node.token(vertx, "bi-http", "d");
    TestNode.HttpAnswer badLimit = TestNode.http(vertx, node.httpPort(), HttpMethod.GET,
        "/v1/sessions/c2c:bi-http:bi-x/messages?afterSeq=0&limit=5000", "Bearer " + token, null);
    assertThat(badLimit.status()).isEqualTo(400);
    assertThat(badLimit.body().getString("message")).contains("limit");

    TestNode.HttpAnswer health = TestNode.http(vertx, node.httpPort(), HttpMethod.GET, "/health", null, null);
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.body().getString("status")).isEqualTo("UP");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
