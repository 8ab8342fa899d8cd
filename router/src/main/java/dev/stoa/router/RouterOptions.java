package dev.stoa.router;

import dev.stoa.common.config.Config;
import dev.stoa.common.config.ConfigKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Options of the route and room tables of one process. Validated on construction; immutable.
 *
 * @param routeTtl a route (or room membership) not refreshed for longer than this is dropped
 * @param routeCache how long a route lookup may be answered from this process's copy of the
 *     user's routes ({@link HazelcastRouteTable}); zero turns the copy off
 */
public record RouterOptions(Duration routeTtl, Duration routeCache) {

  public static final ConfigKey<Integer> ROUTE_TTL_SECONDS =
      ConfigKey.integer("route.ttl.seconds", 90, 1, 86_400,
          "seconds a route lives without a refresh");
  public static final ConfigKey<Integer> ROUTE_CACHE_MS =
      ConfigKey.integer("route.cache.ms", 1_000, 0, 60_000,
          "milliseconds a route lookup may be answered from this process's copy; 0 = always ask the cluster");

  public static final List<ConfigKey<?>> KEYS = List.of(ROUTE_TTL_SECONDS, ROUTE_CACHE_MS);

  public RouterOptions {
    if (routeTtl == null || routeTtl.isNegative() || routeTtl.isZero()) {
      throw new IllegalArgumentException("route.ttl: must be positive, got " + routeTtl);
    }
    if (routeCache == null || routeCache.isNegative()) {
      throw new IllegalArgumentException("route.cache: must be zero or positive, got " + routeCache);
    }
  }

  public static RouterOptions from(Config config) {
    return new RouterOptions(Duration.ofSeconds(config.get(ROUTE_TTL_SECONDS)),
        Duration.ofMillis(config.get(ROUTE_CACHE_MS)));
  }

  /** Every key at its default. */
  public static RouterOptions defaults() {
    return from(Config.of(KEYS, Map.of()));
  }

  public RouterOptions withRouteTtl(Duration ttl) {
    return new RouterOptions(ttl, routeCache);
  }

  public RouterOptions withRouteCache(Duration window) {
    return new RouterOptions(routeTtl, window);
  }
}
