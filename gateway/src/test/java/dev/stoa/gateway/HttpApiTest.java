package dev.stoa.gateway;

import static dev.stoa.gateway.TestClients.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.gateway.TestClients.FrameClient;
import dev.stoa.gateway.TestPeers.FakeWriter;
import dev.stoa.proto.client.Code;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP API rows of PROTOCOL.md served by the gateway, through a real HTTP client. */
class HttpApiTest extends GatewayFixture {
  /**
   * The JDK's HTTP client, not Vert.x's: Vert.x 5.0.7's pooled HTTP/1.1 client was seen to lose
   * about one response in 600 on a reused keep-alive connection (the server answered; a Python
   * client on one keep-alive connection got 3,000 of 3,000), which made these tests flaky.
   */
  static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newBuilder()
      .connectTimeout(java.time.Duration.ofSeconds(5)).build();

  record Response(int status, String contentType, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  @BeforeEach
  void startGateway() {
    start(Map.of("gateway.frame.max.bytes", "2048", "token.ttl.max.seconds", "3600",
        "token.ttl.default.seconds", "600"));
  }

  Response call(HttpMethod method, String path, String bearer, String body) {
    java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(
            java.net.URI.create("http://127.0.0.1:" + server.httpPort() + path))
        .timeout(TestClients.WAIT)
        .method(method.name(), body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
            : java.net.http.HttpRequest.BodyPublishers.ofString(body));
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    try {
      java.net.http.HttpResponse<String> response =
          HTTP.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.headers().firstValue("content-type").orElse(null),
          response.body());
    } catch (java.io.IOException e) {
      throw new AssertionError(method + " " + path + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static void assertError(Response r, int status, Code code, String messagePart) {
    assertThat(r.status()).as("status of %s", r.body()).isEqualTo(status);
    assertThat(r.contentType()).isEqualTo("application/json");
    JsonObject body = r.json();
    assertThat(body.fieldNames()).containsExactlyInAnyOrder("code", "message");
    assertThat(body.getString("code")).isEqualTo(code.name());
    assertThat(body.getString("message")).contains(messagePart);
  }

  // ---- tokens ----

  @Test
  void hostileTokenBodiesAreRefusedNamingTheProblemNotParsedAtLength() {
    String prefix = "{\"userId\":\"alice\",\"deviceId\":\"d\",\"ttlSeconds\":";
    // an exponent that a BigDecimal would expand, a number of 1,500 digits, arrays nested 1,900 deep
    assertError(call(HttpMethod.POST, "/v1/tokens", ADMIN_SECRET, prefix + "1e100000000}"), 400, Code.BAD_REQUEST,
        "ttlSeconds");
    assertError(call(HttpMethod.POST, "/v1/tokens", ADMIN_SECRET, prefix + "9".repeat(1_500) + "}"), 400,
        Code.BAD_REQUEST, "body");
    assertError(call(HttpMethod.POST, "/v1/tokens", ADMIN_SECRET, prefix + "[".repeat(1_900) + "}"), 400,
        Code.BAD_REQUEST, "body");
    // and the gateway still answers at once
    assertThat(call(HttpMethod.POST, "/v1/tokens", ADMIN_SECRET, prefix + "60}").status()).isEqualTo(200);
  }


  @Test
  void tokensNeedTheAdminSecret() {
    String body = "{\"userId\":\"alice\",\"deviceId\":\"web-1\"}";
    assertError(call(HttpMethod.POST, "/v1/tokens", null, body), 401, Code.UNAUTHENTICATED, "Authorization");
    assertError(call(HttpMethod.POST, "/v1/tokens", "wrong-secret", body), 401, Code.UNAUTHENTICATED,
        "not the admin secret");
    assertError(call(HttpMethod.POST, "/v1/tokens", token("alice", "web-1"), body), 401, Code.UNAUTHENTICATED,
        "not the admin secret");
  }

  @Test
  void anIssuedTokenConnectsAndExpiresWhenSaid() {
    long before = System.currentTimeMillis();
    Response r = call(HttpMethod.POST, "/v1/tokens", ADMIN_SECRET,
        "{\"userId\":\"alice\",\"deviceId\":\"web-1\",\"ttlSeconds\":120}");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().fieldNames()).containsExactlyInAnyOrder("token", "expiresAt");
    assertThat(r.json().getValue("expiresAt")).isInstanceOf(String.class);
    long expiresAt = Long.parseLong(r.json().getString("expiresAt"));
    assertThat(expiresAt).isBetween(before + 119_000, System.currentTimeMillis() + 121_000);
    FrameClient client = openWs(false);
    assertThat(client.connect(r.json().getString("token")).getConnAck().getUserId()).isEqualTo("alice");

    Response dflt = call(HttpMethod.POST, "/v1/tokens", ADMIN_SECRET, "{\"userId\":\"bob\",\"deviceId\":\"d\"}");
    long defaultExpiry = Long.parseLong(dflt.json().getString("expiresAt"));
    assertThat(defaultExpiry).isBetween(before + 599_000, System.currentTimeMillis() + 601_000);
  }

  @Test
  void badTokenRequestsNameTheField() {
    assertError(call(HttpMethod.POST, "/v1/tokens", ADMIN_SECRET, "{\"userId\":\"a b\",\"deviceId\":\"d\"}"),
        400, Code.BAD_REQUEST, "userId: must be 1-64 chars");
    assertError(call(HttpMethod.POST, "/v1/tokens", ADMIN_SECRET, "{\"userId\":\"a\"}"),
        400, Code.BAD_REQUEST, "deviceId: is required");
    assertError(call(HttpMethod.POST, "/v1/tokens", ADMIN_SECRET, "{\"userId\":\"a\",\"deviceId\":7}"),
        400, Code.BAD_REQUEST, "deviceId: must be a string");
    assertError(call(HttpMethod.POST, "/v1/tokens", ADMIN_SECRET,
        "{\"userId\":\"a\",\"deviceId\":\"d\",\"ttlSeconds\":3601}"), 400, Code.BAD_REQUEST, "ttlSeconds: must be in 1..3600");
    assertError(call(HttpMethod.POST, "/v1/tokens", ADMIN_SECRET,
        "{\"userId\":\"a\",\"deviceId\":\"d\",\"ttlSeconds\":\"long\"}"), 400, Code.BAD_REQUEST, "ttlSeconds");
    assertError(call(HttpMethod.POST, "/v1/tokens", ADMIN_SECRET,
        "{\"userId\":\"a\",\"deviceId\":\"d\",\"admin\":true}"), 400, Code.BAD_REQUEST, "unknown field 'admin'");
    assertError(call(HttpMethod.POST, "/v1/tokens", ADMIN_SECRET, "{\"userId\":"), 400, Code.BAD_REQUEST,
        "body: not valid JSON");
    assertError(call(HttpMethod.POST, "/v1/tokens", ADMIN_SECRET, "[1]"), 400, Code.BAD_REQUEST,
        "body: must be a JSON object");
  }

  // ---- messages ----

  @Test
  void postMessageAnswersTheSendAck() {
    Response r = call(HttpMethod.POST, "/v1/messages", token("alice", "server"),
        "{\"clientMsgId\":\"h-1\",\"sessionId\":\"user:bob\",\"body\":\"hi\"}");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.contentType()).isEqualTo("application/json");
    assertThat(r.body()).isEqualTo("{\"clientMsgId\":\"h-1\",\"sessionId\":\"c2c:alice:bob\",\"msgId\":\"7345\","
        + "\"seq\":\"1\",\"preSeq\":\"0\",\"preMsgId\":\"0\",\"sentAt\":\"1763800000123\",\"code\":\"OK\"}");
    assertThat(directory.writer.requests.get(0).getConnId()).isZero();
    assertThat(directory.writer.requests.get(0).getUserId()).isEqualTo("alice");
    assertThat(directory.writer.requests.get(0).getDeviceId()).isEqualTo("server");
  }

  @Test
  void postMessageErrors() {
    String body = "{\"clientMsgId\":\"h-2\",\"sessionId\":\"group:g\",\"body\":\"hi\"}";
    assertError(call(HttpMethod.POST, "/v1/messages", null, body), 401, Code.UNAUTHENTICATED, "Authorization");
    assertError(call(HttpMethod.POST, "/v1/messages", "garbage", body), 401, Code.UNAUTHENTICATED, "token: invalid");
    String expired = new TokenIssuer(vertx, ADMIN_SECRET, Clock.offset(Clock.systemUTC(), Duration.ofDays(-1)))
        .issue("alice", "d", Duration.ofSeconds(10)).token();
    assertError(call(HttpMethod.POST, "/v1/messages", expired, body), 401, Code.UNAUTHENTICATED, "token: expired");
    assertError(call(HttpMethod.POST, "/v1/messages", token("alice", "d"), "{\"clientMsgId\":\"h\",\"bdy\":\"x\"}"),
        400, Code.BAD_REQUEST, "bdy");

    directory.writer.behaviour = r -> FakeWriter.reject(r, Code.FORBIDDEN, "sessionId: 'alice' is not a member of group:g");
    assertError(call(HttpMethod.POST, "/v1/messages", token("alice", "d"), body), 403, Code.FORBIDDEN,
        "sessionId: 'alice' is not a member of group:g");
    directory.writer.behaviour = r -> FakeWriter.reject(r, Code.RATE_LIMITED, "sessionId: too many messages");
    assertError(call(HttpMethod.POST, "/v1/messages", token("alice", "d"), body), 429, Code.RATE_LIMITED, "too many");
    directory.writer.behaviour = r -> Future.failedFuture(new java.io.IOException("writer down"));
    assertError(call(HttpMethod.POST, "/v1/messages", token("alice", "d"), body), 503, Code.UNAVAILABLE, "writer");
    directory.writer.behaviour = r -> Future.failedFuture(new IllegalStateException("bug"));
    assertError(call(HttpMethod.POST, "/v1/messages", token("alice", "d"), body), 500, Code.INTERNAL, "writer");
  }

  @Test
  void aBodyOverTheLimitIsTooLarge() {
    String body = "{\"clientMsgId\":\"h-3\",\"sessionId\":\"user:bob\",\"body\":\"" + "x".repeat(3000) + "\"}";
    assertError(call(HttpMethod.POST, "/v1/messages", token("alice", "d"), body), 413, Code.TOO_LARGE,
        "over the limit of 2048 bytes");
  }

  // ---- pull and sync ----

  @Test
  void pullReturnsTheReadersMessages() {
    Response r = call(HttpMethod.GET, "/v1/sessions/c2c:alice:bob/messages?afterSeq=4&limit=20",
        token("alice", "d"), null);

    assertThat(r.status()).isEqualTo(200);
    JsonObject body = r.json();
    assertThat(body.fieldNames()).containsExactlyInAnyOrder("sessionId", "messages", "hasMore");
    assertThat(body.getString("sessionId")).isEqualTo("c2c:alice:bob");
    assertThat(body.getJsonArray("messages").getJsonObject(0).getString("seq")).isEqualTo("5");
    assertThat(body.getBoolean("hasMore")).isFalse();
    assertThat(directory.reader.pulls.get(0).getLimit()).isEqualTo(20);
    assertThat(directory.reader.pulls.get(0).getAfterSeq()).isEqualTo(4);

    call(HttpMethod.GET, "/v1/sessions/c2c:alice:bob/messages", token("alice", "d"), null);
    assertThat(directory.reader.pulls.get(1).getLimit()).as("default limit").isEqualTo(50);
    assertThat(directory.reader.pulls.get(1).getAfterSeq()).as("default afterSeq").isZero();
  }

  @Test
  void pullErrors() {
    String t = token("alice", "d");
    assertError(call(HttpMethod.GET, "/v1/sessions/c2c:alice:bob/messages?afterSeq=x", t, null), 400,
        Code.BAD_REQUEST, "afterSeq: must be a decimal integer");
    assertError(call(HttpMethod.GET, "/v1/sessions/c2c:alice:bob/messages?afterSeq=-1", t, null), 400,
        Code.BAD_REQUEST, "afterSeq");
    assertError(call(HttpMethod.GET, "/v1/sessions/c2c:alice:bob/messages?limit=-5", t, null), 400,
        Code.BAD_REQUEST, "limit");
    assertError(call(HttpMethod.GET, "/v1/sessions/c2c:x:y/messages", t, null), 403, Code.FORBIDDEN,
        "sessionId");
    assertError(call(HttpMethod.GET, "/v1/sessions/c2c:alice:bob/messages", null, null), 401,
        Code.UNAUTHENTICATED, "Authorization");
    assertThat(directory.reader.pulls).hasSize(1);
  }

  @Test
  void syncReturnsTheUserChain() {
    Response r = call(HttpMethod.GET, "/v1/sync?cursor=41&limit=5", token("alice", "d"), null);

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().fieldNames()).containsExactlyInAnyOrder("messages", "cursor", "hasMore");
    assertThat(r.json().getString("cursor")).isEqualTo("42");
    assertThat(directory.reader.syncs.get(0).getUserId()).isEqualTo("alice");
    assertThat(directory.reader.syncs.get(0).getLimit()).isEqualTo(5);
    call(HttpMethod.GET, "/v1/sync", token("alice", "d"), null);
    assertThat(directory.reader.syncs.get(1).getLimit()).as("default limit").isEqualTo(100);
    assertError(call(HttpMethod.GET, "/v1/sync?cursor=abc", token("alice", "d"), null), 400, Code.BAD_REQUEST,
        "cursor");
  }

