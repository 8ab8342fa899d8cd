package dev.stoa.reader;

import dev.stoa.cluster.Services;
import dev.stoa.common.Lifecycle;
import dev.stoa.kv.KvStore;
import dev.stoa.cluster.HostedService;
import dev.stoa.router.RoomTable;
import dev.stoa.cluster.ServiceDirectory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * The reader role's composition root: builds a {@link ReadPipeline} over the KV store and announces
 * it as {@link Services#READER} under {@code instanceId} on {@link #start()};
 * {@link #stop()} withdraws it and lets running reads finish. The KV store belongs to the caller
 * and is not closed here. Start and stop once each, from the composition root.
 *
 * <p>Threads (what {@link ReadPipeline} says in full): storage is read on {@code reader.threads}
 * platform threads, never on the caller's event loop, at most {@code reader.queue.max} reads at
 * once; answers complete on the caller's context. Room pulls go to the index server from there.
 */
public final class ReaderRole implements Lifecycle {
  private final HostedService<ReadPipeline> hosted;

  public ReaderRole(Vertx vertx, String instanceId, KvStore kv, RoomTable rooms, ServiceDirectory directory,
      ReaderOptions options) {
    this.hosted = new HostedService<>(vertx, directory, Services.READER, instanceId,
        () -> new ReadPipeline(vertx, kv, new RoomReader(rooms, directory), options));
  }

  @Override
  public Future<Void> start() {
    return hosted.start();
  }

  @Override
  public Future<Void> stop() {
    return hosted.stop();
  }

  /** The running pipeline, or null before {@link #start()}. */
  public ReadPipeline pipeline() {
    return hosted.service();
  }
}
