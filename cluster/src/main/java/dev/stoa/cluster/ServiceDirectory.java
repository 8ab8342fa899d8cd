package dev.stoa.cluster;

import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

/**
 * Where the services of the cluster are, and a binding to each (DESIGN.md §5): an instance hosted
 * in this process is called directly, one elsewhere over gRPC; only the binding differs. Whatever
 * the binding, a call completes on the Vert.x context that made it (when it was made on one), and
 * a failure arrives as the {@code StoaException} the instance failed with, or UNAVAILABLE when it
 * could not be reached. Services are declared once each ({@link ServiceKind}, {@link Services}).
 * Thread-safe.
 */
public interface ServiceDirectory {

  /**
   * Hosts {@code service} under {@code instanceId} in this process and announces it to the
   * cluster. A process hosts at most one instance of each service.
   */
  <T> Future<Void> register(ServiceKind<T> kind, String instanceId, T service);

  /** Withdraws an instance announced by {@link #register}. */
  Future<Void> unregister(ServiceKind<?> kind, String instanceId);

  /**
   * An instance of {@code kind} chosen per call: this process's own if it hosts one, else a live
   * one elsewhere (round robin). Keep it: it follows instances as they come and go. A call fails
   * UNAVAILABLE while none is announced.
   */
  <T> T any(ServiceKind<T> kind);

  /** Instance {@code instanceId} of {@code kind}, if it is announced. Do not keep it; ask per use. */
  <T> Optional<T> find(ServiceKind<T> kind, String instanceId);

  /**
   * The instance of {@code kind} that should serve {@code key} (a connection id): this process's
   * own if it hosts one, else a live one chosen by hashing {@code key} over the announced ones, so
   * the same key gets the same instance while they stay the same.
   */
  Optional<String> pick(ServiceKind<?> kind, long key);

  /** Ids of the live instances of {@code kind} in the cluster (this process's included), sorted. */
  List<String> announced(ServiceKind<?> kind);

  /**
   * An id of the process that announced instance {@code instanceId} of {@code kind}, if it is
   * announced: it changes whenever the instance is started again (it is the Hazelcast member of
   * that process), so a caller that remembers it learns that the instance restarted and forgot
   * what it was told.
   */
  Optional<String> incarnation(ServiceKind<?> kind, String instanceId);
}
