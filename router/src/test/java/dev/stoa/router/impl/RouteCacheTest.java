package dev.stoa.router.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.proto.internal.Route;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RouteCacheTest {
  static final long WINDOW = TimeUnit.SECONDS.toNanos(30);

  static List<Route> routes(long... connIds) {
    return java.util.Arrays.stream(connIds)
        .mapToObj(id -> Route.newBuilder().setConnId(id).setGatewayId("gw").build()).toList();
  }

  @Test
  void answersWhatWasPutUntilInvalidated() {
    RouteCache cache = new RouteCache(WINDOW, 10);
    assertThat(cache.get("alice")).isNull();
    cache.put("alice", routes(1, 2), cache.generation("alice"), System.nanoTime());
    assertThat(cache.get("alice")).isEqualTo(routes(1, 2));
    cache.invalidate("alice");
    assertThat(cache.get("alice")).isNull();
  }

  @Test
  void aReadThatBeganBeforeAnInvalidationIsNotKept() {
    RouteCache cache = new RouteCache(WINDOW, 10);
    long before = cache.generation("alice");
    cache.invalidate("alice"); // a register completed while the read was under way
    cache.put("alice", routes(), before, System.nanoTime());
    assertThat(cache.get("alice")).as("the stale 'offline' read must not be answered").isNull();
    cache.put("alice", routes(3), cache.generation("alice"), System.nanoTime());
    assertThat(cache.get("alice")).isEqualTo(routes(3));
  }

  @Test
  void aCopyOlderThanTheWindowIsNotAnswered() {
    RouteCache cache = new RouteCache(WINDOW, 10);
    cache.put("bob", routes(1), cache.generation("bob"), System.nanoTime() - WINDOW - 1);
    assertThat(cache.get("bob")).isNull();
    assertThat(cache.size()).as("an expired copy is dropped when met").isZero();
  }

  @Test
  void holdsAtMostMaxEntriesUsers() {
    RouteCache cache = new RouteCache(WINDOW, 2);
    for (String u : List.of("a", "b", "c")) {
      cache.put(u, routes(1), cache.generation(u), System.nanoTime());
    }
    assertThat(cache.size()).isEqualTo(2);
    assertThat(cache.get("c")).isNull();
  }

  @Test
  void expiredCopiesAreSweptSoNewOnesFitAgain() {
    RouteCache cache = new RouteCache(WINDOW, 2);
    long old = System.nanoTime() - WINDOW - 1;
    cache.put("a", routes(1), cache.generation("a"), old);
    cache.put("b", routes(1), cache.generation("b"), old);
    for (int i = 0; i < RouteCache.SWEEP_EVERY; i++) {
      cache.put("c", routes(2), cache.generation("c"), System.nanoTime());
    }
    assertThat(cache.get("c")).isEqualTo(routes(2));
    assertThat(cache.size()).isEqualTo(1);
  }

  @Test
  void rejectsANonPositiveWindow() {
    assertThatThrownBy(() -> new RouteCache(0, 10)).hasMessageContaining("window");
  }
}
