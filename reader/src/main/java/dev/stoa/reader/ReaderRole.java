package dev.stoa.reader;

import dev.stoa.common.Lifecycle;
import dev.stoa.kv.KvStore;
import dev.stoa.router.ServiceDirectory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * The reader role's composition root: builds a {@link ReadPipeline} over the KV store and announces
 * it as {@link ServiceDirectory.Role#READER} under {@code instanceId} on {@link #start()};
 * {@link #stop()} withdraws it and lets running reads finish. The KV store belongs to the caller
 * and is not closed here. Start and stop once each, from the composition root.
 */
public final class ReaderRole implements Lifecycle {
  private final Vertx vertx;
  private final String instanceId;
  private final KvStore kv;
  private final ServiceDirectory directory;
  private final ReaderOptions options;
  private volatile ReadPipeline pipeline;

  public ReaderRole(Vertx vertx, String instanceId, KvStore kv, ServiceDirectory directory, ReaderOptions options) {
    this.vertx = vertx;
    this.instanceId = instanceId;
    this.kv = kv;
    this.directory = directory;
    this.options = options;
  }

  @Override
  public Future<Void> start() {
    if (pipeline != null) {
      return Future.failedFuture(new IllegalStateException("reader " + instanceId + " already started"));
    }
    ReadPipeline p = new ReadPipeline(vertx, kv, options);
    pipeline = p;
    return directory.register(ServiceDirectory.Role.READER, instanceId, p)
        .recover(e -> closePipeline().transform(ignored -> Future.failedFuture(e)));
  }

  @Override
  public Future<Void> stop() {
    if (pipeline == null) {
      return Future.succeededFuture();
    }
    return directory.unregister(ServiceDirectory.Role.READER, instanceId)
        .transform(unregistered -> closePipeline().compose(closed -> unregistered.failed()
            ? Future.<Void>failedFuture(unregistered.cause())
            : Future.<Void>succeededFuture()));
  }

  /** The running pipeline, or null before {@link #start()}. */
  public ReadPipeline pipeline() {
    return pipeline;
  }

  private Future<Void> closePipeline() {
    ReadPipeline p = pipeline;
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
