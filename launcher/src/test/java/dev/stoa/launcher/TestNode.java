package dev.stoa.launcher;

import dev.stoa.cluster.Role;
import dev.stoa.common.config.Config;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real Stoa node started in this JVM for end-to-end tests: ephemeral HTTP and TCP ports, its own
 * data directory, a Hazelcast cluster name of its own so concurrent nodes of different tests never
 * join each other, and a fixed admin secret for minting tokens.
 */
final class TestNode implements AutoCloseable {
  static final String ADMIN_SECRET = "test-admin-secret-0123456789";

  final StoaNode node;
  final Map<String, String> settings;

  private TestNode(StoaNode node, Map<String, String> settings) {
    this.node = node;
    this.settings = settings;
  }

  static TestNode standalone(Path dataDir, Map<String, String> overrides) {
    return start(EnumSet.allOf(Role.class), dataDir, "stoa-test-" + UUID.randomUUID(), overrides);
  }

  static TestNode start(Set<Role> roles, Path dataDir, String clusterName, Map<String, String> overrides) {
    Map<String, String> settings = new HashMap<>();
    settings.put("data.dir", dataDir.toString());
    settings.put("http.port", "0");
    settings.put("tcp.port", "0");
    settings.put("admin.secret", ADMIN_SECRET);
    settings.put("cluster.name", clusterName);
    settings.putAll(overrides);
    StoaNode node = new StoaNode(Config.of(StoaNode.KEYS, settings), roles, new PrintStream(OutputStream.nullOutputStream()));
    await(node.start());
    return new TestNode(node, settings);
  }

  int httpPort() {
    return node.gateway().httpPort();
  }

  int tcpPort() {
    return node.gateway().tcpPort();
  }

  String wsUrl() {
    return "ws://127.0.0.1:" + httpPort() + "/v1/ws";
  }

  /** Mints a user token through the real HTTP API. */
  String token(Vertx vertx, String userId, String deviceId) {
    JsonObject answer = http(vertx, httpPort(), HttpMethod.POST, "/v1/tokens", "Bearer " + ADMIN_SECRET,
        new JsonObject().put("userId", userId).put("deviceId", deviceId).encode()).body();
    return answer.getString("token");
  }

  record HttpAnswer(int status, JsonObject body) {}

  /**
   * The JDK's HTTP client, not Vert.x's: Vert.x 5.0.7's HTTP/1.1 client was seen to lose about one
   * response in 600 (the server had answered), which made these tests flaky. Outside clients of
   * the HTTP API are not Vert.x either.
   */
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  static HttpAnswer http(Vertx vertx, int port, HttpMethod method, String path, String authorization, String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(30))
        .method(method.name(), body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    try {
      HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new HttpAnswer(response.statusCode(),
          response.body().isEmpty() ? new JsonObject() : new JsonObject(response.body()));
    } catch (IOException e) {
      throw new AssertionError(method + " " + path + " on port " + port + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new AssertionError("operation failed: " + e.getCause(), e.getCause());
    } catch (Exception e) {
      dumpThreads();
      throw new AssertionError("operation did not complete: " + e, e);
    }
  }

  /** Prints every thread's stack, so a hang in CI leaves evidence in the test output. */
  static void dumpThreads() {
    StringBuilder sb = new StringBuilder("thread dump after a timed-out operation:\n");
    Thread.getAllStackTraces().forEach((thread, stack) -> {
      sb.append('"').append(thread.getName()).append("\" ").append(thread.getState()).append('\n');
      for (StackTraceElement frame : stack) {
        sb.append("    at ").append(frame).append('\n');
      }
    });
    System.err.println(sb);
  }

  @Override
  public void close() {
    await(node.stop());
  }
}
