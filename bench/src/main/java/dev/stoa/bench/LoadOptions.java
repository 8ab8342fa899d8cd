package dev.stoa.bench;

import dev.stoa.common.config.Config;
import dev.stoa.common.config.ConfigException;
import dev.stoa.common.config.ConfigKey;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Options of {@link C2cLoad}, read from {@code --key=value} flags (a bare {@code --max-rate} means
 * {@code --max-rate=true}). Validated here: the target and encoding are known, Stoa needs an admin
 * secret, the rate and pair count are positive.
 *
 * @param target what to load: the bare relay or a Stoa gateway
 * @param url WebSocket URL of the target
 * @param http base URL of Stoa's HTTP API (tokens); unused for the relay
 * @param adminSecret Stoa admin bearer secret; unused for the relay
 * @param rate offered messages/s over all clients (open loop)
 * @param pairs pairs of clients, each pair chatting one-to-one in both directions
 * @param durationSeconds length of the measured window
 * @param warmupSeconds load before the window, not measured
 * @param bodyBytes message body length (timestamp, index and padding)
 * @param maxRate closed loop instead of open loop: each client keeps {@code window} messages in
 *     flight, to find delivered messages/s at saturation
 * @param window messages in flight per client in {@code maxRate} mode
 * @param threads client event loops
 * @param encoding Stoa frames as JSON text or protobuf binary
 * @param drainSeconds how long to wait after the window for messages still in flight
 * @param connectTimeoutSeconds bound on getting tokens and connecting every client
 * @param deviceId device id of every Stoa client
 * @param serverPid process id of the server under load, to report its CPU per message; 0 = not reported
 */
public record LoadOptions(
    Target target, String url, String http, String adminSecret, int rate, int pairs, int durationSeconds,
    int warmupSeconds, int bodyBytes, boolean maxRate, int window, int threads, Encoding encoding,
    int drainSeconds, int connectTimeoutSeconds, String deviceId, long serverPid) {

  /** What the load runs against. */
  public enum Target { RELAY, STOA }

  /** How Stoa frames are encoded on the WebSocket. */
  public enum Encoding { JSON, BINARY }

  public static final ConfigKey<String> TARGET = ConfigKey.string("target", "relay", "relay or stoa");
  public static final ConfigKey<String> URL = ConfigKey.string("url", "",
      "WebSocket URL; default ws://127.0.0.1:9090/relay (relay) or ws://127.0.0.1:8080/v1/ws (stoa)");
  public static final ConfigKey<String> HTTP =
      ConfigKey.string("http", "http://127.0.0.1:8080", "Stoa HTTP API base URL");
  public static final ConfigKey<String> ADMIN_SECRET =
      ConfigKey.string("admin-secret", "", "Stoa admin secret, to get tokens");
  public static final ConfigKey<Integer> RATE =
      ConfigKey.integer("rate", 2000, 1, 10_000_000, "offered messages/s over all clients");
  public static final ConfigKey<Integer> PAIRS = ConfigKey.integer("pairs", 50, 1, 100_000, "client pairs");
  public static final ConfigKey<Integer> DURATION =
      ConfigKey.integer("duration", 10, 1, 3600, "measured seconds");
  public static final ConfigKey<Integer> WARMUP =
      ConfigKey.integer("warmup", 3, 0, 3600, "unmeasured seconds before the window");
  public static final ConfigKey<Integer> BODY_BYTES =
      ConfigKey.integer("body-bytes", 64, 1, 32 * 1024, "message body length");
  public static final ConfigKey<Boolean> MAX_RATE =
      ConfigKey.bool("max-rate", false, "closed loop with a window per client, to find saturation");
  public static final ConfigKey<Integer> WINDOW =
      ConfigKey.integer("window", 8, 1, 10_000, "messages in flight per client with --max-rate");
  public static final ConfigKey<Integer> THREADS = ConfigKey.integer("threads",
      Runtime.getRuntime().availableProcessors(), 1, 1024, "client event loops");
  public static final ConfigKey<String> ENCODING =
      ConfigKey.string("encoding", "json", "Stoa frames: json (text) or binary (protobuf)");
  public static final ConfigKey<Integer> DRAIN =
      ConfigKey.integer("drain", 5, 0, 600, "seconds to wait for in-flight messages after the window");
  public static final ConfigKey<Integer> CONNECT_TIMEOUT =
      ConfigKey.integer("connect-timeout", 60, 1, 3600, "seconds to get tokens and connect every client");
  public static final ConfigKey<String> DEVICE_ID =
      ConfigKey.string("device-id", "bench", "device id of every Stoa client");

  public static final ConfigKey<Long> SERVER_PID = ConfigKey.longInt("server-pid", 0, 0, Integer.MAX_VALUE,
      "process id of the server under load, to report its CPU per delivered message (Linux); 0 = none");

  public static final List<ConfigKey<?>> KEYS = List.of(TARGET, URL, HTTP, ADMIN_SECRET, RATE, PAIRS, DURATION,
      WARMUP, BODY_BYTES, MAX_RATE, WINDOW, THREADS, ENCODING, DRAIN, CONNECT_TIMEOUT, DEVICE_ID, SERVER_PID);

  public LoadOptions {
    if (target == Target.STOA && adminSecret.isEmpty()) {
      throw new ConfigException("config key 'admin-secret' is required with --target=stoa");
    }
    if (!url.startsWith("ws://") && !url.startsWith("wss://")) {
      throw new ConfigException("config key 'url' must start with ws:// or wss://, got '" + url + "'");
    }
  }

  public static LoadOptions from(Config config) {
    Target target = parseEnum(Target.class, "target", config.get(TARGET));
    String url = config.get(URL);
    if (url.isEmpty()) {
      url = target == Target.RELAY ? "ws://127.0.0.1:9090/relay" : "ws://127.0.0.1:8080/v1/ws";
    }
    return new LoadOptions(target, url, config.get(HTTP), config.get(ADMIN_SECRET), config.get(RATE),
        config.get(PAIRS), config.get(DURATION), config.get(WARMUP), config.get(BODY_BYTES), config.get(MAX_RATE),
        config.get(WINDOW), config.get(THREADS), parseEnum(Encoding.class, "encoding", config.get(ENCODING)),
        config.get(DRAIN), config.get(CONNECT_TIMEOUT), config.get(DEVICE_ID), config.get(SERVER_PID));
  }

  /** Parses {@code --key=value} arguments; unknown keys and bad values throw ConfigException. */
  public static LoadOptions parse(List<String> args) {
    return from(Config.load(null, Map.of(), Config.parseFlags(Flags.normalize(args)), KEYS));
  }

  /** Clients in the run: two per pair. */
  public int clients() {
    return 2 * pairs;
  }

  private static <E extends Enum<E>> E parseEnum(Class<E> type, String key, String raw) {
    try {
      return Enum.valueOf(type, raw.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("config key '" + key + "' must be one of "
          + List.of(type.getEnumConstants()).toString().toLowerCase(Locale.ROOT) + ", got '" + raw + "'");
    }
  }
}
