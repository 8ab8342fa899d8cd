package dev.stoa.router;

import static dev.stoa.cluster.TestFutures.await;
import static dev.stoa.cluster.TestFutures.eventually;
import static dev.stoa.cluster.TestFutures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.map.IMap;
import dev.stoa.cluster.TestCluster;
import dev.stoa.common.StoaException;
import dev.stoa.proto.client.Code;
import dev.stoa.proto.internal.Route;
import dev.stoa.proto.internal.UserRoutes;
import dev.stoa.router.RouteTable.UserConnection;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HazelcastRouteTableTest {
  static final Duration TTL = Duration.ofSeconds(90);
  private static final RouterOptions OPTIONS = RouterOptions.defaults().withRouteTtl(TTL);
  static final AtomicInteger USERS = new AtomicInteger();
  static TestCluster cluster;
  static MutableClock clock;
  static HazelcastRouteTable tableA;
  static HazelcastRouteTable tableB;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = TestCluster.start(2);
    clock = new MutableClock(1_700_000_000_000L);
    tableA = table(cluster.member(0), clock);
    tableB = table(cluster.member(1), clock);
  }

  @AfterAll
  static void stopCluster() throws Exception {
    cluster.close();
  }

  static HazelcastRouteTable table(TestCluster.Member m, MutableClock clock) {
    return new HazelcastRouteTable(m.node().hazelcast(), m.vertx(), OPTIONS, clock);
  }

  static String newUser() {
    return "user-" + USERS.incrementAndGet();
  }

  static Route route(long connId, String gateway) {
    return Route.newBuilder().setConnId(connId).setDeviceId("dev-" + connId).setGatewayId(gateway)
        .setStateServerId("ss-1").build();
  }

  static List<Long> connIds(List<Route> routes) {
    return routes.stream().map(Route::getConnId).sorted().toList();
  }

  static IMap<String, byte[]> rawMap() {
    return cluster.member(0).node().hazelcast().getMap(HazelcastRouteTable.MAP_NAME);
  }

  @Test
  void registerLookupAndUnregisterAreSeenFromTheOtherMember() throws Exception {
    String user = newUser();
    assertThat(await(tableB.lookup(user))).isEmpty();

    await(tableA.register(user, route(1, "gw-a")));
    await(tableA.register(user, route(2, "gw-a")));

    List<Route> seen = await(tableB.lookup(user));
    assertThat(connIds(seen)).containsExactly(1L, 2L);
    assertThat(seen.getFirst().getDeviceId()).isEqualTo("dev-1");
    assertThat(seen.getFirst().getStateServerId()).isEqualTo("ss-1");
    assertThat(seen.getFirst().getRefreshedAt()).isEqualTo(clock.millis());

    await(tableB.unregister(user, 1));
    assertThat(connIds(await(tableA.lookup(user)))).containsExactly(2L);
    await(tableA.unregister(user, 1)); // already gone: still fine
    await(tableA.unregister(user, 2));
    assertThat(await(tableB.lookup(user))).isEmpty();
    assertThat(rawMap().containsKey(user)).as("an empty entry is deleted").isFalse();
  }

  @Test
  void aConnectOnOneMemberIsSeenAtOnceByAnotherMemberThatHeldTheUserAsOffline() throws Exception {
    String user = newUser();
    double hitsBefore = lookups("cache");
    assertThat(await(tableB.lookup(user))).isEmpty();
    assertThat(await(tableB.lookup(user))).isEmpty();
    assertThat(lookups("cache") - hitsBefore).as("the second lookup is answered from B's copy").isGreaterThanOrEqualTo(1);

    await(tableA.register(user, route(11, "gw-a")));
    assertThat(connIds(await(tableB.lookup(user)))).as("register completes only after B dropped its copy")
        .containsExactly(11L);
    await(tableA.register(user, route(12, "gw-a")));
    assertThat(connIds(await(tableB.lookup(user)))).containsExactly(11L, 12L);
    await(tableA.unregister(user, 11));
    assertThat(connIds(await(tableB.lookup(user)))).containsExactly(12L);
  }

  @Test
  void aCopyIsAnsweredForAtMostTheCacheWindow() throws Exception {
    String user = newUser();
    await(tableA.register(user, route(21, "gw-a")));
    assertThat(connIds(await(tableB.lookup(user)))).containsExactly(21L);
    // a change that bypasses the table (no invalidation) stays unseen while B's copy is fresh ...
    Route other = route(22, "gw-a").toBuilder().setRefreshedAt(clock.millis()).build();
    rawMap().put(user, UserRoutes.newBuilder().addRoutes(other).build().toByteArray());
    assertThat(connIds(await(tableB.lookup(user)))).containsExactly(21L);
    // ... and is read once the window (1 s by default) has passed
    eventually("the copy expires", Duration.ofSeconds(10), () -> {
      try {
        return connIds(await(tableB.lookup(user))).equals(List.of(22L));
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });
  }

  @Test
  void withTheCacheOffEveryLookupAsksTheCluster() throws Exception {
    TestCluster.Member m = cluster.member(1);
    HazelcastRouteTable uncached = new HazelcastRouteTable(m.node().hazelcast(), m.vertx(),
        OPTIONS.withRouteCache(Duration.ZERO), clock);
    String user = newUser();
    await(tableA.register(user, route(31, "gw-a")));
    assertThat(connIds(await(uncached.lookup(user)))).containsExactly(31L);
    rawMap().put(user, UserRoutes.newBuilder().addRoutes(route(32, "gw-a").toBuilder()
        .setRefreshedAt(clock.millis())).build().toByteArray());
    assertThat(connIds(await(uncached.lookup(user)))).containsExactly(32L);
  }

  private static double lookups(String source) {
    var counter = dev.stoa.common.metrics.Metrics.registry().find("stoa_router_route_lookups")
        .tag("source", source).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void registeringAConnectionAgainReplacesItsRoute() throws Exception {
    String user = newUser();
    await(tableA.register(user, route(7, "gw-a")));
    await(tableB.register(user, route(7, "gw-b")));
    List<Route> routes = await(tableA.lookup(user));
    assertThat(routes).hasSize(1);
    assertThat(routes.getFirst().getGatewayId()).isEqualTo("gw-b");
  }

  @Test
  void concurrentRegistersOfOneUserFromTwoMembersAllSurvive() throws Exception {
    String user = newUser();
    List<Future<Void>> all = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      all.add(tableA.register(user, route(1_000 + i, "gw-a")));
      all.add(tableB.register(user, route(2_000 + i, "gw-b")));
    }
    await(Future.all(all));
    List<Long> expected = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      expected.add(1_000L + i);
    }
    for (int i = 0; i < 50; i++) {
      expected.add(2_000L + i);
    }
    assertThat(connIds(await(tableA.lookup(user)))).containsExactlyElementsOf(expected);
    assertThat(connIds(await(tableB.lookup(user)))).containsExactlyElementsOf(expected);

    // GIVEN 100 routes WHEN both members unregister the even ones concurrently THEN the odd remain
    List<Future<Void>> removals = new ArrayList<>();
    for (int i = 0; i < 50; i += 2) {
      removals.add(tableB.unregister(user, 1_000 + i));
      removals.add(tableA.unregister(user, 2_000 + i));
    }
    await(Future.all(removals));
    assertThat(connIds(await(tableA.lookup(user))))
        .containsExactlyElementsOf(expected.stream().filter(id -> id % 2 == 1).toList());
  }

  @Test
  void staleRoutesAreDroppedOnReadAndOnUpdate() throws Exception {
    MutableClock own = new MutableClock(clock.millis());
    HazelcastRouteTable a = table(cluster.member(0), own);
    HazelcastRouteTable b = table(cluster.member(1), own);
    String user = newUser();

    await(a.register(user, route(1, "gw-a")));
    own.advance(TTL.dividedBy(2));
    await(a.register(user, route(2, "gw-a")));
    own.advance(TTL.dividedBy(2));
    assertThat(connIds(await(b.lookup(user)))).as("exactly at the TTL a route is alive").containsExactly(1L, 2L);

    own.advance(Duration.ofMillis(1));
    assertThat(connIds(await(b.lookup(user)))).as("read drops the stale route").containsExactly(2L);
    eventually("the stale route is purged from the map", Duration.ofSeconds(10),
        () -> storedConnIds(user).equals(List.of(2L)));

    own.advance(TTL);
    await(b.register(user, route(3, "gw-b")));
    assertThat(storedConnIds(user)).as("an update drops stale routes").containsExactly(3L);

    own.advance(TTL.plusMillis(1));
    assertThat(await(a.lookup(user))).isEmpty();
    eventually("a user with only stale routes is deleted", Duration.ofSeconds(10),
        () -> !rawMap().containsKey(user));
  }

  @Test
  void refreshKeepsTheRoutesOfItsGatewayAlive() throws Exception {
    MutableClock own = new MutableClock(clock.millis());
    HazelcastRouteTable a = table(cluster.member(0), own);
    HazelcastRouteTable b = table(cluster.member(1), own);
    String alice = newUser();
    String bob = newUser();
    await(a.register(alice, route(1, "gw-a")));
    await(a.register(alice, route(2, "gw-b")));
    await(a.register(bob, route(3, "gw-a")));

    own.advance(TTL.multipliedBy(3).dividedBy(4));
    // conn 2 is on gw-b, so gw-a's heartbeat must not keep it alive
    await(b.refresh("gw-a", List.of(new UserConnection(alice, 1), new UserConnection(alice, 2),
        new UserConnection(bob, 3), new UserConnection(newUser(), 9))));
    own.advance(TTL.multipliedBy(3).dividedBy(4));

    List<Route> aliceRoutes = await(b.lookup(alice));
    assertThat(connIds(aliceRoutes)).containsExactly(1L);
    assertThat(aliceRoutes.getFirst().getRefreshedAt()).isEqualTo(own.millis() - TTL.multipliedBy(3).dividedBy(4).toMillis());
    assertThat(connIds(await(a.lookup(bob)))).containsExactly(3L);
  }

  @Test
  void hazelcastExpiresAUserNobodyTouchesAgain() throws Exception {
    TestCluster.Member m = cluster.member(1);
    // short, yet long enough that the lookup right after the register cannot find the route expired
    RouterOptions shortTtl = OPTIONS.withRouteTtl(Duration.ofSeconds(3));
    HazelcastRouteTable table = new HazelcastRouteTable(m.node().hazelcast(), m.vertx(), shortTtl);
    String user = newUser();
    await(table.register(user, route(1, "gw-a")));
    assertThat(connIds(await(table.lookup(user)))).containsExactly(1L);

    eventually("the entry expires in Hazelcast without any further call", Duration.ofSeconds(20),
        () -> !rawMap().containsKey(user));
    assertThat(await(table.lookup(user))).isEmpty();
  }

  @Test
  void futuresCompleteOnTheCallersContext() throws Exception {
    Context context = cluster.member(0).vertx().getOrCreateContext();
    String user = newUser();
    Promise<Boolean> sameContext = Promise.promise();
    context.runOnContext(v -> tableA.register(user, route(1, "gw-a"))
        .compose(x -> tableA.lookup(user))
        .onComplete(ar -> sameContext.complete(ar.succeeded()
            && cluster.member(0).vertx().getOrCreateContext() == context)));
    assertThat(await(sameContext.future())).isTrue();
  }

  @Test
  void badArgumentsAreRejectedNamingTheField() throws Exception {
    Throwable noUser = failure(tableA.register("", route(1, "gw-a")));
    assertThat(noUser).isInstanceOf(StoaException.class).hasMessageContaining("userId");
    assertThat(((StoaException) noUser).code()).isEqualTo(Code.BAD_REQUEST);
    Throwable noGateway = failure(tableA.register(newUser(), route(1, "")));
    assertThat(noGateway).hasMessageContaining("route.gatewayId");
    assertThat(failure(tableA.refresh("", List.of()))).hasMessageContaining("gatewayId");
    assertThat(failure(tableA.lookup(null))).hasMessageContaining("userId");
  }

  @Test
  void anUnreadableStoredValueCountsAsNoRoutes() throws Exception {
    String user = newUser();
    rawMap().put(user, new byte[] {(byte) 0xff, 0x01, 0x02});
    assertThat(await(tableB.lookup(user))).isEmpty();
    await(tableB.register(user, route(5, "gw-b")));
    assertThat(connIds(await(tableA.lookup(user)))).containsExactly(5L);
  }

  private static List<Long> storedConnIds(String user) {
    byte[] bytes = rawMap().get(user);
    if (bytes == null) {
      return List.of();
    }
    try {
      return connIds(UserRoutes.parseFrom(bytes).getRoutesList());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

}
