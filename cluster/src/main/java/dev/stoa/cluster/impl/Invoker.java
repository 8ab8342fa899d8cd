package dev.stoa.cluster.impl;

import io.vertx.core.Future;

/**
 * What carries one call of a service to its instance: the instance itself in this process, a gRPC
 * call to another process, or a choice among instances made per call. A failure to reach the
 * instance is a failed future, never a throw. Thread-safe.
 */
@FunctionalInterface
public interface Invoker {
  Future<?> invoke(Unary<?, ?, ?> call, Object request);
}
