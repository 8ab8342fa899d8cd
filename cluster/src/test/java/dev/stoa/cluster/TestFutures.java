package dev.stoa.cluster;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Bounded waits for tests. */
public final class TestFutures {
  public static final long TIMEOUT_SECONDS = 20;

  private TestFutures() {}

  /** The result of {@code future}; rethrows its failure. */
  public static <T> T await(Future<T> future) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception ex ? ex : e;
    }
  }

  /** The failure of {@code future}; fails the test if it succeeds. */
  public static Throwable failure(Future<?> future) throws Exception {
    CompletableFuture<?> cf = future.toCompletionStage().toCompletableFuture();
    try {
      Object result = cf.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      throw new AssertionError("expected a failure, got " + result);
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  /** Polls {@code condition} every 20 ms until it holds; fails after {@code within}. */
  public static void eventually(String what, Duration within, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + within + ": " + what);
      }
      Thread.sleep(20);
    }
  }
}
