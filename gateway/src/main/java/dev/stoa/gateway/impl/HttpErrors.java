package dev.stoa.gateway.impl;

import dev.stoa.common.StoaException;
import dev.stoa.proto.client.Code;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Error answers of the HTTP API: status by code (400 BAD_REQUEST, 401 UNAUTHENTICATED,
 * 403 FORBIDDEN, 404 NOT_FOUND, 413 TOO_LARGE, 429 RATE_LIMITED, 503 UNAVAILABLE, 500 INTERNAL)
 * and the body {@code {"code":"<UPPER_SNAKE>","message":"..."}}; each one is counted as a
 * rejection. Thread-safe.
 */
public final class HttpErrors {
  private final GatewayMetrics metrics;

  public HttpErrors(GatewayMetrics metrics) {
    this.metrics = metrics;
  }

  public static int status(Code code) {
    return switch (code) {
      case BAD_REQUEST -> 400;
      case UNAUTHENTICATED -> 401;
      case FORBIDDEN -> 403;
      case NOT_FOUND -> 404;
      case TOO_LARGE -> 413;
      case RATE_LIMITED -> 429;
      case UNAVAILABLE -> 503;
      default -> 500;
    };
  }

  /** Answers {@code failure} (a StoaException keeps its code; anything else is mapped by {@link Backend#failure}). */
  public void fail(RoutingContext ctx, Throwable failure) {
    StoaException e = Backend.failure("gateway", failure);
    send(ctx, status(e.code()), e.code(), e.getMessage());
  }

  public void send(RoutingContext ctx, Code code, String message) {
    send(ctx, status(code), code, message);
  }

  public void send(RoutingContext ctx, int status, Code code, String message) {
    metrics.rejected(code);
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      return;
    }
    if (response.headWritten()) {
      response.reset();
      return;
    }
    response.setStatusCode(status).putHeader("content-type", "application/json")
        .end(new JsonObject().put("code", code.name()).put("message", message).encode());
  }
}
