package dev.stoa.index;

import dev.stoa.cluster.Services;
import dev.stoa.common.Lifecycle;
import dev.stoa.cluster.ServiceDirectory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.LongSupplier;

/**
 * Composition root of the index-server role: builds an {@link IndexServer}, starts it (replaying
 * every shard log), then announces it as {@link Services#INDEX}; {@link #stop()}
 * withdraws it first, then closes the logs. Start and stop once each, from the composition root.
 *
 * <p>Threads (each class says them in full): a shard's appends are sequenced on that shard's lane
 * thread and made durable by its log's flusher thread, which completes them in offset order and
 * fills the rings; rings are read from any thread; a dropped ring is rebuilt from the log on a
 * worker; retention runs on a worker once a minute.
 */
public final class IndexRole implements Lifecycle {
  private final ServiceDirectory directory;
  private final IndexServer server;

  public IndexRole(Vertx vertx, String serverId, Path dataDir, IndexOptions options, LongSupplier msgIds,
      ServiceDirectory directory, Clock clock) {
    this.directory = directory;
    this.server = new IndexServer(vertx, serverId, dataDir, options, msgIds, clock);
  }

  public IndexServer server() {
    return server;
  }

  @Override
  public Future<Void> start() {
    return server.start().compose(v -> directory.register(Services.INDEX, server.id(), server)
        .recover(e -> server.stop().transform(ignored -> Future.failedFuture(e))));
  }

  @Override
  public Future<Void> stop() {
    return directory.unregister(Services.INDEX, server.id())
        .transform(unregistered -> server.stop().compose(v -> unregistered.succeeded()
            ? Future.<Void>succeededFuture() : Future.<Void>failedFuture(unregistered.cause())));
  }
}
