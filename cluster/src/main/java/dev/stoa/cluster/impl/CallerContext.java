package dev.stoa.cluster.impl;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.Promise;

/**
 * The one rule for where a call through the directory completes, whatever the binding: on the
 * Vert.x context that made the call, when it was made on one (an instance that answers on its own
 * thread, as the state server's lane does, is brought back to the caller's context); a call made
 * off any context completes on whatever thread answered. An answer given on the caller's context
 * costs no hop. Stateless.
 */
public final class CallerContext {
  private CallerContext() {}

  /** {@code answer}, completing on {@code caller} (the context current when the call was made; null: none). */
  public static <R> Future<R> completeOn(Context caller, Future<R> answer) {
    if (caller == null) {
      return answer;
    }
    Promise<R> promise = Promise.promise();
    answer.onComplete(result -> {
      if (Vertx.currentContext() == caller) {
        promise.handle(result);
      } else {
        caller.runOnContext(v -> promise.handle(result));
      }
    });
    return promise.future();
  }

  /** The context of the calling thread, or null. */
  public static Context current() {
    return Vertx.currentContext();
  }
}
