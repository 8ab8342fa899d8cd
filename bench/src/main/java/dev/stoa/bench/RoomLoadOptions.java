package dev.stoa.bench;

import dev.stoa.common.Ids;
import dev.stoa.common.config.Config;
import dev.stoa.common.config.ConfigException;
import dev.stoa.common.config.ConfigKey;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Options of {@link RoomLoad}, read from {@code --key=value} flags. Validated here: the admin
 * secret is set, {@code members} equals {@code connections} (in Stoa's protocol a connection is
 * one user, so each member is its own connection), publishers are members, the room id is valid.
 *
 * @param url WebSocket URL of the Stoa gateway
 * @param http base URL of Stoa's HTTP API (tokens)
 * @param adminSecret admin bearer secret, to mint one token per member
 * @param room room id; empty = a fresh {@code bench-<tag>} per run, so every run starts at seq 1
 * @param members users in the room, each on its own WebSocket connection
 * @param publishers the first {@code publishers} members also send to the room
 * @param rate offered messages/s over all publishers (open loop)
 * @param durationSeconds length of the measured window
 * @param warmupSeconds load before the window, not measured
 * @param bodyBytes message body length (timestamp, index and padding)
 * @param threads client event loops
 * @param encoding frames as JSON text or protobuf binary
 * @param drainSeconds how long to wait after the window for deliveries still in flight
 * @param connectTimeoutSeconds bound on minting tokens, and separately on connecting and joining
 *     every member
 * @param connectConcurrency connect+join handshakes in flight at once over all event loops, and
 *     token requests per batch
 * @param pingSeconds every member pings this often, so idle members are not closed by the gateway
 * @param deviceId device id of every client
 */
public record RoomLoadOptions(
    String url, String http, String adminSecret, String room, int members, int publishers, int rate,
    int durationSeconds, int warmupSeconds, int bodyBytes, int threads, LoadOptions.Encoding encoding,
    int drainSeconds, int connectTimeoutSeconds, int connectConcurrency, int pingSeconds, String deviceId) {

  public static final ConfigKey<String> URL =
      ConfigKey.string("url", "ws://127.0.0.1:8080/v1/ws", "Stoa WebSocket URL");
  public static final ConfigKey<String> HTTP =
      ConfigKey.string("http", "http://127.0.0.1:8080", "Stoa HTTP API base URL");
  public static final ConfigKey<String> ADMIN_SECRET =
      ConfigKey.string("admin-secret", "", "Stoa admin secret, to get tokens");
  public static final ConfigKey<String> ROOM =
      ConfigKey.string("room", "", "room id; empty = a fresh one per run");
  public static final ConfigKey<Integer> MEMBERS =
      ConfigKey.integer("members", 500, 1, 100_000, "room members, one connection each");
  public static final ConfigKey<Integer> CONNECTIONS = ConfigKey.integer("connections", 0, 0, 100_000,
      "WebSocket connections; must equal --members (0 = same as --members)");
  public static final ConfigKey<Integer> PUBLISHERS =
      ConfigKey.integer("publishers", 1, 1, 100_000, "members that also send to the room");
  public static final ConfigKey<Integer> RATE =
      ConfigKey.integer("rate", 10, 1, 1_000_000, "offered messages/s over all publishers");
  public static final ConfigKey<Integer> DURATION =
      ConfigKey.integer("duration", 10, 1, 3600, "measured seconds");
  public static final ConfigKey<Integer> WARMUP =
      ConfigKey.integer("warmup", 3, 0, 3600, "unmeasured seconds before the window");
  public static final ConfigKey<Integer> BODY_BYTES =
      ConfigKey.integer("body-bytes", 64, 1, 32 * 1024, "message body length");
  public static final ConfigKey<Integer> THREADS = ConfigKey.integer("threads",
      Runtime.getRuntime().availableProcessors(), 1, 1024, "client event loops");
  public static final ConfigKey<String> ENCODING =
      ConfigKey.string("encoding", "json", "frames: json (text) or binary (protobuf)");
  public static final ConfigKey<Integer> DRAIN =
      ConfigKey.integer("drain", 10, 0, 600, "seconds to wait for deliveries after the window");
  public static final ConfigKey<Integer> CONNECT_TIMEOUT = ConfigKey.integer("connect-timeout", 300, 1, 3600,
      "seconds to mint every token, and again to connect and join every member");
  public static final ConfigKey<Integer> CONNECT_CONCURRENCY = ConfigKey.integer("connect-concurrency", 64, 1,
      10_000, "connect+join handshakes in flight at once (and token requests per batch)");
  public static final ConfigKey<Integer> PING_SECONDS =
      ConfigKey.integer("ping-seconds", 20, 1, 3600, "ping interval of every member");
  public static final ConfigKey<String> DEVICE_ID =
      ConfigKey.string("device-id", "bench", "device id of every client");

  public static final List<ConfigKey<?>> KEYS = List.of(URL, HTTP, ADMIN_SECRET, ROOM, MEMBERS, CONNECTIONS,
      PUBLISHERS, RATE, DURATION, WARMUP, BODY_BYTES, THREADS, ENCODING, DRAIN, CONNECT_TIMEOUT,
      CONNECT_CONCURRENCY, PING_SECONDS, DEVICE_ID);

  public RoomLoadOptions {
    if (adminSecret.isEmpty()) {
      throw new ConfigException("config key 'admin-secret' is required (tokens are minted with it)");
    }
    if (!url.startsWith("ws://") && !url.startsWith("wss://")) {
      throw new ConfigException("config key 'url' must start with ws:// or wss://, got '" + url + "'");
    }
    if (publishers > members) {
      throw new ConfigException("config key 'publishers' (" + publishers + ") must be at most 'members' ("
          + members + "): publishers are members of the room");
    }
    if (!room.isEmpty() && !Ids.isValidId(room)) {
      throw new ConfigException("config key 'room' must be 1-64 chars of [A-Za-z0-9_.-], got '" + room + "'");
    }
  }

  public static RoomLoadOptions from(Config config) {
    int members = config.get(MEMBERS);
    int connections = config.get(CONNECTIONS);
    if (connections != 0 && connections != members) {
      throw new ConfigException("config key 'connections' (" + connections + ") must equal 'members' (" + members
          + "): a Stoa connection is one user, so each member has its own connection");
    }
    return new RoomLoadOptions(config.get(URL), config.get(HTTP), config.get(ADMIN_SECRET), config.get(ROOM),
        members, config.get(PUBLISHERS), config.get(RATE), config.get(DURATION), config.get(WARMUP),
        config.get(BODY_BYTES), config.get(THREADS), parseEncoding(config.get(ENCODING)), config.get(DRAIN),
        config.get(CONNECT_TIMEOUT), config.get(CONNECT_CONCURRENCY), config.get(PING_SECONDS),
        config.get(DEVICE_ID));
  }

  /** Parses {@code --key=value} arguments; unknown keys and bad values throw ConfigException. */
  public static RoomLoadOptions parse(List<String> args) {
    return from(Config.load(null, Map.of(), Config.parseFlags(Flags.normalize(args)), KEYS));
  }

  /** Connections in the run: one per member. */
  public int connections() {
    return members;
  }

  private static LoadOptions.Encoding parseEncoding(String raw) {
    try {
      return LoadOptions.Encoding.valueOf(raw.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("config key 'encoding' must be one of [json, binary], got '" + raw + "'");
    }
  }
}
