package dev.stoa.router;

import dev.stoa.proto.internal.Gateway;
import dev.stoa.proto.internal.Reader;
import dev.stoa.proto.internal.State;
import dev.stoa.proto.internal.Writer;
import io.vertx.core.Future;
import java.util.Optional;

/**
 * Where the roles of the cluster are, and a binding to each: a role hosted in this process is
 * returned as the object itself (direct binding); a role elsewhere is returned as a Vert.x gRPC
 * client of the same interface (DESIGN.md §5). Roles announce themselves through Hazelcast when
 * they {@link #register}. Thread-safe.
 */
public interface ServiceDirectory {

  /** The kinds of role a process can host and announce. */
  enum Role { WRITER, READER, STATE, GATEWAY }

  /**
   * Hosts {@code service} (a {@link Writer}, {@link Reader}, {@link State} or {@link Gateway}
   * matching {@code role}) under {@code instanceId} in this process and announces it to the
   * cluster, reachable through this process's gRPC endpoint.
   */
  Future<Void> register(Role role, String instanceId, Object service);

  /** Withdraws an instance announced by {@link #register}. */
  Future<Void> unregister(Role role, String instanceId);

  /** A writer: the local one if any, else a live remote one. Fails UNAVAILABLE if none. */
  Writer writer();

  /** A reader: the local one if any, else a live remote one. Fails UNAVAILABLE if none. */
  Reader reader();

  /** The state server {@code stateServerId}, if it is announced. */
  Optional<State> state(String stateServerId);

  /** The gateway {@code gatewayId}, if it is announced. */
  Optional<Gateway> gateway(String gatewayId);

  /**
   * The state server that should own a new connection: a live one chosen by hashing
   * {@code connId} over the announced state servers, preferring one in this process.
   */
  Optional<String> pickStateServer(long connId);
}
