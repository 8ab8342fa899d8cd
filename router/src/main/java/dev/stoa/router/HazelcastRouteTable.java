package dev.stoa.router;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.stoa.common.StoaException;
import dev.stoa.proto.internal.Route;
import dev.stoa.router.impl.HazelcastFutures;
import dev.stoa.router.impl.RouteUpdate;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@link RouteTable} in the Hazelcast map {@value #MAP_NAME}: key = userId, value = the bytes of
 * a {@code stoa.internal.v1.UserRoutes} (byte[] values need no Hazelcast serializer config).
 *
 * <p>Every change is one {@link RouteUpdate} entry processor run on the key's partition, so
 * concurrent register/unregister/refresh of one user from several gateways never lose each
 * other's routes. A route whose {@code refreshed_at} is older than {@link RouterOptions#routeTtl()}
 * is dropped on every update and left out of every lookup (which then purges it in the
 * background); an untouched user's entry expires by itself one TTL after its last update.
 *
 * <p>All calls are asynchronous Hazelcast calls; futures complete on the caller's context and
 * fail with {@link StoaException} (UNAVAILABLE when the cluster cannot serve, BAD_REQUEST for
 * bad arguments). Times come from the injected {@link Clock}. Construct it at wiring time (it
 * obtains the map proxy), not on an event loop. Thread-safe.
 */
public final class HazelcastRouteTable implements RouteTable {
  public static final String MAP_NAME = "stoa.routes";
  private static final Logger LOG = Logger.getLogger(HazelcastRouteTable.class.getName());

  private final IMap<String, byte[]> routes;
  private final Vertx vertx;
  private final long ttlMillis;
  private final Clock clock;

  public HazelcastRouteTable(HazelcastInstance hazelcast, Vertx vertx, RouterOptions options) {
    this(hazelcast, vertx, options, Clock.systemUTC());
  }

  public HazelcastRouteTable(HazelcastInstance hazelcast, Vertx vertx, RouterOptions options, Clock clock) {
    this.routes = hazelcast.getMap(MAP_NAME);
    this.vertx = vertx;
    this.ttlMillis = options.routeTtl().toMillis();
    this.clock = clock;
  }

  @Override
  public Future<Void> register(String userId, Route route) {
    if (userId == null || userId.isEmpty()) {
      return Future.failedFuture(StoaException.badRequest("userId: is required to register a route"));
    }
    if (route.getGatewayId().isEmpty()) {
      return Future.failedFuture(StoaException.badRequest("route.gatewayId: is required (conn "
          + route.getConnId() + " of user '" + userId + "')"));
    }
    RouteUpdate update = RouteUpdate.register(route, clock.millis(), ttlMillis);
    return update(userId, update, "register route of conn " + route.getConnId());
  }

  @Override
  public Future<Void> unregister(String userId, long connId) {
    if (userId == null || userId.isEmpty()) {
      return Future.failedFuture(StoaException.badRequest("userId: is required to unregister a route"));
    }
    return update(userId, RouteUpdate.unregister(connId, clock.millis(), ttlMillis),
        "unregister route of conn " + connId);
  }

  @Override
  public Future<Void> refresh(String gatewayId, Collection<UserConnection> connections) {
    if (gatewayId == null || gatewayId.isEmpty()) {
      return Future.failedFuture(StoaException.badRequest("gatewayId: is required to refresh routes"));
    }
    Map<String, List<Long>> byUser = new LinkedHashMap<>();
    for (UserConnection c : connections) {
      byUser.computeIfAbsent(c.userId(), u -> new ArrayList<>()).add(c.connId());
    }
    long now = clock.millis();
    List<Future<Void>> updates = new ArrayList<>(byUser.size());
    for (Map.Entry<String, List<Long>> e : byUser.entrySet()) {
      long[] ids = e.getValue().stream().mapToLong(Long::longValue).toArray();
      updates.add(update(e.getKey(), RouteUpdate.refresh(gatewayId, ids, now, ttlMillis),
          "refresh " + ids.length + " route(s) of gateway '" + gatewayId + "'"));
    }
    return Future.all(updates).mapEmpty();
  }

  @Override
  public Future<List<Route>> lookup(String userId) {
    if (userId == null || userId.isEmpty()) {
      return Future.failedFuture(StoaException.badRequest("userId: is required to look up routes"));
    }
    return HazelcastFutures.adapt(vertx, () -> "route table: lookup of user '" + userId + "'", routes.getAsync(userId))
        .map(bytes -> {
          if (bytes == null) {
            return List.of();
          }
          long now = clock.millis();
          List<Route> all = RouteUpdate.parse(userId, bytes);
          List<Route> live = all.stream().filter(r -> RouteUpdate.isLive(r, now, ttlMillis)).toList();
          if (live.size() < all.size()) {
            purge(userId, now);
          }
          return live;
        });
  }

  private Future<Void> update(String userId, RouteUpdate update, String what) {
    return HazelcastFutures.adapt(vertx, () -> "route table: " + what + " of user '" + userId + "'",
        routes.submitToKey(userId, update)).mapEmpty();
  }

  private void purge(String userId, long now) {
    update(userId, RouteUpdate.purge(now, ttlMillis), "purge of stale routes")
        .onFailure(err -> LOG.log(Level.FINE, err.getMessage(), err));
  }
}
