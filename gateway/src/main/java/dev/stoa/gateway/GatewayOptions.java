package dev.stoa.gateway;

import dev.stoa.common.config.Config;
import dev.stoa.common.config.ConfigKey;
import dev.stoa.common.config.NodeOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Options of the gateway role (DESIGN.md §2/§3), read once at start-up. Immutable.
 *
 * @param host interface the client-facing HTTP/WebSocket and TCP servers bind to ({@link NodeOptions#HOST});
 *     the internal plane binds {@link NodeOptions#INTERNAL_HOST} instead
 * @param httpPort HTTP API and WebSocket port; 0 = any free port (then one server instance)
 * @param tcpPort TCP long-connection port; 0 = any free port (then one server instance)
 * @param heartbeatSeconds sent to clients in {@code connAck} as the ping interval, and the period
 *     at which the gateway refreshes its routes in the route table
 * @param idleTimeoutSeconds a connection that sent no frame for this long is closed with an error
 * @param connectTimeoutSeconds a connection that sent no {@code connect} within this is closed
 * @param frameMaxBytes largest client frame (WebSocket message or TCP frame) and HTTP body;
 *     anything larger is answered TOO_LARGE
 * @param ratePerSecond token-bucket refill per connection, frames per second
 * @param rateBurst token-bucket capacity per connection
 * @param tokenTtlDefaultSeconds lifetime of a token when {@code POST /v1/tokens} names none
 * @param tokenTtlMaxSeconds longest lifetime {@code POST /v1/tokens} accepts
 * @param instances server instances (event loops) per listener; 0 = available processors
 * @param writeQueueMaxBytes bytes that may wait to be written to one connection; a push to a
 *     connection over this is dropped and the connection closed with {@code kick} (slow consumer)
 * @param httpIdleTimeoutSeconds a connection on the HTTP port (keep-alive or WebSocket) that neither
 *     read nor wrote for this long is closed by the HTTP server; above the heartbeat, so a client
 *     that pings as told in {@code connAck} is never cut
 * @param httpMaxConnections connections open at once on the HTTP port of this gateway (a WebSocket
 *     is the connection it was upgraded from); one more is closed as soon as it is accepted
 * @param userMaxConnections long connections one user may hold at once, over every gateway of the
 *     cluster (counted in the route table); a connect beyond it is accepted and the user's oldest
 *     connections are kicked until the user is back at the cap
 * @param rateKickAfter frames of one connection refused for the rate limit within one second
 *     after which the connection is kicked (a client that keeps flooding costs the gateway an
 *     error frame per frame otherwise)
 */
public record GatewayOptions(String host, int httpPort, int tcpPort, int heartbeatSeconds,
    int idleTimeoutSeconds, int connectTimeoutSeconds, int frameMaxBytes, int ratePerSecond,
    int rateBurst, long tokenTtlDefaultSeconds, long tokenTtlMaxSeconds, int instances,
    int writeQueueMaxBytes, int httpIdleTimeoutSeconds, int httpMaxConnections, int userMaxConnections,
    int rateKickAfter) {

  public static final int DEFAULT_HTTP_PORT = 8080;
  public static final int DEFAULT_TCP_PORT = 7070;
  public static final int DEFAULT_HEARTBEAT_SECONDS = 30;
  public static final int DEFAULT_IDLE_TIMEOUT_SECONDS = 90;
  public static final int DEFAULT_CONNECT_TIMEOUT_SECONDS = 10;
  public static final int DEFAULT_FRAME_MAX_BYTES = 65536;
  public static final int DEFAULT_RATE_PER_SECOND = 50;
  public static final int DEFAULT_RATE_BURST = 100;
  public static final long DEFAULT_TOKEN_TTL_SECONDS = 86_400;
  public static final long DEFAULT_TOKEN_TTL_MAX_SECONDS = 2_592_000;
  public static final int DEFAULT_INSTANCES = 0;
  public static final int DEFAULT_WRITE_QUEUE_MAX_BYTES = 1024 * 1024;
  /** Above the default session idle timeout (90 s), so a WebSocket session's own error frame comes first. */
  public static final int DEFAULT_HTTP_IDLE_TIMEOUT_SECONDS = 120;
  /** Room for the WebSockets of a busy node (a few KiB each); raise it with the file-descriptor limit. */
  public static final int DEFAULT_HTTP_MAX_CONNECTIONS = 10_000;
  /** Phones, tablets, desktops and a few browser tabs. */
  public static final int DEFAULT_USER_MAX_CONNECTIONS = 16;
  /** Four times the default rate: a client that backs off on RATE_LIMITED never gets near it. */
  public static final int DEFAULT_RATE_KICK_AFTER = 200;

  public static final ConfigKey<Integer> HTTP_PORT = ConfigKey.integer("http.port", DEFAULT_HTTP_PORT, 0, 65535,
      "HTTP API and WebSocket port; 0 = any free port");
  public static final ConfigKey<Integer> TCP_PORT = ConfigKey.integer("tcp.port", DEFAULT_TCP_PORT, 0, 65535,
      "TCP long-connection port; 0 = any free port");
  public static final ConfigKey<Integer> HEARTBEAT_SECONDS = ConfigKey.integer("gateway.heartbeat.seconds",
      DEFAULT_HEARTBEAT_SECONDS, 1, 3600, "client ping interval announced in connAck; route refresh period");
  public static final ConfigKey<Integer> IDLE_TIMEOUT_SECONDS = ConfigKey.integer("gateway.idle.timeout.seconds",
      DEFAULT_IDLE_TIMEOUT_SECONDS, 1, 86_400, "close a connection that sent no frame for this long");
  public static final ConfigKey<Integer> CONNECT_TIMEOUT_SECONDS = ConfigKey.integer(
      "gateway.connect.timeout.seconds", DEFAULT_CONNECT_TIMEOUT_SECONDS, 1, 3600,
      "close a connection that sent no connect frame within this");
  public static final ConfigKey<Integer> FRAME_MAX_BYTES = ConfigKey.integer("gateway.frame.max.bytes",
      DEFAULT_FRAME_MAX_BYTES, 64, 16 * 1024 * 1024, "largest client frame and HTTP body in bytes");
  public static final ConfigKey<Integer> RATE_PER_SECOND = ConfigKey.integer("gateway.rate.per.second",
      DEFAULT_RATE_PER_SECOND, 1, 1_000_000, "frames per second per connection (token refill)");
  public static final ConfigKey<Integer> RATE_BURST = ConfigKey.integer("gateway.rate.burst",
      DEFAULT_RATE_BURST, 1, 1_000_000, "token-bucket capacity per connection");
  public static final ConfigKey<Long> TOKEN_TTL_DEFAULT_SECONDS = ConfigKey.longInt("token.ttl.default.seconds",
      DEFAULT_TOKEN_TTL_SECONDS, 1, 10L * 365 * 86_400, "token lifetime when POST /v1/tokens names none");
  public static final ConfigKey<Long> TOKEN_TTL_MAX_SECONDS = ConfigKey.longInt("token.ttl.max.seconds",
      DEFAULT_TOKEN_TTL_MAX_SECONDS, 1, 10L * 365 * 86_400, "longest token lifetime POST /v1/tokens accepts");
  public static final ConfigKey<Integer> INSTANCES = ConfigKey.integer("gateway.instances",
      DEFAULT_INSTANCES, 0, 1024, "server instances (event loops) per listener; 0 = available processors");
  public static final ConfigKey<Integer> WRITE_QUEUE_MAX_BYTES = ConfigKey.integer("gateway.write.queue.max.bytes",
      DEFAULT_WRITE_QUEUE_MAX_BYTES, 1024, 1024 * 1024 * 1024,
      "bytes waiting to be written to one connection before it is closed as a slow consumer");

  public static final ConfigKey<Integer> HTTP_IDLE_TIMEOUT_SECONDS = ConfigKey.integer("http.idle.timeout.seconds",
      DEFAULT_HTTP_IDLE_TIMEOUT_SECONDS, 2, 86_400,
      "close an HTTP-port connection (keep-alive or WebSocket) with no traffic for this long; > gateway.heartbeat.seconds");
  public static final ConfigKey<Integer> HTTP_MAX_CONNECTIONS = ConfigKey.integer("http.max.connections",
      DEFAULT_HTTP_MAX_CONNECTIONS, 1, 10_000_000,
      "connections open at once on the HTTP port (WebSockets included); the excess is closed on accept");

  public static final ConfigKey<Integer> USER_MAX_CONNECTIONS = ConfigKey.integer("gateway.user.max.connections",
      DEFAULT_USER_MAX_CONNECTIONS, 1, 100_000,
      "long connections one user may hold at once cluster-wide; a connect beyond it kicks the user's oldest");

  public static final ConfigKey<Integer> RATE_KICK_AFTER = ConfigKey.integer("gateway.rate.kick.after",
      DEFAULT_RATE_KICK_AFTER, 1, 10_000_000,
      "frames of one connection refused RATE_LIMITED within one second after which the connection is kicked");

  /** The keys of this record; {@link #from} also reads {@link NodeOptions#HOST}. */
  public static final List<ConfigKey<?>> KEYS = List.of(HTTP_PORT, TCP_PORT, HEARTBEAT_SECONDS,
      IDLE_TIMEOUT_SECONDS, CONNECT_TIMEOUT_SECONDS, FRAME_MAX_BYTES, RATE_PER_SECOND, RATE_BURST,
      TOKEN_TTL_DEFAULT_SECONDS, TOKEN_TTL_MAX_SECONDS, INSTANCES, WRITE_QUEUE_MAX_BYTES,
      HTTP_IDLE_TIMEOUT_SECONDS, HTTP_MAX_CONNECTIONS, USER_MAX_CONNECTIONS, RATE_KICK_AFTER);

  public GatewayOptions {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host: must not be empty");
    }
    requireRange("http.port", httpPort, 0, 65535);
    requireRange("tcp.port", tcpPort, 0, 65535);
    requireRange("gateway.heartbeat.seconds", heartbeatSeconds, 1, Integer.MAX_VALUE);
    requireRange("gateway.idle.timeout.seconds", idleTimeoutSeconds, 1, Integer.MAX_VALUE);
    requireRange("gateway.connect.timeout.seconds", connectTimeoutSeconds, 1, Integer.MAX_VALUE);
    requireRange("gateway.frame.max.bytes", frameMaxBytes, 64, Integer.MAX_VALUE / 8);
    requireRange("gateway.rate.per.second", ratePerSecond, 1, Integer.MAX_VALUE);
    requireRange("gateway.rate.burst", rateBurst, 1, Integer.MAX_VALUE);
    requireRange("gateway.instances", instances, 0, 1024);
    requireRange("gateway.write.queue.max.bytes", writeQueueMaxBytes, 1024, Integer.MAX_VALUE);
    requireRange("http.max.connections", httpMaxConnections, 1, Integer.MAX_VALUE);
    requireRange("gateway.user.max.connections", userMaxConnections, 1, Integer.MAX_VALUE);
    requireRange("gateway.rate.kick.after", rateKickAfter, 1, Integer.MAX_VALUE);
    if (httpIdleTimeoutSeconds <= heartbeatSeconds) {
      throw new IllegalArgumentException("http.idle.timeout.seconds: must be above gateway.heartbeat.seconds ("
          + heartbeatSeconds + "), got " + httpIdleTimeoutSeconds);
    }
    if (tokenTtlDefaultSeconds < 1 || tokenTtlMaxSeconds < 1) {
      throw new IllegalArgumentException("token.ttl.default.seconds and token.ttl.max.seconds: must be >= 1, got "
          + tokenTtlDefaultSeconds + " and " + tokenTtlMaxSeconds);
    }
    if (tokenTtlDefaultSeconds > tokenTtlMaxSeconds) {
      throw new IllegalArgumentException("token.ttl.default.seconds: must be <= token.ttl.max.seconds ("
          + tokenTtlMaxSeconds + "), got " + tokenTtlDefaultSeconds);
    }
  }

  /** Reads the options; {@code config} must have been loaded with {@link #KEYS} and {@link NodeOptions#KEYS}. */
  public static GatewayOptions from(Config config) {
    return new GatewayOptions(config.get(NodeOptions.HOST), config.get(HTTP_PORT), config.get(TCP_PORT),
        config.get(HEARTBEAT_SECONDS), config.get(IDLE_TIMEOUT_SECONDS), config.get(CONNECT_TIMEOUT_SECONDS),
        config.get(FRAME_MAX_BYTES), config.get(RATE_PER_SECOND), config.get(RATE_BURST),
        config.get(TOKEN_TTL_DEFAULT_SECONDS), config.get(TOKEN_TTL_MAX_SECONDS), config.get(INSTANCES),
        config.get(WRITE_QUEUE_MAX_BYTES), config.get(HTTP_IDLE_TIMEOUT_SECONDS), config.get(HTTP_MAX_CONNECTIONS),
        config.get(USER_MAX_CONNECTIONS), config.get(RATE_KICK_AFTER));
  }

  /** Defaults with the given keys overridden ({@code "gateway.idle.timeout.seconds" -> "1"}); for tests and embedding. */
  public static GatewayOptions of(Map<String, String> overrides) {
    List<ConfigKey<?>> keys = new ArrayList<>(NodeOptions.KEYS);
    keys.addAll(KEYS);
    return from(Config.of(keys, overrides));
  }

  /** The defaults. */
  public static GatewayOptions defaults() {
    return of(Map.of());
  }

  /** How many server instances to deploy per listener bound to {@code port}. */
  public int instancesFor(int port) {
    if (port == 0) {
      return 1; // each instance would get its own random port
    }
    return instances == 0 ? Runtime.getRuntime().availableProcessors() : instances;
  }

  private static void requireRange(String key, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(key + ": must be in " + min + ".." + max + ", got " + value);
    }
  }
}
