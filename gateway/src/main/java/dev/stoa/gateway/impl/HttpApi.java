package dev.stoa.gateway.impl;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.stoa.common.Ids;
import dev.stoa.common.StoaException;
import dev.stoa.gateway.TokenIssuer;
import dev.stoa.gateway.TokenIssuer.TokenClaims;
import dev.stoa.proto.ProtoJson;
import dev.stoa.proto.client.Code;
import dev.stoa.proto.client.Send;
import dev.stoa.common.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The HTTP API rows of PROTOCOL.md this gateway serves: {@code POST /v1/tokens} (admin bearer),
 * {@code POST /v1/rooms/{roomId}/close} (admin), {@code POST /v1/messages}, {@code GET /v1/sessions/{sessionId}/messages}, {@code GET /v1/sync}
 * (user bearer token), {@code GET /health}, {@code GET /metrics}, and the WebSocket upgrade on
 * {@code GET /v1/ws}. Bodies are limited to {@code gateway.frame.max.bytes}. Every error is a
 * {@link HttpErrors} answer; unknown paths are 404 NOT_FOUND. One instance serves every router
 * instance of the gateway. Thread-safe.
 */
public final class HttpApi {
  private static final Set<String> TOKEN_FIELDS = Set.of("userId", "deviceId", "ttlSeconds");

  private final GatewayContext gw;
  private final HttpErrors errors;
  private final byte[] adminDigest;

  public HttpApi(GatewayContext gw, String adminSecret) {
    this.gw = gw;
    this.errors = new HttpErrors(gw.metrics());
    this.adminDigest = sha256(adminSecret);
  }

  /** A router for one server instance; {@code webSockets} receives each accepted {@code /v1/ws} socket. */
  public Router router(Vertx vertx, Handler<ServerWebSocket> webSockets) {
    Router router = Router.router(vertx);
    router.get("/v1/ws").handler(ctx -> upgrade(ctx, webSockets));
    BodyHandler body = BodyHandler.create(false).setBodyLimit(gw.options().frameMaxBytes());
    router.post("/v1/tokens").handler(body).handler(this::issueToken);
    router.post("/v1/messages").handler(body).handler(this::send);
    router.get("/v1/sessions/:sessionId/messages").handler(this::pull);
    router.get("/v1/sync").handler(this::sync);
    router.post("/v1/rooms/:roomId/close").handler(this::closeRoom);
    router.get("/health").handler(this::health);
    router.get("/metrics").handler(Metrics.handler());
    router.route().failureHandler(this::failure);
    router.errorHandler(404, ctx -> errors.send(ctx, 404, Code.NOT_FOUND,
        "path: no route for " + ctx.request().method() + " " + ctx.request().path()));
    router.errorHandler(405, ctx -> errors.send(ctx, 405, Code.BAD_REQUEST,
        "method: " + ctx.request().method() + " is not allowed on " + ctx.request().path()));
    router.errorHandler(413, ctx -> errors.send(ctx, 413, Code.TOO_LARGE,
        "body: over the limit of " + gw.options().frameMaxBytes() + " bytes (gateway.frame.max.bytes)"));
    router.errorHandler(500, ctx -> errors.fail(ctx, ctx.failure() == null
        ? new IllegalStateException("request failed") : ctx.failure()));
    return router;
  }

  // ---- handlers ----

  private void upgrade(RoutingContext ctx, Handler<ServerWebSocket> webSockets) {
    String upgrade = ctx.request().getHeader(HttpHeaders.UPGRADE);
    if (upgrade == null || !upgrade.equalsIgnoreCase("websocket")) {
      errors.send(ctx, Code.BAD_REQUEST, "Upgrade: GET /v1/ws must be a WebSocket upgrade request");
      return;
    }
    ctx.request().toWebSocket().onSuccess(webSockets).onFailure(e -> {
      if (!ctx.response().ended()) {
        errors.send(ctx, Code.BAD_REQUEST, "Upgrade: WebSocket handshake failed: " + e.getMessage());
      }
    });
  }

