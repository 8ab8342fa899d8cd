package dev.stoa.writer;

import dev.stoa.common.Lifecycle;
import dev.stoa.kv.KvStore;
import dev.stoa.router.RouteTable;
import dev.stoa.router.ServiceDirectory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.function.LongSupplier;

/**
 * The writer role's composition root: builds a {@link SendPipeline} with a
 * {@link RoutedPushTrigger} over the route table and the service directory, and announces it as
 * {@link ServiceDirectory.Role#WRITER} under {@code instanceId} on {@link #start()}. {@link #stop()}
 * withdraws it, lets queued sends finish and stops the pipeline's threads. The KV store belongs to
 * the caller (it is shared with the reader in one process) and is not closed here. Start and stop
 * once each, from the composition root.
 */
public final class WriterRole implements Lifecycle {
  private final Vertx vertx;
  private final String instanceId;
  private final KvStore kv;
  private final LongSupplier msgIds;
  private final RouteTable routes;
  private final ServiceDirectory directory;
  private final WriterOptions options;
  private final Clock clock;
  private volatile SendPipeline pipeline;

  public WriterRole(Vertx vertx, String instanceId, KvStore kv, LongSupplier msgIds, RouteTable routes,
      ServiceDirectory directory, WriterOptions options, Clock clock) {
    this.vertx = vertx;
    this.instanceId = instanceId;
    this.kv = kv;
    this.msgIds = msgIds;
    this.routes = routes;
    this.directory = directory;
    this.options = options;
    this.clock = clock;
  }

  @Override
  public Future<Void> start() {
    if (pipeline != null) {
      return Future.failedFuture(new IllegalStateException("writer " + instanceId + " already started"));
    }
    SendPipeline p;
    try {
      p = new SendPipeline(vertx, kv, msgIds, new RoutedPushTrigger(routes, directory), options, clock);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    pipeline = p;
    return directory.register(ServiceDirectory.Role.WRITER, instanceId, p)
        .recover(e -> closePipeline().transform(ignored -> Future.failedFuture(e)));
  }

  @Override
  public Future<Void> stop() {
    if (pipeline == null) {
      return Future.succeededFuture();
    }
    return directory.unregister(ServiceDirectory.Role.WRITER, instanceId)
        .transform(unregistered -> closePipeline().compose(closed -> unregistered.failed()
            ? Future.<Void>failedFuture(unregistered.cause())
            : Future.<Void>succeededFuture()));
  }

  /** The running pipeline, or null before {@link #start()}. */
  public SendPipeline pipeline() {
    return pipeline;
  }

  private Future<Void> closePipeline() {
    SendPipeline p = pipeline;
    pipeline = null;
    if (p == null) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> {
      p.close();
      return null;
    }, false);
  }
}
