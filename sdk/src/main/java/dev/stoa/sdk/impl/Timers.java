package dev.stoa.sdk.impl;

import io.vertx.core.Vertx;

/**
 * One-shot timers, so the send and request tables can be driven by a manual clock in tests. The
 * Vert.x binding must be called on the client's context; its tasks then run on that context.
 */
public interface Timers {
  /** Schedules {@code task} after {@code delayMillis} (at least 1) and returns an id for {@link #cancel}. */
  long schedule(long delayMillis, Runnable task);

  /** Cancels a timer; unknown or fired ids are ignored. */
  void cancel(long id);

  static Timers of(Vertx vertx) {
    return new Timers() {
      @Override
      public long schedule(long delayMillis, Runnable task) {
        return vertx.setTimer(Math.max(1, delayMillis), id -> task.run());
      }

      @Override
      public void cancel(long id) {
        vertx.cancelTimer(id);
      }
    };
  }
}