  private void issueToken(RoutingContext ctx) {
    if (!isAdmin(ctx)) {
      return;
    }
    JsonObject body = jsonBody(ctx);
    for (String field : body.fieldNames()) {
      if (!TOKEN_FIELDS.contains(field)) {
        throw StoaException.badRequest("body: unknown field '" + field + "'; expected userId, deviceId, ttlSeconds");
      }
    }
    String userId = stringField(body, "userId");
    String deviceId = stringField(body, "deviceId");
    long ttl = gw.options().tokenTtlDefaultSeconds();
    Object rawTtl = body.getValue("ttlSeconds");
    long max = gw.options().tokenTtlMaxSeconds();
    if (rawTtl != null) {
      if (!(rawTtl instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
        throw StoaException.badRequest("ttlSeconds: must be an integer in 1.." + max + ", got " + rawTtl);
      }
      ttl = n.longValue();
      if (ttl < 1 || ttl > max) {
        throw StoaException.badRequest("ttlSeconds: must be in 1.." + max + " (token.ttl.max.seconds), got " + ttl);
      }
    }
    TokenIssuer.IssuedToken issued = gw.tokens().issue(userId, deviceId, Duration.ofSeconds(ttl));
    json(ctx, new JsonObject().put("token", issued.token())
        .put("expiresAt", Long.toString(issued.expiresAt().toEpochMilli())).encode());
  }

  private void closeRoom(RoutingContext ctx) {
    if (!isAdmin(ctx)) {
      return;
    }
    String roomId = Ids.requireId("roomId", ctx.pathParam("roomId"));
    gw.backend().closeRoom(roomId)
        .onSuccess(v -> json(ctx, new JsonObject().put("roomId", roomId).put("closed", true).encode()))
        .onFailure(e -> errors.fail(ctx, e));
  }

  private void send(RoutingContext ctx) {
    authenticate(ctx).compose(user -> {
      Send send;
      try {
        send = ProtoJson.parseSend(bodyText(ctx));
      } catch (InvalidProtocolBufferException | RuntimeException e) {
        return Future.failedFuture(StoaException.badRequest("body: not a valid send object: " + e.getMessage()));
      }
      return gw.backend().send(user.userId(), user.deviceId(), 0, send);
    }).onSuccess(ack -> json(ctx, ProtoJson.print(ack))).onFailure(e -> errors.fail(ctx, e));
  }

  private void pull(RoutingContext ctx) {
    long afterSeq;
    int limit;
    try {
      afterSeq = unsignedParam(ctx, "afterSeq", 0);
      limit = intParam(ctx, "limit", 50);
    } catch (StoaException e) {
      errors.fail(ctx, e);
      return;
    }
    String sessionId = ctx.pathParam("sessionId");
    authenticate(ctx).compose(user -> gw.backend().pull(user.userId(), sessionId, afterSeq, limit))
        .onSuccess(messages -> json(ctx, ProtoJson.print(messages))).onFailure(e -> errors.fail(ctx, e));
  }

  private void sync(RoutingContext ctx) {
    long cursor;
    int limit;
    try {
      cursor = unsignedParam(ctx, "cursor", 0);
      limit = intParam(ctx, "limit", 100);
    } catch (StoaException e) {
      errors.fail(ctx, e);
      return;
    }
    authenticate(ctx).compose(user -> gw.backend().sync(user.userId(), cursor, limit))
        .onSuccess(result -> json(ctx, ProtoJson.print(result))).onFailure(e -> errors.fail(ctx, e));
  }

  private void health(RoutingContext ctx) {
    json(ctx, new JsonObject().put("status", "UP").put("gatewayId", gw.gatewayId())
        .put("connections", gw.registry().size()).encode());
  }

  private void failure(RoutingContext ctx) {
    if (ctx.failure() != null) {
      errors.fail(ctx, ctx.failure());
      return;
    }
    int status = ctx.statusCode();
    Code code = switch (status) {
      case 400 -> Code.BAD_REQUEST;
      case 401 -> Code.UNAUTHENTICATED;
      case 403 -> Code.FORBIDDEN;
      case 404 -> Code.NOT_FOUND;
      case 413 -> Code.TOO_LARGE;
      case 429 -> Code.RATE_LIMITED;
      case 503 -> Code.UNAVAILABLE;
      default -> Code.INTERNAL;
    };
    String message = status == 413
        ? "body: over the limit of " + gw.options().frameMaxBytes() + " bytes (gateway.frame.max.bytes)"
        : "request: failed with HTTP " + status;
    errors.send(ctx, status < 400 ? 500 : status, code, message);
  }

  // ---- auth ----

  private boolean isAdmin(RoutingContext ctx) {
    String token = bearer(ctx);
    if (token == null) {
      errors.send(ctx, Code.UNAUTHENTICATED, "Authorization: missing 'Bearer <admin secret>' header");
      return false;
    }
    if (!MessageDigest.isEqual(sha256(token), adminDigest)) {
      errors.send(ctx, Code.UNAUTHENTICATED, "Authorization: not the admin secret");
      return false;
    }
    return true;
  }

  private Future<TokenClaims> authenticate(RoutingContext ctx) {
    String token = bearer(ctx);
    if (token == null) {
      return Future.failedFuture(new StoaException(Code.UNAUTHENTICATED,
          "Authorization: missing 'Bearer <token>' header"));
    }
    return gw.tokens().verify(token);
  }

  private static String bearer(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null || header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String token = header.substring(7).trim();
    return token.isEmpty() ? null : token;
  }

  // ---- parsing ----

  private static String bodyText(RoutingContext ctx) {
    String text = ctx.body().asString(StandardCharsets.UTF_8.name());
    if (text == null || text.isBlank()) {
      throw StoaException.badRequest("body: a JSON object is required");
    }
    return text;
  }

  private static JsonObject jsonBody(RoutingContext ctx) {
    String text = bodyText(ctx);
    try {
      Object parsed = io.vertx.core.json.Json.decodeValue(text);
      if (parsed instanceof JsonObject object) {
        return object;
      }
    } catch (DecodeException e) {
      throw StoaException.badRequest("body: not valid JSON: " + e.getMessage());
    }
    throw StoaException.badRequest("body: must be a JSON object");
  }

  private static String stringField(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value == null) {
      throw StoaException.badRequest(field + ": is required");
    }
    if (!(value instanceof String s)) {
      throw StoaException.badRequest(field + ": must be a string, got " + value);
    }
    return s;
  }

