package dev.stoa.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.core.HazelcastException;
import dev.stoa.common.StoaException;
import dev.stoa.proto.client.Code;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HazelcastFuturesTest {
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aSuccessNeverBuildsTheOperationName() throws Exception {
    AtomicInteger named = new AtomicInteger();
    CompletableFuture<String> stage = new CompletableFuture<>();
    var f = HazelcastFutures.adapt(vertx, () -> "lookup " + named.incrementAndGet(), stage);
    stage.complete("routes");
    assertThat(f.await(5, TimeUnit.SECONDS)).isEqualTo("routes");
    assertThat(named).hasValue(0);
  }

  @Test
  void aClusterFailureIsUnavailableNamingTheOperation() {
    CompletableFuture<String> stage = new CompletableFuture<>();
    var f = HazelcastFutures.adapt(vertx, () -> "route table: lookup of user 'bob'", stage);
    stage.completeExceptionally(new HazelcastException("member left"));
    assertThatThrownBy(() -> f.await(5, TimeUnit.SECONDS))
        .isInstanceOfSatisfying(StoaException.class, e -> {
          assertThat(e.code()).isEqualTo(Code.UNAVAILABLE);
          assertThat(e.getMessage()).contains("route table: lookup of user 'bob'").contains("member left");
        });
  }

  @Test
  void anyOtherFailureIsInternal() {
    CompletableFuture<String> stage = new CompletableFuture<>();
    var f = HazelcastFutures.adapt(vertx, () -> "room table: refresh", stage);
    stage.completeExceptionally(new IllegalStateException("bad value"));
    assertThatThrownBy(() -> f.await(5, TimeUnit.SECONDS))
        .isInstanceOfSatisfying(StoaException.class, e -> assertThat(e.code()).isEqualTo(Code.INTERNAL));
  }
}
