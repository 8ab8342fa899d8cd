package dev.stoa.sdk;

import dev.stoa.proto.client.ConnAck;
import dev.stoa.proto.client.Kick;
import dev.stoa.proto.client.Message;
import dev.stoa.proto.client.Messages;
import dev.stoa.proto.client.SendAck;
import dev.stoa.proto.client.SyncResult;
import dev.stoa.sdk.impl.ClientCore;
import dev.stoa.sdk.impl.ClientSettings;
import dev.stoa.sdk.impl.Endpoint;
import dev.stoa.sdk.impl.TcpTransport;
import dev.stoa.sdk.impl.Transport;
import dev.stoa.sdk.impl.WebSocketTransport;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A client of one Stoa user device over a long connection (WebSocket with JSON or protobuf frames,
 * or TCP with varint-length-prefixed protobuf), per PROTOCOL.md.
 *
 * <pre>{@code
 * StoaClient alice = StoaClient.builder(vertx)
 *     .websocket("ws://127.0.0.1:8080/v1/ws", Encoding.JSON)
 *     .token(token).deviceId("phone")
 *     .build()
 *     .onMessage(m -> System.out.println(m.getFromUserId() + ": " + m.getBody()));
 * alice.connect().await();
 * SendAck ack = alice.send("user:bob", "hi bob").await();
 * }</pre>
 *
 * <p><b>What it does for the app.</b>
 * <ul>
 *   <li>{@link #send} gives each message a {@code clientMsgId} and re-sends it with the same id when
 *       no {@code sendAck} comes within {@code sendTimeout} or the connection is re-established, so
 *       a message is stored once however often it is sent.
 *   <li>Every {@code push} is handed to {@link #onMessage} and then acked. A message already
 *       delivered (same msgId, or a seq at or below the last one delivered in its session) is acked
 *       but not delivered again. When a message's {@code preSeq} is ahead of the last seq delivered
 *       in a session seen before, the missing range is pulled and delivered first, in seq order.
 *   <li>After an unexpected disconnect it reconnects with exponential backoff (with jitter), syncs
 *       from {@link #syncCursor()} and delivers what was missed, then re-sends unacknowledged sends.
 *       With {@code syncOnConnect} (the default) the first connection syncs too, so a user who was
 *       offline gets everything on connect.
 *   <li>It pings every {@code heartbeatSeconds} of the {@code connAck} and treats a connection
 *       silent for three intervals as lost.
 * </ul>
 *
 * <p><b>Answers to pull and sync.</b> The protocol has no request ids; answers are matched in
 * order (the oldest outstanding pull gets the next {@code messages}, the oldest sync the next
 * {@code syncResult}, and an {@code error} without {@code clientMsgId} fails the oldest outstanding
 * request). This relies on the server answering the requests of one connection in order.
 *
 * <p><b>Threading.</b> Every method may be called from any thread. All state lives on the
 * client's Vert.x context — the context current when {@link Builder#build()} ran (for example a
 * verticle's), or a new event-loop context when built from a plain thread — and every callback and
 * every returned future completes on it. Handlers must not block. From a plain or virtual thread,
 * {@code future.await()} waits for a result.
 */
public final class StoaClient {
  private final ClientCore core;

  private StoaClient(ClientCore core) {
    this.core = core;
  }

  /** Starts building a client that runs on {@code vertx}. */
  public static Builder builder(Vertx vertx) {
    return new Builder(vertx);
  }

  /**
   * Connects: opens the connection, sends {@code connect}, waits for {@code connAck}, syncs (see
   * {@link Builder#syncOnConnect}), re-sends pending sends. Completes with the {@code connAck} once
   * the client is CONNECTED; fails with {@link StoaClientException} (e.g. {@code UNAUTHENTICATED},
   * or {@code UNAVAILABLE} when the server cannot be reached) if this first handshake fails, in
   * which case the client does not retry. Calling it again while the client wants a connection
   * (connecting, connected or reconnecting) returns the same future; after a failed first
   * handshake or a kick it starts over; after {@link #close()} it fails.
   */
  public Future<ConnAck> connect() {
    return core.connect();
  }

  /** Sends {@code body} to {@code sessionId} under a new {@code clientMsgId}; see {@link #send(String, String, String)}. */
  public Future<SendAck> send(String sessionId, String body) {
    return core.send(core.newClientMsgId(), sessionId, body);
  }

  /**
   * Sends {@code body} to {@code sessionId} ({@code c2c:…}, {@code group:…}, {@code room:…} or
   * {@code user:<peer>}) under the caller's {@code clientMsgId} (1–64 chars, unique per device; an
   * app that persists an outbox keeps the id and re-sends with it after a restart).
   *
   * <p>Completes with the {@code sendAck} (code {@code OK}, canonical session id, msgId, seq). Fails
   * with {@link StoaClientException}: the server's code when it rejects the send (an {@code error}
   * naming this clientMsgId, or a {@code sendAck} whose code is not {@code OK});
   * {@code UNAVAILABLE} after {@code maxSendAttempts} timeouts, or when the client is closed, kicked,
   * or not connecting at all; {@code BAD_REQUEST} for arguments rejected locally. While the client
   * is reconnecting the send waits. Answers {@code UNAVAILABLE} from the server are retried.
   */
  public Future<SendAck> send(String clientMsgId, String sessionId, String body) {
    return core.send(clientMsgId, sessionId, body);
  }

  /** A fresh {@code clientMsgId} from this client's generator (for apps that store it before sending). */
  public String newClientMsgId() {
    return core.newClientMsgId();
  }

  /**
   * Pulls up to {@code limit} (1–200) messages of a session with seq greater than {@code afterSeq}.
   * The messages are returned, not delivered to {@link #onMessage}. Fails with {@code UNAVAILABLE}
   * when not connected or unanswered within {@code requestTimeout}, or with the server's code.
   */
  public Future<Messages> pull(String sessionId, long afterSeq, int limit) {
    return core.pull(sessionId, afterSeq, limit);
  }

  /**
   * One page of the user's sync from {@code cursor}. Returned as is: it neither delivers to
   * {@link #onMessage} nor moves {@link #syncCursor()} (the client's own syncs do both).
   */
  public Future<SyncResult> sync(long cursor, int limit) {
    return core.sync(cursor, limit);
  }

  /** Joins a room ({@code joined} answer); joined rooms are joined again after a reconnect. */
  public Future<Void> join(String roomId) {
    return core.join(roomId);
  }

  /** Leaves a room ({@code left} answer). */
  public Future<Void> leave(String roomId) {
    return core.leave(roomId);
  }

  /**
   * The user-chain cursor after the last sync page this client delivered (its initial value is
   * {@link Builder#syncCursor}). Persist it and pass it back on the next start to resume. It moves
   * only through syncs: messages pushed since the last sync come again in the next one (a
   * restarted client delivers them again; the app deduplicates by msgId).
   */
  public long syncCursor() {
    return core.syncCursor();
  }

  public ConnectionState state() {
    return core.state();
  }

  /** The latest {@code connAck}, or {@code null} before the first one. */
  public ConnAck connAck() {
    return core.connAck();
  }

  /** Receives each new message once, in seq order per session; the push is acked after it returns. */
  public StoaClient onMessage(Consumer<Message> handler) {
    core.onMessage(handler);
    return this;
  }

  /**
   * Receives server errors that belong to no pending send or request, and problems the client
   * detects on its own (an undecodable frame, a failed gap pull or sync on reconnect).
   */
  public StoaClient onError(Consumer<ErrorFrame> handler) {
    core.onError(handler);
    return this;
  }

  /**
   * Receives a {@code kick}. The client then stops: the connection is closed, pending sends fail
   * with {@code UNAVAILABLE}, and it does not reconnect until {@link #connect()} is called again.
   */
  public StoaClient onKick(Consumer<Kick> handler) {
    core.onKick(handler);
    return this;
  }

  /** Receives every change of {@link #state()}. */
  public StoaClient onStateChange(Consumer<ConnectionState> handler) {
    core.onStateChange(handler);
    return this;
  }

  /** Stops reconnecting, closes the connection, fails pending sends and requests with {@code UNAVAILABLE}. */
  public Future<Void> close() {
    return core.close();
  }

  /**
   * Configures a {@link StoaClient}. Required: an endpoint ({@link #websocket} or {@link #tcp}) and
   * a token ({@link #token} or {@link #tokenProvider}). Not thread-safe; build once.
   */
  public static final class Builder {
    public static final Duration DEFAULT_SEND_TIMEOUT = Duration.ofSeconds(5);
    public static final int DEFAULT_MAX_SEND_ATTEMPTS = 5;
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_BACKOFF_INITIAL = Duration.ofMillis(500);
    public static final Duration DEFAULT_BACKOFF_MAX = Duration.ofSeconds(30);
    public static final int DEFAULT_SYNC_PAGE_SIZE = 100;
    public static final int DEFAULT_PULL_PAGE_SIZE = 100;
    public static final int DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;
    public static final int DEFAULT_MSG_ID_WINDOW = 16_384;

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private final Vertx vertx;
    private Endpoint endpoint;
    private Supplier<Future<String>> tokenProvider;
    private boolean staticToken;
    private String deviceId;
    private Duration sendTimeout = DEFAULT_SEND_TIMEOUT;
    private int maxSendAttempts = DEFAULT_MAX_SEND_ATTEMPTS;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration backoffInitial = DEFAULT_BACKOFF_INITIAL;
    private Duration backoffMax = DEFAULT_BACKOFF_MAX;
    private boolean syncOnConnect = true;
    private long syncCursor;
    private boolean syncCursorGiven;
    private int maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;

    private Builder(Vertx vertx) {
      this.vertx = Objects.requireNonNull(vertx, "vertx");
    }

    /** A WebSocket endpoint, {@code ws://host:port/v1/ws} or {@code wss://…}, with its frame encoding. */
    public Builder websocket(String uri, Encoding encoding) {
      this.endpoint = Endpoint.WebSocket.parse(Objects.requireNonNull(uri, "websocket uri"), encoding);
      return this;
    }

    /** A TCP endpoint (varint32 length + protobuf frames). */
    public Builder tcp(String host, int port) {
      this.endpoint = new Endpoint.Tcp(host, port);
      return this;
    }

    /** A fixed token; an {@code UNAUTHENTICATED} answer on a reconnect (expired token) then stops the client. */
    public Builder token(String token) {
      if (token == null || token.isEmpty()) {
        throw new IllegalArgumentException("token must not be empty");
      }
      this.tokenProvider = () -> Future.succeededFuture(token);
      this.staticToken = true;
      return this;
    }

    /** Asked for a token before every connection attempt, so reconnects can use a fresh one. */
    public Builder tokenProvider(Supplier<Future<String>> provider) {
      this.tokenProvider = Objects.requireNonNull(provider, "token provider");
      this.staticToken = false;
      return this;
    }

    /** The device id sent in {@code connect} (1–64 chars of {@code [A-Za-z0-9_.-]}); by default the server's choice. */
    public Builder deviceId(String deviceId) {
      if (deviceId == null || !ID.matcher(deviceId).matches()) {
        throw new IllegalArgumentException("deviceId must be 1-64 chars of [A-Za-z0-9_.-], got '" + deviceId + "'");
      }
      this.deviceId = deviceId;
      return this;
    }

    /** How long one send attempt waits for its {@code sendAck} before re-sending (default 5 s). */
    public Builder sendTimeout(Duration timeout) {
      this.sendTimeout = positive(timeout, "sendTimeout");
      return this;
    }

    /** How many send attempts may time out before the send fails (default 5). */
    public Builder maxSendAttempts(int attempts) {
      if (attempts < 1) {
        throw new IllegalArgumentException("maxSendAttempts must be >= 1, got " + attempts);
      }
      this.maxSendAttempts = attempts;
      return this;
    }

    /** How long a pull, sync, join or leave waits for its answer (default 10 s). */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive(timeout, "requestTimeout");
      return this;
    }

    /** How long opening a connection and receiving {@code connAck} may take (default 10 s). */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /** Reconnect delays: from {@code initial}, doubling, capped at {@code max}, jittered (default 500 ms to 30 s). */
    public Builder reconnectBackoff(Duration initial, Duration max) {
      positive(initial, "reconnectBackoff initial");
      positive(max, "reconnectBackoff max");
      if (max.compareTo(initial) < 0) {
        throw new IllegalArgumentException("reconnectBackoff max (" + max.toMillis() + " ms) must be >= initial ("
            + initial.toMillis() + " ms)");
      }
      this.backoffInitial = initial;
      this.backoffMax = max;
      return this;
    }

    /**
     * Whether the first connection syncs from {@link #syncCursor} and delivers what it finds
     * (default true). With false and no {@link #syncCursor} given, the client has no cursor: it
     * never syncs by itself, and after a reconnect missed messages of sessions it has seen come
     * back through gap detection when the next message of the session arrives.
     */
    public Builder syncOnConnect(boolean sync) {
      this.syncOnConnect = sync;
      return this;
    }

    /** The cursor the app persisted from {@link StoaClient#syncCursor()} (default 0: everything). */
    public Builder syncCursor(long cursor) {
      if (cursor < 0) {
        throw new IllegalArgumentException("syncCursor must be >= 0, got " + cursor);
      }
      this.syncCursor = cursor;
      this.syncCursorGiven = true;
      return this;
    }

    /** The largest server frame accepted (default 16 MiB); a larger one closes the connection. */
    public Builder maxFrameBytes(int bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("maxFrameBytes must be >= 1024, got " + bytes);
      }
      this.maxFrameBytes = bytes;
      return this;
    }

    public StoaClient build() {
      if (endpoint == null) {
        throw new IllegalStateException("no endpoint: call websocket(uri, encoding) or tcp(host, port)");
      }
      if (tokenProvider == null) {
        throw new IllegalStateException("no token: call token(String) or tokenProvider(Supplier)");
      }
      ClientSettings settings = new ClientSettings(endpoint, tokenProvider, staticToken, deviceId, sendTimeout,
          maxSendAttempts, requestTimeout, connectTimeout, backoffInitial, backoffMax, syncOnConnect, syncCursor,
          DEFAULT_SYNC_PAGE_SIZE, DEFAULT_PULL_PAGE_SIZE, maxFrameBytes, DEFAULT_MSG_ID_WINDOW);
      long connectMillis = connectTimeout.toMillis();
      Transport transport = switch (endpoint) {
        case Endpoint.WebSocket ws -> new WebSocketTransport(vertx, ws, maxFrameBytes, connectMillis);
        case Endpoint.Tcp tcp -> new TcpTransport(vertx, tcp, maxFrameBytes, connectMillis);
      };
      return new StoaClient(new ClientCore(vertx, settings, transport, new SecureRandom(),
          syncOnConnect || syncCursorGiven));
    }

    private static Duration positive(Duration value, String name) {
      if (value == null || value.toMillis() < 1) {
        throw new IllegalArgumentException(name + " must be >= 1 ms, got " + (value == null ? "null" : value.toMillis() + " ms"));
      }
      return value;
    }
  }
}
