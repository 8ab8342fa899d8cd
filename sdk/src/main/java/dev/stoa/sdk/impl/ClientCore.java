package dev.stoa.sdk.impl;

import dev.stoa.proto.client.Code;
import dev.stoa.proto.client.ConnAck;
import dev.stoa.proto.client.Error;
import dev.stoa.proto.client.Frame;
import dev.stoa.proto.client.Kick;
import dev.stoa.proto.client.Message;
import dev.stoa.proto.client.Messages;
import dev.stoa.proto.client.SendAck;
import dev.stoa.proto.client.SyncResult;
import dev.stoa.sdk.ConnectionState;
import dev.stoa.sdk.ErrorFrame;
import dev.stoa.sdk.StoaClientException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * The engine behind {@code StoaClient}: connection lifecycle, handshake, heartbeat, reconnect with
 * backoff, sync on (re)connect, and the wiring of {@link PendingSends}, {@link RequestQueue} (one
 * per connection) and {@link Inbox}.
 *
 * <p>Lifecycle. {@link #connect} opens a connection, sends {@code connect} and waits for
 * {@code connAck}; then (on the first connection only if {@code syncOnConnect}) syncs from the stored
 * cursor until {@code hasMore} is false, re-joins rooms (reconnects only), re-sends every pending
 * send and reports CONNECTED; its future completes with the {@code connAck} at that point. If that
 * first handshake fails, the future fails and the client stays DISCONNECTED without retrying. Once
 * a handshake has succeeded, a lost connection (closed, undecodable frame, or no frame for three
 * heartbeat intervals) is re-established after {@link Backoff} delays, forever, until
 * {@link #close}, a {@code kick}, or an {@code UNAUTHENTICATED} handshake with a static token.
 * Reconnects sync from the stored cursor when one is established ({@code syncOnConnect} or an
 * app-supplied cursor); otherwise missed messages of known sessions come back by gap detection.
 *
 * <p>Threading. Every field is confined to {@code context} (the context current when the client was
 * built, or a new event-loop context); public methods hop onto it, so they may be called from any
 * thread, and every callback and future completion runs on it. The few fields read from other
 * threads ({@link #state()}, {@link #syncCursor()}, {@link #connAck()}) are volatile.
 */
public final class ClientCore {
  private static final System.Logger LOG = System.getLogger(ClientCore.class.getName());
  private static final int DEAD_AFTER_HEARTBEATS = 3;
  private static final int DEFAULT_HEARTBEAT_SECONDS = 30;
  private static final int MAX_SYNC_PAGES = 1_000_000;
  private static final int MAX_PULL_LIMIT = 200;

  private final Context context;
  private final ClientSettings settings;
  private final Transport transport;
  private final Timers timers;
  private final Backoff backoff;
  private final ClientMsgIds clientMsgIds;
  private final PendingSends sends;
  private final Inbox inbox;
  private final boolean cursorEstablished;

  private volatile Consumer<Message> messageHandler = message -> {};
  private volatile Consumer<ErrorFrame> errorHandler = error -> {};
  private volatile Consumer<Kick> kickHandler = kick -> {};
  private volatile Consumer<ConnectionState> stateHandler = state -> {};

  private volatile ConnectionState state = ConnectionState.DISCONNECTED;
  private volatile long syncCursor;
  private volatile ConnAck lastConnAck;

  // confined to `context`
  private boolean closed;
  private boolean wantConnected;
  private Promise<ConnAck> ready;
  private Attempt attempt;
  private int reconnectAttempts;
  private long reconnectTimer = -1;
  private Future<Void> closeFuture;
  private final Set<String> rooms = new LinkedHashSet<>();

  public ClientCore(Vertx vertx, ClientSettings settings, Transport transport, RandomGenerator random,
      boolean cursorEstablished) {
    this.context = vertx.getOrCreateContext();
    this.settings = settings;
    this.transport = transport;
    this.timers = Timers.of(vertx);
    this.backoff = new Backoff(settings.backoffInitial(), settings.backoffMax(), random);
    this.clientMsgIds = new ClientMsgIds(settings.deviceId(), random);
    this.sends = new PendingSends(timers, settings.sendTimeout().toMillis(), settings.maxSendAttempts());
    this.inbox = new Inbox(new InboxEffects(), settings.pullPageSize(), settings.msgIdWindow());
    this.syncCursor = settings.initialSyncCursor();
    this.cursorEstablished = cursorEstablished;
  }

  // ---- public operations (any thread) ----

  public Future<ConnAck> connect() {
    return onContext(() -> {
      if (closed) {
        return Future.failedFuture(new StoaClientException(Code.UNAVAILABLE, "client is closed"));
      }
      if (ready != null) {
        return ready.future();
      }
      wantConnected = true;
      ready = Promise.promise();
      Future<ConnAck> result = ready.future();
      startAttempt(true);
      return result;
    });
  }

  public String newClientMsgId() {
    return clientMsgIds.next();
  }

  public Future<SendAck> send(String clientMsgId, String sessionId, String body) {
    return onContext(() -> {
      if (clientMsgId == null || clientMsgId.isEmpty() || clientMsgId.length() > 64) {
        return badRequest("clientMsgId must be 1-64 chars, got "
            + (clientMsgId == null ? "null" : clientMsgId.length() + " chars"));
      }
      if (sessionId == null || sessionId.isBlank()) {
        return badRequest("sessionId must not be blank (clientMsgId '" + clientMsgId + "')");
      }
      if (body == null) {
        return badRequest("body must not be null (clientMsgId '" + clientMsgId + "')");
      }
      if (!wantConnected) {
        return Future.failedFuture(new StoaClientException(Code.UNAVAILABLE,
            "cannot send clientMsgId '" + clientMsgId + "': client is " + (closed ? "closed" : "not connected; call connect() first")));
      }
      return sends.submit(clientMsgId, sessionId, body);
    });
  }

  public Future<Messages> pull(String sessionId, long afterSeq, int limit) {
    return onContext(() -> {
      if (sessionId == null || sessionId.isBlank()) {
        return badRequest("pull sessionId must not be blank");
      }
      if (afterSeq < 0) {
        return badRequest("pull afterSeq must be >= 0, got " + afterSeq);
      }
      if (limit < 1 || limit > MAX_PULL_LIMIT) {
        return badRequest("pull limit must be 1-" + MAX_PULL_LIMIT + ", got " + limit);
      }
      return request(RequestQueue.Kind.PULL, describePull(sessionId, afterSeq, limit),
          ClientFrames.pull(sessionId, afterSeq, limit)).map(Frame::getMessages);
    });
  }

  public Future<SyncResult> sync(long cursor, int limit) {
    return onContext(() -> {
      if (cursor < 0) {
        return badRequest("sync cursor must be >= 0, got " + cursor);
      }
      if (limit < 1) {
        return badRequest("sync limit must be >= 1, got " + limit);
      }
      return request(RequestQueue.Kind.SYNC, "sync{cursor=" + cursor + ", limit=" + limit + "}",
          ClientFrames.sync(cursor, limit)).map(Frame::getSyncResult);
    });
  }

  public Future<Void> join(String roomId) {
    return onContext(() -> {
      if (roomId == null || roomId.isBlank()) {
        return badRequest("join roomId must not be blank");
      }
      return request(RequestQueue.Kind.JOIN, "join{" + roomId + "}", ClientFrames.join(roomId))
          .<Void>map(frame -> {
            rooms.add(roomId);
            return null;
          });
    });
  }

  public Future<Void> leave(String roomId) {
    return onContext(() -> {
      if (roomId == null || roomId.isBlank()) {
        return badRequest("leave roomId must not be blank");
      }
      rooms.remove(roomId);
      return request(RequestQueue.Kind.LEAVE, "leave{" + roomId + "}", ClientFrames.leave(roomId)).mapEmpty();
    });
  }

  public Future<Void> close() {
    return onContext(() -> {
      if (closeFuture != null) {
        return closeFuture;
      }
      closed = true;
      wantConnected = false;
      cancelReconnect();
      StoaClientException cause = new StoaClientException(Code.UNAVAILABLE, "client closed");
      Attempt current = attempt;
      attempt = null;
      if (current != null) {
        current.stop();
        current.requests.failAll(cause);
      }
      inbox.stop();
      setState(ConnectionState.DISCONNECTED);
      sends.detach();
      sends.failAll(cause);
      failReady(cause);
      closeFuture = transport.close();
      return closeFuture;
    });
  }

  public ConnectionState state() {
    return state;
  }

  public long syncCursor() {
    return syncCursor;
  }

  public ConnAck connAck() {
    return lastConnAck;
  }

  public void onMessage(Consumer<Message> handler) {
    messageHandler = requireHandler(handler, "onMessage");
  }

  public void onError(Consumer<ErrorFrame> handler) {
    errorHandler = requireHandler(handler, "onError");
  }

  public void onKick(Consumer<Kick> handler) {
    kickHandler = requireHandler(handler, "onKick");
  }

  public void onStateChange(Consumer<ConnectionState> handler) {
    stateHandler = requireHandler(handler, "onStateChange");
  }

  // ---- connection lifecycle (context only) ----

  private void startAttempt(boolean initial) {
    Attempt current = new Attempt(initial);
    attempt = current;
    setState(ConnectionState.CONNECTING);
    long connectTimeout = settings.connectTimeout().toMillis();
    current.connectTimer = timers.schedule(connectTimeout, () -> {
      current.connectTimer = -1;
      if (attempt == current && !current.handshakeDone) {
        handshakeFailed(current, new StoaClientException(Code.UNAVAILABLE,
            "no connAck from " + transport.describe() + " within " + connectTimeout + " ms"));
      }
    });
    token().onComplete(token -> {
      if (attempt != current) {
        return;
      }
      if (token.failed()) {
        handshakeFailed(current, new StoaClientException(Code.UNAVAILABLE, "token provider failed: " + token.cause()));
        return;
      }
      transport.open(current).onComplete(opened -> {
        if (opened.failed()) {
          if (attempt == current) {
            handshakeFailed(current, new StoaClientException(Code.UNAVAILABLE,
                "cannot connect to " + transport.describe() + ": " + opened.cause().getMessage()));
          }
          return;
        }
        Connection connection = opened.result();
        if (attempt != current) {
          connection.close();
          return;
        }
        current.connection = connection;
        connection.write(ClientFrames.connect(token.result(), settings.deviceId()));
      });
    });
  }

  private Future<String> token() {
    Future<String> provided;
    try {
      provided = settings.tokenProvider().get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    if (provided == null) {
      return Future.failedFuture(new IllegalStateException("token provider returned null"));
    }
    Promise<String> here = Promise.promise();
    provided.onComplete(result -> runHere(() -> here.handle(result)));
    return here.future();
  }

  private void onHandshakeFrame(Attempt current, Frame frame) {
    switch (frame.getFrameCase()) {
      case CONN_ACK -> connected(current, frame.getConnAck());
      case ERROR -> {
        Error error = frame.getError();
        handshakeFailed(current, new StoaClientException(error.getCode(),
            error.getMessage() + " (connect to " + transport.describe() + ")"));
      }
      case KICK -> kicked(current, frame.getKick());
      default -> LOG.log(System.Logger.Level.DEBUG, "ignoring {0} before connAck", frame.getFrameCase());
    }
  }

  private void connected(Attempt current, ConnAck connAck) {
    cancelTimer(current.connectTimer);
    current.connectTimer = -1;
    current.handshakeDone = true;
    lastConnAck = connAck;
    scheduleHeartbeat(current, (connAck.getHeartbeatSeconds() > 0 ? connAck.getHeartbeatSeconds() : DEFAULT_HEARTBEAT_SECONDS) * 1000L);
    boolean sync = current.initial ? settings.syncOnConnect() : cursorEstablished;
    Future<Void> caughtUp = sync ? syncPages(current, 0) : Future.succeededFuture();
    caughtUp.onComplete(result -> {
      if (attempt != current) {
        return; // lost during the sync; the reconnect syncs again from the cursor reached so far
      }
      if (result.failed()) {
        reportLocal(result.cause(), "sync on connect from cursor " + syncCursor + " failed");
      }
      if (!current.initial) {
        rejoinRooms();
      }
      reconnectAttempts = 0;
      sends.attach(current.connection::write);
      setState(ConnectionState.CONNECTED);
      if (ready != null) {
        ready.tryComplete(connAck);
      }
    });
  }

  private Future<Void> syncPages(Attempt current, int pagesDone) {
    long cursor = syncCursor;
    int limit = settings.syncPageSize();
    return current.request(RequestQueue.Kind.SYNC, "sync{cursor=" + cursor + ", limit=" + limit + "}",
            ClientFrames.sync(cursor, limit))
        .compose(frame -> {
          SyncResult page = frame.getSyncResult();
          inbox.offerSynced(page.getMessagesList());
          return inbox.whenSettled().map(page);
        })
        .compose(page -> {
          boolean advanced = page.getCursor() > cursor;
          if (advanced) {
            syncCursor = page.getCursor();
          }
          if (attempt == current && page.getHasMore() && advanced && pagesDone + 1 < MAX_SYNC_PAGES) {
            return syncPages(current, pagesDone + 1);
          }
          return Future.succeededFuture();
        });
  }

  private void rejoinRooms() {
    for (String roomId : new ArrayList<>(rooms)) {
      request(RequestQueue.Kind.JOIN, "join{" + roomId + "} after reconnect", ClientFrames.join(roomId))
          .onFailure(error -> reportLocal(error, "re-joining room '" + roomId + "' after reconnect failed"));
    }
  }

  private void dispatch(Attempt current, Frame frame) {
    switch (frame.getFrameCase()) {
      case SEND_ACK -> {
        if (!sends.onSendAck(frame.getSendAck())) {
          LOG.log(System.Logger.Level.DEBUG, "sendAck for clientMsgId {0} matches no pending send", frame.getSendAck().getClientMsgId());
        }
      }
      case PUSH -> inbox.offerPush(frame.getPush().getMessage());
      case MESSAGES, SYNC_RESULT, JOINED, LEFT -> {
        if (!current.requests.onAnswer(frame)) {
          LOG.log(System.Logger.Level.DEBUG, "{0} answers no outstanding request", frame.getFrameCase());
        }
      }
      case NOTIFY -> inbox.onNotify(frame.getNotify().getSessionId(), frame.getNotify().getLatestSeq());
      case ERROR -> serverError(current, frame.getError());
      case KICK -> kicked(current, frame.getKick());
      case PONG, CONN_ACK -> {}
      case FRAME_NOT_SET -> LOG.log(System.Logger.Level.DEBUG, "ignoring a frame of a kind this client does not know");
      default -> report(new ErrorFrame(Code.INTERNAL,
          "server sent a client-to-server frame '" + frame.getFrameCase() + "' on " + transport.describe(), null));
    }
  }

  private void serverError(Attempt current, Error error) {
    if (error.hasClientMsgId()) {
      if (!sends.onError(error)) {
        report(ErrorFrame.of(error));
      }
      return;
    }
    if (!current.requests.onUncorrelatedError(error)) {
      report(ErrorFrame.of(error));
    }
  }

  private void kicked(Attempt current, Kick kick) {
    runHandler(() -> kickHandler.accept(kick), "onKick");
    StoaClientException cause = new StoaClientException(Code.UNAVAILABLE, "kicked by the server: " + kick.getReason());
    attempt = null;
    current.stop();
    sends.detach();
    current.requests.failAll(cause);
    giveUp(cause);
  }

  private void handshakeFailed(Attempt current, StoaClientException cause) {
    attempt = null;
    current.stop();
    current.requests.failAll(cause);
    if (current.initial) {
      giveUp(cause);
    } else if (cause.code() == Code.UNAUTHENTICATED && settings.staticToken()) {
      report(new ErrorFrame(Code.UNAUTHENTICATED, "reconnect rejected, giving up (static token): " + cause.getMessage(), null));
      giveUp(cause);
    } else {
      LOG.log(System.Logger.Level.DEBUG, "reconnect attempt failed: {0}", cause.getMessage());
      setState(ConnectionState.DISCONNECTED);
      scheduleReconnect();
    }
  }

  private void connectionLost(Attempt current, String why) {
    if (!current.handshakeDone) {
      handshakeFailed(current, new StoaClientException(Code.UNAVAILABLE,
          "connection to " + transport.describe() + " " + why + " before connAck"));
      return;
    }
    attempt = null;
    current.stop();
    sends.detach();
    current.requests.failAll(new StoaClientException(Code.UNAVAILABLE, "connection to " + transport.describe() + " " + why));
    setState(ConnectionState.DISCONNECTED);
    if (wantConnected && !closed) {
      scheduleReconnect();
    }
  }

  private void giveUp(StoaClientException cause) {
    wantConnected = false;
    cancelReconnect();
    setState(ConnectionState.DISCONNECTED); // before failing futures, so their callbacks see the final state
    sends.failAll(cause);
    failReady(cause);
  }

  private void failReady(Throwable cause) {
    Promise<ConnAck> pending = ready;
    ready = null;
    if (pending != null) {
      pending.tryFail(cause);
    }
  }

  private void scheduleReconnect() {
    long delay = backoff.delayMillis(reconnectAttempts);
    reconnectAttempts = Math.min(reconnectAttempts + 1, 62);
    cancelReconnect();
    reconnectTimer = timers.schedule(delay, () -> {
      reconnectTimer = -1;
      if (wantConnected && !closed && attempt == null) {
        startAttempt(false);
      }
    });
  }

  private void cancelReconnect() {
    cancelTimer(reconnectTimer);
    reconnectTimer = -1;
  }

  private void scheduleHeartbeat(Attempt current, long intervalMillis) {
    current.heartbeatTimer = timers.schedule(intervalMillis, () -> {
      current.heartbeatTimer = -1;
      if (attempt != current) {
        return;
      }
      long silentMillis = (System.nanoTime() - current.lastReceivedNanos) / 1_000_000;
      if (silentMillis > DEAD_AFTER_HEARTBEATS * intervalMillis) {
        connectionLost(current, "was silent for " + silentMillis + " ms (heartbeat " + intervalMillis + " ms)");
        return;
      }
      current.connection.write(ClientFrames.ping());
      scheduleHeartbeat(current, intervalMillis);
    });
  }

  private void setState(ConnectionState next) {
    if (state != next) {
      state = next;
      runHandler(() -> stateHandler.accept(next), "onStateChange");
    }
  }

  // ---- helpers ----

  private Future<Frame> request(RequestQueue.Kind kind, String description, Frame frame) {
    Attempt current = attempt;
    if (current == null || !current.handshakeDone) {
      return Future.failedFuture(new StoaClientException(Code.UNAVAILABLE,
          "cannot " + description + ": not connected (state " + state + ")"));
    }
    return current.request(kind, description, frame);
  }

  private void report(ErrorFrame error) {
    runHandler(() -> errorHandler.accept(error), "onError");
  }

  private void reportLocal(Throwable cause, String what) {
    Code code = cause instanceof StoaClientException e ? e.code() : Code.INTERNAL;
    report(new ErrorFrame(code, what + ": " + cause.getMessage(), null));
  }

  private void runHandler(Runnable handler, String name) {
    try {
      handler.run();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, name + " handler threw", e);
    }
  }

  private void cancelTimer(long id) {
    if (id != -1) {
      timers.cancel(id);
    }
  }

  private void runHere(Runnable task) {
    if (Vertx.currentContext() == context) {
      task.run();
    } else {
      context.runOnContext(v -> task.run());
    }
  }

  private <T> Future<T> onContext(Supplier<Future<T>> action) {
    if (Vertx.currentContext() == context) {
      return invoke(action);
    }
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> invoke(action).onComplete(promise));
    return promise.future();
  }

  private static <T> Future<T> invoke(Supplier<Future<T>> action) {
    try {
      return action.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private static <T> Future<T> badRequest(String message) {
    return Future.failedFuture(new StoaClientException(Code.BAD_REQUEST, message));
  }

  private static <T> Consumer<T> requireHandler(Consumer<T> handler, String name) {
    if (handler == null) {
      throw new IllegalArgumentException(name + " handler must not be null");
    }
    return handler;
  }

  private static String describePull(String sessionId, long afterSeq, int limit) {
    return "pull{" + sessionId + ", afterSeq=" + afterSeq + ", limit=" + limit + "}";
  }

  /** One connection attempt and, after {@code connAck}, the live connection. */
  private final class Attempt implements Connection.Listener {
    final boolean initial;
    final RequestQueue requests = new RequestQueue(timers, settings.requestTimeout().toMillis());
    Connection connection;
    boolean handshakeDone;
    long connectTimer = -1;
    long heartbeatTimer = -1;
    long lastReceivedNanos = System.nanoTime();

    Attempt(boolean initial) {
      this.initial = initial;
    }

    Future<Frame> request(RequestQueue.Kind kind, String description, Frame frame) {
      return requests.issue(kind, description, frame, connection::write);
    }

    /** Cancels this attempt's timers and closes its connection; its callbacks are ignored from now. */
    void stop() {
      cancelTimer(connectTimer);
      cancelTimer(heartbeatTimer);
      connectTimer = -1;
      heartbeatTimer = -1;
      if (connection != null) {
        connection.close();
      }
    }

    @Override
    public void onFrame(Frame frame) {
      if (attempt != this) {
        return;
      }
      lastReceivedNanos = System.nanoTime();
      if (!handshakeDone) {
        onHandshakeFrame(this, frame);
      } else {
        dispatch(this, frame);
      }
    }

    @Override
    public void onDecodeError(FrameDecodeException error) {
      if (attempt != this) {
        return;
      }
      report(new ErrorFrame(Code.INTERNAL, "undecodable frame from " + transport.describe() + ": " + error.getMessage(), null));
      connectionLost(this, "sent an undecodable frame");
    }

    @Override
    public void onClosed() {
      if (attempt == this) {
        connectionLost(this, "closed");
      }
    }
  }

  /** The inbox's effects, bound to the live connection and the app's handler. */
  private final class InboxEffects implements Inbox.Effects {
    @Override
    public Future<Messages> pull(String sessionId, long afterSeq, int limit) {
      return request(RequestQueue.Kind.PULL, describePull(sessionId, afterSeq, limit) + " (gap)",
          ClientFrames.pull(sessionId, afterSeq, limit)).map(Frame::getMessages);
    }

    @Override
    public void deliver(Message message) {
      runHandler(() -> messageHandler.accept(message), "onMessage");
    }

    @Override
    public void ack(String sessionId, long msgId) {
      Attempt current = attempt;
      if (current != null && current.handshakeDone) {
        current.connection.write(ClientFrames.ack(sessionId, msgId));
      }
    }

    @Override
    public void gapPullFailed(String sessionId, long afterSeq, Throwable cause) {
      Attempt current = attempt;
      if (current != null && current.handshakeDone) {
        reportLocal(cause, "pulling the gap of session '" + sessionId + "' after seq " + afterSeq + " failed");
      }
    }
  }
}
