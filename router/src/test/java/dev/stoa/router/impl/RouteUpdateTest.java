package dev.stoa.router.impl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.proto.internal.Route;
import dev.stoa.proto.internal.UserRoutes;
import java.util.AbstractMap.SimpleEntry;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The edit logic alone, on a plain map entry (the Hazelcast path is in HazelcastRouteTableTest). */
class RouteUpdateTest {
  static final long TTL = 10_000;

  static Route route(long conn, String gateway) {
    return Route.newBuilder().setConnId(conn).setGatewayId(gateway).build();
  }

  static Map.Entry<String, byte[]> entry() {
    return new SimpleEntry<>("alice", null);
  }

  static java.util.List<Route> routes(Map.Entry<String, byte[]> e) throws Exception {
    return e.getValue() == null ? java.util.List.of() : UserRoutes.parseFrom(e.getValue()).getRoutesList();
  }

  @Test
  void registerStampsRefreshedAtAndReplacesTheSameConn() throws Exception {
    Map.Entry<String, byte[]> e = entry();
    assertThat(RouteUpdate.register(route(1, "g1").toBuilder().setRefreshedAt(5).build(), 100, TTL).process(e)).isEqualTo(1);
    assertThat(RouteUpdate.register(route(1, "g2"), 200, TTL).process(e)).isEqualTo(1);
    assertThat(routes(e)).containsExactly(route(1, "g2").toBuilder().setRefreshedAt(200).build());
  }

  @Test
  void theLastUnregisterDeletesTheEntry() throws Exception {
    Map.Entry<String, byte[]> e = entry();
    RouteUpdate.register(route(1, "g1"), 100, TTL).process(e);
    assertThat(RouteUpdate.unregister(2, 100, TTL).process(e)).isEqualTo(1);
    assertThat(RouteUpdate.unregister(1, 100, TTL).process(e)).isZero();
    assertThat(e.getValue()).isNull();
  }

  @Test
  void refreshBumpsOnlyTheNamedConnsOfTheNamedGateway() throws Exception {
    Map.Entry<String, byte[]> e = entry();
    RouteUpdate.register(route(1, "g1"), 100, TTL).process(e);
    RouteUpdate.register(route(2, "g2"), 100, TTL).process(e);
    RouteUpdate.register(route(3, "g1"), 100, TTL).process(e);
    RouteUpdate.refresh("g1", new long[] {1, 2}, 5_000, TTL).process(e);
    assertThat(routes(e)).extracting(Route::getRefreshedAt).containsExactly(5_000L, 100L, 100L);
    assertThat(RouteUpdate.purge(10_101, TTL).process(e)).as("only conn 1 is younger than the TTL").isEqualTo(1);
    assertThat(routes(e)).extracting(Route::getConnId).containsExactly(1L);
  }

  @Test
  void theEntryOutlivesTheRouteTtlAtSecondGranularity() {
    assertThat(RouteUpdate.entryTtlSeconds(90_000)).isEqualTo(91);
    assertThat(RouteUpdate.entryTtlSeconds(1_000)).isEqualTo(2);
    assertThat(RouteUpdate.entryTtlSeconds(1)).isEqualTo(2);
  }
}
