package dev.stoa.common.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Options every Stoa process reads, whatever roles it hosts.
 *
 * <p>Two bind addresses: {@code host} for what clients reach (the gateway's HTTP/WebSocket and
 * TCP servers) and {@code internal.host} for the internal plane (the Hazelcast member and the
 * internal gRPC endpoint), which must stay on a private network. The internal address is also the
 * one announced to peers, so it must be a specific address they can reach, never a wildcard.
 *
 * @param dataDir where this process keeps its files (RocksDB, state-server maps, secrets)
 * @param host the interface the client-facing servers bind to
 * @param internalHost the address the Hazelcast member and the internal gRPC endpoint bind to and
 *     announce; not a wildcard
 * @param adminSecret the admin bearer secret; empty means generate one at first start
 * @param nodeId a name for this process in logs and the cluster directory; empty means derived
 */
public record NodeOptions(Path dataDir, String host, String internalHost, String adminSecret, String nodeId) {
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final String DEFAULT_INTERNAL_HOST = "127.0.0.1";
  private static final Set<String> WILDCARDS = Set.of("0.0.0.0", "::", "[::]", "0:0:0:0:0:0:0:0", "*");

  public static final ConfigKey<Path> DATA_DIR =
      ConfigKey.path("data.dir", Path.of("data"), "directory for this process's files");
  public static final ConfigKey<String> HOST =
      ConfigKey.string("host", DEFAULT_HOST,
          "interface the client-facing servers bind to (gateway HTTP/WebSocket and TCP); 0.0.0.0 = every interface");
  public static final ConfigKey<String> INTERNAL_HOST =
      ConfigKey.string("internal.host", DEFAULT_INTERNAL_HOST,
          "private-network address the Hazelcast member and the internal gRPC endpoint bind to and announce"
              + " to peers; a specific address, never a wildcard");
  public static final ConfigKey<String> ADMIN_SECRET =
      ConfigKey.string("admin.secret", "", "admin bearer secret; generated at first start when empty");
  public static final ConfigKey<String> NODE_ID =
      ConfigKey.string("node.id", "", "name of this process in the cluster; derived when empty");

  public static final List<ConfigKey<?>> KEYS = List.of(DATA_DIR, HOST, INTERNAL_HOST, ADMIN_SECRET, NODE_ID);

  public NodeOptions {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host: must not be empty");
    }
    if (internalHost == null || internalHost.isBlank()) {
      throw new IllegalArgumentException("internal.host: must not be empty");
    }
    if (WILDCARDS.contains(internalHost.strip())) {
      throw new IllegalArgumentException("internal.host: must be a specific address peers can reach (it is"
          + " announced to them), got the wildcard '" + internalHost + "', which would also open the internal"
          + " plane on every interface");
    }
  }

  public static NodeOptions from(Config config) {
    return new NodeOptions(config.get(DATA_DIR), config.get(HOST), config.get(INTERNAL_HOST),
        config.get(ADMIN_SECRET), config.get(NODE_ID));
  }
}