  private static long unsignedParam(RoutingContext ctx, String name, long defaultValue) {
    String raw = queryParam(ctx, name);
    if (raw == null) {
      return defaultValue;
    }
    try {
      if (raw.isEmpty() || raw.charAt(0) == '+') {
        throw new NumberFormatException();
      }
      return Long.parseUnsignedLong(raw);
    } catch (NumberFormatException e) {
      throw StoaException.badRequest(name + ": must be a decimal integer >= 0, got '" + raw + "'");
    }
  }

  private static int intParam(RoutingContext ctx, String name, int defaultValue) {
    String raw = queryParam(ctx, name);
    if (raw == null) {
      return defaultValue;
    }
    try {
      if (raw.isEmpty() || raw.charAt(0) == '+') {
        throw new NumberFormatException();
      }
      int value = Integer.parseInt(raw);
      if (value < 0) {
        throw new NumberFormatException();
      }
      return value;
    } catch (NumberFormatException e) {
      throw StoaException.badRequest(name + ": must be a decimal integer in 0.." + Integer.MAX_VALUE
          + ", got '" + raw + "'");
    }
  }

  private static String queryParam(RoutingContext ctx, String name) {
    List<String> values = ctx.queryParam(name);
    return values.isEmpty() ? null : values.get(0);
  }

  private static void json(RoutingContext ctx, String body) {
    ctx.response().putHeader("content-type", "application/json").end(body);
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
