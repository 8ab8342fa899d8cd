package dev.stoa.router.impl;

import com.google.protobuf.InvalidProtocolBufferException;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import dev.stoa.proto.internal.Route;
import dev.stoa.proto.internal.UserRoutes;
import java.io.Serial;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * One atomic edit of a user's entry in the route map ({@code userId -> UserRoutes} bytes), run by
 * Hazelcast on the key's partition thread, so edits of one user from any number of gateways are
 * serialised. Every edit first drops the routes whose {@code refreshed_at} is older than
 * {@code now - ttl}; an entry left with no route is deleted, any other is written with an entry TTL
 * a little over {@code ttl} so a user nobody touches again disappears by itself. {@code now} is taken by the
 * caller, so the primary and its backup compute the same result. Returns the number of live
 * routes after the edit. Immutable; serialised with Java serialisation (same jar on every member).
 */
public final class RouteUpdate implements EntryProcessor<String, byte[], Integer> {
  @Serial
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = Logger.getLogger(RouteUpdate.class.getName());

  private enum Kind { REGISTER, UNREGISTER, REFRESH, PURGE }

  private final Kind kind;
  private final byte[] route;
  private final String gatewayId;
  private final long[] connIds;
  private final long now;
  private final long ttlMillis;

  private RouteUpdate(Kind kind, byte[] route, String gatewayId, long[] connIds, long now, long ttlMillis) {
    this.kind = kind;
    this.route = route;
    this.gatewayId = gatewayId;
    this.connIds = connIds;
    this.now = now;
    this.ttlMillis = ttlMillis;
  }

  /** Adds {@code route} (its refreshed_at set to {@code now}), replacing one of the same conn id. */
  public static RouteUpdate register(Route route, long now, long ttlMillis) {
    byte[] bytes = route.toBuilder().setRefreshedAt(now).build().toByteArray();
    return new RouteUpdate(Kind.REGISTER, bytes, null, null, now, ttlMillis);
  }

  /** Removes the route of {@code connId}. */
  public static RouteUpdate unregister(long connId, long now, long ttlMillis) {
    return new RouteUpdate(Kind.UNREGISTER, null, null, new long[] {connId}, now, ttlMillis);
  }

  /** Sets refreshed_at to {@code now} on the routes of {@code connIds} held by {@code gatewayId}. */
  public static RouteUpdate refresh(String gatewayId, long[] connIds, long now, long ttlMillis) {
    return new RouteUpdate(Kind.REFRESH, null, gatewayId, connIds.clone(), now, ttlMillis);
  }

  /** Only drops stale routes. */
  public static RouteUpdate purge(long now, long ttlMillis) {
    return new RouteUpdate(Kind.PURGE, null, null, null, now, ttlMillis);
  }

  /** True if {@code route} is live at {@code now} under {@code ttlMillis}. */
  public static boolean isLive(Route route, long now, long ttlMillis) {
    return now - route.getRefreshedAt() <= ttlMillis;
  }

  @Override
  public Integer process(Map.Entry<String, byte[]> entry) {
    byte[] stored = entry.getValue();
    List<Route> routes = new ArrayList<>();
    boolean changed = false;
    if (stored != null) {
      for (Route r : parse(entry.getKey(), stored)) {
        if (isLive(r, now, ttlMillis)) {
          routes.add(r);
        } else {
          changed = true;
        }
      }
    }
    switch (kind) {
      case REGISTER -> {
        Route added = parseRoute();
        routes.removeIf(r -> r.getConnId() == added.getConnId());
        routes.add(added);
        changed = true;
      }
      case UNREGISTER -> changed |= routes.removeIf(r -> r.getConnId() == connIds[0]);
      case REFRESH -> {
        Set<Long> wanted = new HashSet<>();
        for (long id : connIds) {
          wanted.add(id);
        }
        for (int i = 0; i < routes.size(); i++) {
          Route r = routes.get(i);
          if (wanted.contains(r.getConnId()) && r.getGatewayId().equals(gatewayId)) {
            routes.set(i, r.toBuilder().setRefreshedAt(now).build());
            changed = true;
          }
        }
      }
      case PURGE -> { }
    }
    if (!changed) {
      return routes.size();
    }
    if (routes.isEmpty()) {
      entry.setValue(null);
    } else {
      byte[] bytes = UserRoutes.newBuilder().addAllRoutes(routes).build().toByteArray();
      if (entry instanceof ExtendedMapEntry<String, byte[]> extended) {
        extended.setValue(bytes, entryTtlSeconds(ttlMillis), TimeUnit.SECONDS);
      } else {
        entry.setValue(bytes);
      }
    }
    return routes.size();
  }

  /**
   * The TTL of a user's whole entry: the route TTL rounded up to whole seconds plus one, since
   * Hazelcast keeps expiry times at second granularity and must never expire a live route.
   */
  static long entryTtlSeconds(long ttlMillis) {
    return (ttlMillis + 999) / 1000 + 1;
  }

  private Route parseRoute() {
    try {
      return Route.parseFrom(route);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("route bytes built by RouteUpdate.register do not parse", e);
    }
  }

  /** The stored routes of {@code userId}; an unreadable value counts as none and is overwritten. */
  public static List<Route> parse(String userId, byte[] stored) {
    try {
      return UserRoutes.parseFrom(stored).getRoutesList();
    } catch (InvalidProtocolBufferException e) {
      LOG.warning(() -> "route map: dropping unreadable value of user '" + userId + "' (" + stored.length
          + " bytes): " + e.getMessage());
      return List.of();
    }
  }
}
