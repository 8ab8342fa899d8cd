package dev.stoa.cluster;

import dev.stoa.common.config.Config;
import dev.stoa.common.config.ConfigKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Options of the cluster fabric of one process: its Hazelcast member and its internal gRPC
 * endpoint. Validated on construction; immutable.
 *
 * @param clusterName the cluster's label; the Hazelcast cluster name is this label plus a tag
 *     derived from the cluster secret ({@link ClusterSecret#hazelcastClusterName}), so members with
 *     another label or another secret never join
 * @param clusterPort first Hazelcast member port; the member auto-increments from it when taken
 * @param clusterMembers {@code host} or {@code host:port} of members to join over TCP/IP; empty
 *     means this member runs alone and joins nobody
 * @param grpcPort port of this process's internal gRPC endpoint; 0 picks a free one (the bound
 *     port is what gets announced)
 * @param rpcTimeout deadline of one internal gRPC call made through the directory
 */
public record ClusterOptions(String clusterName, int clusterPort, List<String> clusterMembers, int grpcPort,
    Duration rpcTimeout) {

  public static final ConfigKey<String> CLUSTER_NAME =
      ConfigKey.string("cluster.name", "stoa",
          "label of the cluster; the Hazelcast cluster name is this plus a tag derived from the cluster secret");
  /**
   * The cluster secret itself; read by the launcher (never by the fabric, which takes a
   * {@link ClusterSecret}), so it is not a component of this record.
   */
  public static final ConfigKey<String> CLUSTER_SECRET =
      ConfigKey.string("cluster.secret", "",
          "secret shared by every node of the cluster (at least " + ClusterSecret.MIN_LENGTH + " characters);"
              + " empty = read cluster.secret.file, else <data.dir>/cluster.secret, else generated there when"
              + " cluster.members is empty");
  /** A file holding the cluster secret (for example on a volume shared by the nodes); read by the launcher. */
  public static final ConfigKey<String> CLUSTER_SECRET_FILE =
      ConfigKey.string("cluster.secret.file", "",
          "file holding the cluster secret, the same for every node; empty = none");
  public static final ConfigKey<Integer> CLUSTER_PORT =
      ConfigKey.integer("cluster.port", 5701, 1, 65535,
          "first Hazelcast member port (auto-incremented when taken)");
  public static final ConfigKey<List<String>> CLUSTER_MEMBERS =
      ConfigKey.list("cluster.members", List.of(),
          "comma-separated host[:port] of cluster members; empty = this member alone");
  public static final ConfigKey<Integer> GRPC_PORT =
      ConfigKey.integer("grpc.port", 0, 0, 65535, "internal gRPC port; 0 = any free port");
  public static final ConfigKey<Integer> RPC_TIMEOUT_MS =
      ConfigKey.integer("rpc.timeout.ms", 10_000, 1, 600_000,
          "deadline of one internal gRPC call, milliseconds");

  public static final List<ConfigKey<?>> KEYS = List.of(CLUSTER_NAME, CLUSTER_SECRET, CLUSTER_SECRET_FILE,
      CLUSTER_PORT, CLUSTER_MEMBERS, GRPC_PORT, RPC_TIMEOUT_MS);

  public ClusterOptions {
    if (clusterName == null || clusterName.isBlank()) {
      throw new IllegalArgumentException("cluster.name: must not be empty");
    }
    if (clusterPort < 1 || clusterPort > 65535) {
      throw new IllegalArgumentException("cluster.port: must be in 1..65535, got " + clusterPort);
    }
    clusterMembers = List.copyOf(clusterMembers);
    if (grpcPort < 0 || grpcPort > 65535) {
      throw new IllegalArgumentException("grpc.port: must be in 0..65535, got " + grpcPort);
    }
    if (rpcTimeout == null || rpcTimeout.isNegative() || rpcTimeout.isZero()) {
      throw new IllegalArgumentException("rpc.timeout: must be positive, got " + rpcTimeout);
    }
  }

  public static ClusterOptions from(Config config) {
    return new ClusterOptions(config.get(CLUSTER_NAME), config.get(CLUSTER_PORT), config.get(CLUSTER_MEMBERS),
        config.get(GRPC_PORT), Duration.ofMillis(config.get(RPC_TIMEOUT_MS)));
  }

  /** Every key at its default. */
  public static ClusterOptions defaults() {
    return from(Config.of(KEYS, Map.of()));
  }

  public ClusterOptions withClusterName(String name) {
    return new ClusterOptions(name, clusterPort, clusterMembers, grpcPort, rpcTimeout);
  }

  public ClusterOptions withClusterPort(int port) {
    return new ClusterOptions(clusterName, port, clusterMembers, grpcPort, rpcTimeout);
  }

  public ClusterOptions withClusterMembers(List<String> members) {
    return new ClusterOptions(clusterName, clusterPort, members, grpcPort, rpcTimeout);
  }

  public ClusterOptions withGrpcPort(int port) {
    return new ClusterOptions(clusterName, clusterPort, clusterMembers, port, rpcTimeout);
  }

  public ClusterOptions withRpcTimeout(Duration timeout) {
    return new ClusterOptions(clusterName, clusterPort, clusterMembers, grpcPort, timeout);
  }
}
