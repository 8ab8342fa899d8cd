package dev.stoa.common;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * Where an asynchronous answer completes, for work handed to another thread: on the Vert.x
 * context that asked, when it asked from one (an answer given on another thread is brought back
 * to it); asked from no context, on whatever thread answered. An answer given on the caller's
 * context costs no hop. This is the service directory's rule for every binding, and what the
 * state server's lane gives the callers of its context-bound calls. Stateless.
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
