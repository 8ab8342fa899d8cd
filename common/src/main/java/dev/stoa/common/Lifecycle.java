package dev.stoa.common;

import io.vertx.core.Future;

/**
 * A long-lived component: {@link #start()} completes when it is ready to serve, {@link #stop()}
 * when it has released everything it holds. Both are called once, from the composition root.
 */
public interface Lifecycle {
  Future<Void> start();

  Future<Void> stop();
}
