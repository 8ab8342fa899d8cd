package dev.stoa.bench.impl;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Gets one Stoa token per user with {@code POST /v1/tokens} ({@code Authorization: Bearer <admin
 * secret>}, body {@code {"userId","deviceId"}}, answer {@code {"token",...}}), a few requests at a
 * time. Fails naming the user and the HTTP status when one is refused.
 */
public final class TokenFetcher {
  static final int CONCURRENCY = 8;

  /**
   * Minting a token has no side effect, so a request whose answer does not arrive is simply sent
   * again: Vert.x 5.0.7's pooled HTTP/1.1 client was seen to lose about one response in 600.
   */
  static final int ATTEMPTS = 3;

  private TokenFetcher() {}

  private static Future<Void> fetchOne(HttpClientAgent http, String uri, String adminSecret, String user,
      String deviceId, int timeoutSeconds, Map<String, String> tokens, int attemptsLeft) {
    RequestOptions req = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(uri)
        .setTimeout(TimeUnit.SECONDS.toMillis(Math.max(1, timeoutSeconds / ATTEMPTS)))
        .putHeader("Authorization", "Bearer " + adminSecret)
        .putHeader("Content-Type", "application/json");
    Buffer body = new JsonObject().put("userId", user).put("deviceId", deviceId).toBuffer();
    Future<Void> attempt = http.request(req)
        .compose(r -> r.send(body))
        .compose(resp -> resp.body().compose(b -> {
          if (resp.statusCode() != 200) {
            return Future.failedFuture(new IllegalStateException("POST " + uri + " for user " + user
                + " answered HTTP " + resp.statusCode() + ": " + b));
          }
          String token = b.toJsonObject().getString("token");
          if (token == null || token.isEmpty()) {
            return Future.failedFuture(new IllegalStateException("POST " + uri + " for user " + user
                + " answered no token: " + b));
          }
          tokens.put(user, token);
          return Future.<Void>succeededFuture();
        }));
    return attempt.recover(e -> attemptsLeft > 1 && !(e instanceof IllegalStateException)
        ? fetchOne(http, uri, adminSecret, user, deviceId, timeoutSeconds, tokens, attemptsLeft - 1)
        : Future.failedFuture(e));
  }

  public static Future<Map<String, String>> fetch(Vertx vertx, String httpBase, String adminSecret,
      List<String> userIds, String deviceId, int timeoutSeconds) {
    HttpClientAgent http = vertx.createHttpClient(new HttpClientOptions(), new PoolOptions().setHttp1MaxSize(CONCURRENCY));
    String uri = httpBase.replaceAll("/+$", "") + "/v1/tokens";
    Map<String, String> tokens = new ConcurrentHashMap<>();
    List<Future<Void>> all = new ArrayList<>();
    for (String user : userIds) {
      all.add(fetchOne(http, uri, adminSecret, user, deviceId, timeoutSeconds, tokens, ATTEMPTS));
    }
    return Future.all(all)
        .<Map<String, String>>map(v -> Map.copyOf(tokens))
        .eventually(() -> http.close());
  }
}
