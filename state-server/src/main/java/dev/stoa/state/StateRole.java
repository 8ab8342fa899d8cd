package dev.stoa.state;

import dev.stoa.common.Lifecycle;
import dev.stoa.router.ServiceDirectory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;

/**
 * Composition root of the state-server role: builds a {@link StateServer} that reaches gateways
 * through the {@link ServiceDirectory}, starts it, then announces it as
 * {@link ServiceDirectory.Role#STATE} under its id; {@link #stop()} withdraws it first, then stops
 * it. Call {@link #start()} and {@link #stop()} once each, from the composition root.
 */
public final class StateRole implements Lifecycle {
  private final String stateServerId;
  private final ServiceDirectory directory;
  private final StateServer server;

  /**
   * @param stateServerId the id announced in the directory and naming the state file
   * @param dataDir the process data directory ({@code NodeOptions.dataDir()})
   */
  public StateRole(Vertx vertx, String stateServerId, Path dataDir, StateOptions options,
      ServiceDirectory directory) {
    this.stateServerId = stateServerId;
    this.directory = directory;
    this.server = new StateServer(vertx, stateServerId, dataDir, options, directory::gateway);
  }

  /** The state server itself (the object announced in the directory). */
  public StateServer server() {
    return server;
  }

  @Override
  public Future<Void> start() {
    return server.start().compose(v -> directory.register(ServiceDirectory.Role.STATE, stateServerId, server)
        .recover(e -> server.stop().transform(ignored -> Future.failedFuture(e))));
  }

  @Override
  public Future<Void> stop() {
    return directory.unregister(ServiceDirectory.Role.STATE, stateServerId)
        .transform(unregistered -> server.stop().compose(v -> unregistered.succeeded()
            ? Future.<Void>succeededFuture() : Future.<Void>failedFuture(unregistered.cause())));
  }
}
