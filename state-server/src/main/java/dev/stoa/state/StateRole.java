package dev.stoa.state;

import dev.stoa.common.Lifecycle;
import dev.stoa.router.RoomTable;
import dev.stoa.cluster.ServiceDirectory;
import dev.stoa.cluster.Services;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Composition root of the state-server role: builds a {@link StateServer} that reaches gateways
 * through the {@link ServiceDirectory} and the {@link RoomFanout} beside it (reading rooms from
 * {@link ServiceDirectory#index()}, publishing memberships in the {@link RoomTable}). {@link #start()}
 * starts the server, then the fan-out, then announces {@link Services#STATE} and {@link Services#ROOMS}
 * under the same id; {@link #stop()} withdraws ROOMS and STATE, then stops the fan-out and the
 * server. A failed start undoes what it did. Call {@link #start()} and {@link #stop()} once each,
 * from the composition root.
 *
 * <p>Threads (each class says them in full): the push state and the map file live on the state
 * server's one lane thread, which also calls the gateways; its retransmit wheel thread hands fired
 * timers straight to the lane. Room state lives on the fan-out's own
 * context, ticked by its wheel; member lanes are tasks on that context.
 */
public final class StateRole implements Lifecycle {
  private final String stateServerId;
  private final ServiceDirectory directory;
  private final StateServer server;
  private final RoomFanout rooms;

  /**
   * @param stateServerId the id announced in the directory and naming the state file
   * @param dataDir the process data directory ({@code NodeOptions.dataDir()})
   * @param roomTable room memberships for writers and readers (in production a
   *     {@code HazelcastRoomTable})
   * @param routeTtl the room table's TTL ({@code RouterOptions.routeTtl()}); memberships are
   *     refreshed every third of it
   */
  public StateRole(Vertx vertx, String stateServerId, Path dataDir, StateOptions options,
      ServiceDirectory directory, RoomTable roomTable, Duration routeTtl) {
    this.stateServerId = stateServerId;
    this.directory = directory;
    this.server = new StateServer(vertx, stateServerId, dataDir, options, id -> directory.find(Services.GATEWAY, id));
    this.rooms = new RoomFanout(vertx, server, options, roomTable, () -> directory.any(Services.INDEX),
        id -> directory.find(Services.GATEWAY, id), routeTtl);
  }

  /** The state server itself (the object announced as {@link Services#STATE}). */
  public StateServer server() {
    return server;
  }

  /** The room fan-out (the object announced as {@link Services#ROOMS}). */
  public RoomFanout rooms() {
    return rooms;
  }

  @Override
  public Future<Void> start() {
    return server.start()
        .compose(v -> rooms.start().recover(e -> server.stop().transform(ignored -> Future.failedFuture(e))))
        .compose(v -> directory.register(Services.STATE, stateServerId, server)
            .compose(x -> directory.register(Services.ROOMS, stateServerId, rooms)
                .recover(e -> directory.unregister(Services.STATE, stateServerId)
                    .transform(ignored -> Future.<Void>failedFuture(e))))
            .recover(e -> rooms.stop().eventually(server::stop).transform(ignored -> Future.failedFuture(e))));
  }

  @Override
  public Future<Void> stop() {
    return directory.unregister(Services.ROOMS, stateServerId).transform(roomsOut -> directory.unregister(Services.STATE,
        stateServerId)
        .transform(stateOut -> rooms.stop()
            .eventually(server::stop)
            .compose(v -> firstFailure(roomsOut, stateOut))));
  }

  private static Future<Void> firstFailure(AsyncResult<Void> first, AsyncResult<Void> second) {
    if (first.failed()) {
      return Future.failedFuture(first.cause());
    }
    return second.failed() ? Future.failedFuture(second.cause()) : Future.succeededFuture();
  }
}
