package dev.stoa.cluster;

import dev.stoa.common.StoaException;
import dev.stoa.proto.client.Code;
import dev.stoa.proto.internal.Gateway;
import dev.stoa.proto.internal.Index;
import dev.stoa.proto.internal.Reader;
import dev.stoa.proto.internal.Rooms;
import dev.stoa.proto.internal.State;
import dev.stoa.proto.internal.Writer;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

/**
 * Where the roles of the cluster are, and a binding to each: a role hosted in this process is
 * returned as the object itself (direct binding); a role elsewhere is returned as a Vert.x gRPC
 * client of the same interface (DESIGN.md §5). Roles announce themselves through Hazelcast when
 * they {@link #register}. Thread-safe.
 */
public interface ServiceDirectory {

  /** The kinds of role a process can host and announce. */
  enum Role { WRITER, READER, STATE, GATEWAY, INDEX, ROOMS }

  /**
   * Hosts {@code service} (a {@link Writer}, {@link Reader}, {@link State}, {@link Gateway},
   * {@link Index} or {@link Rooms} matching {@code role}) under {@code instanceId} in this process and announces it to the
   * cluster, reachable through this process's gRPC endpoint.
   */
  Future<Void> register(Role role, String instanceId, Object service);

  /** Withdraws an instance announced by {@link #register}. */
  Future<Void> unregister(Role role, String instanceId);

  /** A writer: the local one if any, else a live remote one. Fails UNAVAILABLE if none. */
  Writer writer();

  /** A reader: the local one if any, else a live remote one. Fails UNAVAILABLE if none. */
  Reader reader();

  /**
   * Whether {@link #writer()} is this process's own writer (a direct binding): its calls reach it
   * in the order they are made, with no network and no choice among writers between them. The
   * default is false, which is always safe.
   */
  default boolean writerInProcess() {
    return false;
  }

  /**
   * An index server: the local one if any, else a live remote one. Until the meta server assigns
   * shards, one index server leads every shard, so any announced one is the leader. Fails
   * UNAVAILABLE (per call) if none is announced. The default knows none.
   */
  default Index index() {
    return dev.stoa.cluster.impl.LateBound.index(() -> {
      throw new StoaException(Code.UNAVAILABLE, "no index server is announced in the cluster");
    });
  }

  /** The room fan-out of state server {@code stateServerId}, if it is announced. The default knows none. */
  default Optional<Rooms> rooms(String stateServerId) {
    return Optional.empty();
  }

  /** Ids of the live instances of {@code role} in the cluster (this process's included), sorted. */
  default List<String> announced(Role role) {
    return List.of();
  }

  /**
   * An id of the process that announced instance {@code instanceId} of {@code role}, if it is
   * announced: it changes whenever the instance is started again (it is the Hazelcast member of
   * that process), so a caller that remembers it learns that the instance restarted and forgot
   * what it was told. The default knows none.
   */
  default Optional<String> incarnation(Role role, String instanceId) {
    return Optional.empty();
  }

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
