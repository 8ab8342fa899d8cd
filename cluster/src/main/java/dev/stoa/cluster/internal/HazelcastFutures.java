package dev.stoa.cluster.internal;

import com.hazelcast.core.HazelcastException;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import dev.stoa.common.StoaException;
import dev.stoa.proto.client.Code;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The one adapter from Hazelcast's {@link CompletionStage} API (and its blocking calls) to Vert.x
 * {@link Future}s. Results complete on the caller's Vert.x context; failures become
 * {@link StoaException}s naming the operation: UNAVAILABLE when the cluster could not serve it
 * (member down, timeout, shutting down), INTERNAL otherwise. Stateless; thread-safe.
 */
public final class HazelcastFutures {
  private HazelcastFutures() {}

  /**
   * Adapts an async Hazelcast call; {@code what} names it in failures and is only called on one
   * (route and membership lookups run for every message, so the name is not built for each). The completion is taken on
   * the Hazelcast thread that completes the call ({@code whenCompleteAsync} with a direct executor)
   * and handed to the caller's context: Hazelcast's plain {@code whenComplete} runs callbacks on
   * its default async executor, which on a machine with fewer than three cores (common-pool
   * parallelism 1) starts a new thread per callback — that capped push fan-out at a few hundred
   * messages per second on the 2-core bench machine.
   */
  public static <T> Future<T> adapt(Vertx vertx, Supplier<String> what, CompletionStage<T> stage) {
    Context context = vertx.getOrCreateContext();
    Promise<T> promise = Promise.promise();
    stage.whenCompleteAsync((value, err) -> context.runOnContext(ignored -> {
      if (err != null) {
        promise.fail(translate(what.get(), err));
      } else {
        promise.complete(value);
      }
    }), Runnable::run);
    return promise.future();
  }

  /** Runs a blocking Hazelcast call on a worker thread; {@code what} names it in failures. */
  public static <T> Future<T> blocking(Vertx vertx, String what, Callable<T> call) {
    return vertx.executeBlocking(call, false).recover(err -> Future.failedFuture(translate(what, err)));
  }

  static StoaException translate(String what, Throwable err) {
    Throwable cause = err;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof StoaException se) {
      return se;
    }
    boolean clusterTrouble = cause instanceof HazelcastException
        || cause instanceof HazelcastInstanceNotActiveException
        || cause instanceof TimeoutException;
    return new StoaException(clusterTrouble ? Code.UNAVAILABLE : Code.INTERNAL,
        what + " failed: " + cause.getClass().getSimpleName() + ": " + cause.getMessage());
  }
}
