package dev.stoa.common.config;

import java.nio.file.Path;
import java.util.List;

/**
 * Options every Stoa process reads, whatever roles it hosts.
 *
 * @param dataDir where this process keeps its files (RocksDB, state-server maps, admin secret)
 * @param host the interface servers bind to and announce
 * @param adminSecret the admin bearer secret; empty means generate one at first start
 * @param nodeId a name for this process in logs and the cluster directory; empty means derived
 */
public record NodeOptions(Path dataDir, String host, String adminSecret, String nodeId) {
  public static final ConfigKey<Path> DATA_DIR =
      ConfigKey.path("data.dir", Path.of("data"), "directory for this process's files");
  public static final ConfigKey<String> HOST =
      ConfigKey.string("host", "127.0.0.1", "interface to bind and announce");
  public static final ConfigKey<String> ADMIN_SECRET =
      ConfigKey.string("admin.secret", "", "admin bearer secret; generated at first start when empty");
  public static final ConfigKey<String> NODE_ID =
      ConfigKey.string("node.id", "", "name of this process in the cluster; derived when empty");

  public static final List<ConfigKey<?>> KEYS = List.of(DATA_DIR, HOST, ADMIN_SECRET, NODE_ID);

  public static NodeOptions from(Config config) {
    return new NodeOptions(config.get(DATA_DIR), config.get(HOST), config.get(ADMIN_SECRET), config.get(NODE_ID));
  }
}
