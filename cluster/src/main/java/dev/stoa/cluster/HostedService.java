package dev.stoa.cluster;

import dev.stoa.common.Lifecycle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.Supplier;

/**
 * One role's service object hosted in the {@link ServiceDirectory} for the lifetime of the role:
 * {@link #start()} builds it and registers it under (service, instanceId); {@link #stop()} withdraws
 * it and then closes it on a worker (closing may block: it drains queues and joins threads). A
 * failed registration closes what was built. Start and stop are called once each, from the
 * composition root.
 *
 * @param <T> the service: an implementation of the role's generated interface that owns resources
 */
public final class HostedService<T extends AutoCloseable> implements Lifecycle {
  private final Vertx vertx;
  private final ServiceDirectory directory;
  private final ServiceKind<? super T> kind;
  private final String instanceId;
  private final Supplier<T> factory;
  private volatile T service;

  public HostedService(Vertx vertx, ServiceDirectory directory, ServiceKind<? super T> kind, String instanceId,
      Supplier<T> factory) {
    this.vertx = vertx;
    this.directory = directory;
    this.kind = kind;
    this.instanceId = instanceId;
    this.factory = factory;
  }

  @Override
  public Future<Void> start() {
    if (service != null) {
      return Future.failedFuture(new IllegalStateException(kind + " " + instanceId + " already started"));
    }
    T built;
    try {
      built = factory.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    service = built;
    return directory.register(kind, instanceId, built)
        .recover(e -> closeService().transform(ignored -> Future.failedFuture(e)));
  }

  @Override
  public Future<Void> stop() {
    if (service == null) {
      return Future.succeededFuture();
    }
    return directory.unregister(kind, instanceId)
        .transform(unregistered -> closeService().compose(closed -> unregistered.failed()
            ? Future.<Void>failedFuture(unregistered.cause())
            : Future.<Void>succeededFuture()));
  }

  /** The running service, or null before {@link #start()} and after {@link #stop()}. */
  public T service() {
    return service;
  }

  private Future<Void> closeService() {
    T s = service;
    service = null;
    if (s == null) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> {
      s.close();
      return null;
    }, false);
  }
}
