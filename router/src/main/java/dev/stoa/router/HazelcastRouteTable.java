package dev.stoa.router;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.ExecutionCallback;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import com.hazelcast.core.MemberLeftException;
import com.hazelcast.map.IMap;
import com.hazelcast.spi.exception.TargetNotMemberException;
import dev.stoa.common.StoaException;
import dev.stoa.common.metrics.Metrics;
import dev.stoa.proto.internal.Route;
import dev.stoa.cluster.internal.HazelcastFutures;
import dev.stoa.router.impl.InvalidateRoutes;
import dev.stoa.router.impl.RouteCache;
import dev.stoa.router.impl.RouteUpdate;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
 * <p>Lookups may be answered from the member's {@link RouteCache} (one per member, shared by its
 * tables; {@link RouterOptions#routeCache()} long, the window of the first table built with one):
 * a message's push looks up its sender and its recipient, and a cache hit spares both a trip
 * through Hazelcast's partition and callback threads. It stays correct because {@link #register}
 * and {@link #unregister} complete only after every member dropped its copy of that user
 * ({@link InvalidateRoutes}; a member that left counts as done), so a device that has its
 * {@code connAck} is seen by every later lookup. What a copy can miss are refreshes and purges
 * (a copy's routes may be up to the window older), both harmless: cached routes are still
 * filtered by the TTL, and a push to a connection that is gone is dropped by its state server.
 * Meters: {@code stoa_router_route_lookups_total{source=cache|cluster}},
 * {@code stoa_router_route_invalidations_total}.
 *
 * <p>All calls are asynchronous Hazelcast calls; futures complete on the caller's context and
 * fail with {@link StoaException} (UNAVAILABLE when the cluster cannot serve, BAD_REQUEST for
 * bad arguments). Times come from the injected {@link Clock}. Construct it at wiring time (it
 * obtains the map proxy), not on an event loop. Thread-safe.
 */
public final class HazelcastRouteTable implements RouteTable {
  public static final String MAP_NAME = "stoa.routes";
  /** The Hazelcast executor that carries {@link InvalidateRoutes} to the other members. */
  public static final String INVALIDATION_EXECUTOR = "stoa.routes.invalidate";
  /** Users whose routes one member's cache holds at most. */
  static final int CACHE_MAX_USERS = 200_000;
  private static final Logger LOG = Logger.getLogger(HazelcastRouteTable.class.getName());

  private final HazelcastInstance hazelcast;
  private final IMap<String, byte[]> routes;
  private final IExecutorService invalidator;
  /** Null when this table's {@link RouterOptions#routeCache()} is zero. */
  private final RouteCache cache;
  private final Vertx vertx;
  private final long ttlMillis;
  private final Clock clock;
  private final Counter cacheHits;
  private final Counter clusterReads;
  private final Counter invalidations;

  public HazelcastRouteTable(HazelcastInstance hazelcast, Vertx vertx, RouterOptions options) {
    this(hazelcast, vertx, options, Clock.systemUTC());
  }

  public HazelcastRouteTable(HazelcastInstance hazelcast, Vertx vertx, RouterOptions options, Clock clock) {
    this.hazelcast = hazelcast;
    this.routes = hazelcast.getMap(MAP_NAME);
    this.invalidator = hazelcast.getExecutorService(INVALIDATION_EXECUTOR);
    long window = options.routeCache().toNanos();
    this.cache = window == 0 ? null : (RouteCache) hazelcast.getUserContext()
        .computeIfAbsent(InvalidateRoutes.CACHE_KEY, k -> new RouteCache(window, CACHE_MAX_USERS));
    this.vertx = vertx;
    this.ttlMillis = options.routeTtl().toMillis();
    this.clock = clock;
    this.cacheHits = Counter.builder("stoa_router_route_lookups").tag("source", "cache")
        .description("route lookups, by where they were answered").register(Metrics.registry());
    this.clusterReads = Counter.builder("stoa_router_route_lookups").tag("source", "cluster")
        .description("route lookups, by where they were answered").register(Metrics.registry());
    this.invalidations = Counter.builder("stoa_router_route_invalidations")
        .description("users whose cached routes every member was told to drop").register(Metrics.registry());
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
    return update(userId, update, "register route of conn " + route.getConnId())
        .compose(v -> invalidateEverywhere(userId));
  }

  @Override
  public Future<Void> unregister(String userId, long connId) {
    if (userId == null || userId.isEmpty()) {
      return Future.failedFuture(StoaException.badRequest("userId: is required to unregister a route"));
    }
    return update(userId, RouteUpdate.unregister(connId, clock.millis(), ttlMillis),
        "unregister route of conn " + connId)
        .compose(v -> invalidateEverywhere(userId));
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
    if (cache != null) {
      List<Route> copy = cache.get(userId);
      if (copy != null) {
        cacheHits.increment();
        return Future.succeededFuture(live(userId, copy));
      }
    }
    clusterReads.increment();
    long generation = cache == null ? 0 : cache.generation(userId);
    long readAt = System.nanoTime();
    return HazelcastFutures.adapt(vertx, () -> "route table: lookup of user '" + userId + "'", routes.getAsync(userId))
        .map(bytes -> {
          List<Route> all = bytes == null ? List.of() : RouteUpdate.parse(userId, bytes);
          if (cache != null) {
            cache.put(userId, all, generation, readAt);
          }
          return live(userId, all);
        });
  }

  /**
   * {@code all} without the routes past the TTL, whose removal from the map it then starts. Runs
   * twice per message: {@code all} itself is returned, not a copy, when every route is live.
   */
  private List<Route> live(String userId, List<Route> all) {
    long now = clock.millis();
    boolean anyStale = false;
    for (Route r : all) {
      anyStale |= !RouteUpdate.isLive(r, now, ttlMillis);
    }
    if (!anyStale) {
      return all;
    }
    if (cache != null) {
      cache.invalidate(userId);
    }
    purge(userId, now);
    return all.stream().filter(r -> RouteUpdate.isLive(r, now, ttlMillis)).toList();
  }

  /**
   * Completes once every member dropped its cached routes of {@code userId}: this member at once,
   * the others through {@link #INVALIDATION_EXECUTOR}. A member that left meanwhile counts as done;
   * any other failure fails the call (UNAVAILABLE), as the change may not yet be seen everywhere.
   */
  private Future<Void> invalidateEverywhere(String userId) {
    invalidations.increment();
    if (cache != null) {
      cache.invalidate(userId);
    }
    List<Future<Boolean>> acks = new ArrayList<>();
    for (Member member : hazelcast.getCluster().getMembers()) {
      if (member.localMember() && cache != null) {
        continue;
      }
      CompletableFuture<Boolean> done = new CompletableFuture<>();
      invalidator.submitToMember(new InvalidateRoutes(userId), member, new ExecutionCallback<>() {
        @Override
        public void onResponse(Boolean held) {
          done.complete(held);
        }

        @Override
        public void onFailure(Throwable t) {
          if (t instanceof MemberLeftException || t instanceof TargetNotMemberException) {
            done.complete(false);
          } else {
            done.completeExceptionally(t);
          }
        }
      });
      acks.add(HazelcastFutures.adapt(vertx,
          () -> "route table: dropping the cached routes of user '" + userId + "' on member " + member, done));
    }
    return acks.isEmpty() ? Future.succeededFuture() : Future.all(acks).mapEmpty();
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