  // ---- health, metrics, unknown ----

  @Test
  void healthCountsConnections() {
    openWs(false).connect(token("alice", "web-1"));
    Response r = call(HttpMethod.GET, "/health", null, null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().getString("status")).isEqualTo("UP");
    assertThat(r.json().getString("gatewayId")).isEqualTo("gw-test");
    assertThat(r.json().getInteger("connections")).isEqualTo(1);
  }

  @Test
  void metricsAreServedInPrometheusFormat() {
    openWs(false).connect(token("alice", "web-1"));
    call(HttpMethod.GET, "/nope", null, null);
    Response r = call(HttpMethod.GET, "/metrics", null, null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).contains("stoa_gateway_connections{gateway=\"gw-test\"} 1.0")
        .contains("stoa_gateway_frames_in_total{type=\"connect\"}")
        .contains("stoa_gateway_frames_out_total{type=\"connAck\"}")
        .contains("stoa_gateway_rejections_total{code=\"NOT_FOUND\"}");
  }

  @Test
  void unknownPathsAndMethodsAreJsonErrors() {
    assertError(call(HttpMethod.GET, "/v2/nothing", null, null), 404, Code.NOT_FOUND, "/v2/nothing");
    assertError(call(HttpMethod.DELETE, "/v1/tokens", ADMIN_SECRET, null), 405, Code.BAD_REQUEST, "DELETE");
    assertError(call(HttpMethod.GET, "/v1/ws", null, null), 400, Code.BAD_REQUEST, "WebSocket upgrade");
  }
}
