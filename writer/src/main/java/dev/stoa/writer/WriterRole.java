package dev.stoa.writer;

import dev.stoa.cluster.Services;
import dev.stoa.common.Lifecycle;
import dev.stoa.kv.KvStore;
import dev.stoa.cluster.HostedService;
import dev.stoa.router.RoomTable;
import dev.stoa.router.RouteTable;
import dev.stoa.cluster.ServiceDirectory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.function.LongSupplier;

/**
 * The writer role's composition root: builds a {@link SendPipeline} with a
 * {@link RoutedPushTrigger} over the route table and the service directory and a
 * {@link RoomSender} over the room table and the index servers, and announces it as
 * {@link Services#WRITER} under {@code instanceId} on {@link #start()}. {@link #stop()}
 * withdraws it, lets queued sends finish and stops the pipeline's threads. The KV store belongs to
 * the caller (it is shared with the reader in one process) and is not closed here. Start and stop
 * once each, from the composition root.
 *
 * <p>Threads (what {@link SendPipeline} says in full): a send arrives on the caller's thread and
 * does no I/O there; a session's sends are sequenced on one lane thread of
 * {@code writer.lanes}, written by the group-commit thread and made durable by it (nothing else
 * waiting) or by the sync thread; the answer completes on the caller's Vert.x context and the push
 * trigger runs on the writer thread that made the send durable. A connection's sends are taken in
 * their {@code conn_send_seq} order ({@code SendOrder}). Room sends go to the index server from
 * the caller's context.
 */
public final class WriterRole implements Lifecycle {
  private final HostedService<SendPipeline> hosted;

  public WriterRole(Vertx vertx, String instanceId, KvStore kv, LongSupplier msgIds, RouteTable routes,
      RoomTable rooms, ServiceDirectory directory, WriterOptions options, Clock clock) {
    this.hosted = new HostedService<>(vertx, directory, Services.WRITER, instanceId,
        () -> new SendPipeline(vertx, kv, msgIds, new RoutedPushTrigger(routes, directory),
            new RoomSender(rooms, directory), options, clock));
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
  public SendPipeline pipeline() {
    return hosted.service();
  }
}
