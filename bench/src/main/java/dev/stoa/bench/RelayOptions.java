package dev.stoa.bench;

import dev.stoa.common.config.Config;
import dev.stoa.common.config.ConfigKey;
import java.util.List;
import java.util.Map;

/**
 * Options of {@link BareRelay}, read from {@code --key=value} flags.
 *
 * @param host interface to bind; loopback by default
 * @param port TCP port of the WebSocket server; 0 picks a free one
 * @param instances event-loop verticle instances sharing the port
 */
public record RelayOptions(String host, int port, int instances) {
  public static final int DEFAULT_PORT = 9090;

  public static final ConfigKey<String> HOST = ConfigKey.string("host", "127.0.0.1", "interface to bind");
  public static final ConfigKey<Integer> PORT =
      ConfigKey.integer("port", DEFAULT_PORT, 0, 65535, "WebSocket port; 0 picks a free one");
  public static final ConfigKey<Integer> INSTANCES = ConfigKey.integer("instances",
      Runtime.getRuntime().availableProcessors(), 1, 1024, "event-loop verticle instances");

  public static final List<ConfigKey<?>> KEYS = List.of(HOST, PORT, INSTANCES);

  public static RelayOptions from(Config config) {
    return new RelayOptions(config.get(HOST), config.get(PORT), config.get(INSTANCES));
  }

  /** Parses {@code --key=value} arguments; a bare {@code --flag} means {@code --flag=true}. */
  public static RelayOptions parse(List<String> args) {
    return from(Config.load(null, Map.of(), Config.parseFlags(Flags.normalize(args)), KEYS));
  }
}
