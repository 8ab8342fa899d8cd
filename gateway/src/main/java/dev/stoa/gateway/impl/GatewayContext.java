package dev.stoa.gateway.impl;

import dev.stoa.gateway.GatewayOptions;
import dev.stoa.gateway.TokenIssuer;
import dev.stoa.router.RouteTable;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.function.LongSupplier;

/**
 * What every session, verticle and HTTP handler of one gateway shares, built once by the
 * composition root. Immutable; each member is thread-safe.
 */
public record GatewayContext(Vertx vertx, GatewayOptions options, String gatewayId, TokenIssuer tokens,
    Backend backend, FrameDispatcher dispatcher, RouteTable routes, ConnectionRegistry registry,
    GatewayMetrics metrics, LongSupplier connIds, Clock clock) {}
