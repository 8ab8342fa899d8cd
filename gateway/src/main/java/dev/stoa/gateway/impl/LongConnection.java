package dev.stoa.gateway.impl;

import dev.stoa.common.StoaException;
import dev.stoa.proto.ProtoJson;
import dev.stoa.proto.client.Code;
import dev.stoa.proto.client.ConnAck;
import dev.stoa.proto.client.Connect;
import dev.stoa.proto.client.Frame;
import dev.stoa.proto.client.Kick;
import dev.stoa.proto.internal.Connection;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The state machine of one long connection (PROTOCOL.md "Long connections"); the
 * {@code connect} handshake is {@link ConnectHandshake}, the way of its sends to the writer
 * {@link SendQueue}:
 *
 * <pre>
 * AWAITING_CONNECT --connect--> CONNECTING --token ok, attached, routed--> OPEN
 * AWAITING_CONNECT --other frame, bad input, connect timeout--> CLOSED (error frame, then close)
 * CONNECTING --token/device/state-server failure, connect timeout--> CLOSED (error frame, then close)
 * OPEN --idle timeout--> CLOSED (error frame, then close); --slow consumer, shutdown--> CLOSED (kick)
 * any --socket closed--> CLOSED
 * </pre>
 *
 * <p>While CONNECTING the socket is paused and input that was already read is queued, then
 * replayed once OPEN; pushes that arrive before the {@code connAck} is written are queued behind
 * it. Before {@code connect} only a frame's first key (JSON) or first tag (protobuf) is read:
 * anything but a {@code connect} is refused undecoded. In OPEN, bad input is answered with an
 * {@code error} frame and the connection stays open; every frame that arrives, parsed or not, too
 * large or an {@code ack}, takes a token from the connection's bucket before it is decoded; every
 * write, replies and errors as well as pushes, passes the slow-consumer limit; {@code send}s go to the
 * writer numbered in arrival order and without waiting for earlier answers ({@link SendQueue}: the
 * writer takes them in that order, over any binding), so one device's messages keep their order. At
 * most {@code gateway.rate.burst} sends of a connection wait for the writer at once. Replies go
 * out in the encoding the client used for {@code connect}. On close the connection is detached
 * from its state server and its route removed (once the connect that created them has finished).
 *
 * <p>Thread-safety: every method but {@link #deliver}, {@link #shutdown} and {@link #info} runs on
 * the connection's event loop; those three may be called from any thread.
 */
public final class LongConnection implements ClientConnection.Inbound {
  private static final Logger LOG = Logger.getLogger(LongConnection.class.getName());
  private static final int MAX_PENDING_INPUT = 256;

  enum State { AWAITING_CONNECT, CONNECTING, OPEN, CLOSED }

  private final GatewayContext gw;
  private final ClientConnection conn;
  private final RateLimiter rateLimiter;
  private final ArrayDeque<Runnable> pendingIn = new ArrayDeque<>();
  private final ArrayDeque<EncodedFrame> pendingOut = new ArrayDeque<>();
  private final Promise<Void> cleanedUp = Promise.promise();

  private volatile State state = State.AWAITING_CONNECT;
  private volatile Encoding replyEncoding;
  private volatile ConnectionInfo info;
  private volatile boolean attached;
  private volatile boolean routed;
  private volatile String stateIncarnation = "";
  private final Set<String> rooms = ConcurrentHashMap.newKeySet();
  private boolean connectInFlight;
  private boolean cleanupStarted;
  private long lastFrameAt;
  private long refusedWindowStart;
  private int refusedInWindow;
  private long connectTimer = -1;
  private long idleTimer = -1;
  private final SendQueue sends;

  public LongConnection(GatewayContext gw, ClientConnection conn) {
    this.gw = gw;
    this.conn = conn;
    this.rateLimiter = new RateLimiter(gw.options().ratePerSecond(), gw.options().rateBurst(), gw.clock());
    this.replyEncoding = conn.defaultEncoding();
    this.sends = new SendQueue(gw.options().rateBurst(), new ToWriters(), this::reply, this::onContext);
  }

  /** Starts reading and the connect timer; call on the connection's event loop. */
  public void start() {
    lastFrameAt = gw.clock().millis();
    long timeoutMs = gw.options().connectTimeoutSeconds() * 1000L;
    connectTimer = gw.vertx().setTimer(timeoutMs, id -> onConnectTimeout());
    conn.start(this, v -> onTransportClosed());
  }

  /** Who is connected, or null before {@code connect} succeeded. */
  public ConnectionInfo info() {
    return info;
  }

  State state() {
    return state;
  }

  // ---- input ----

  @Override
  public void onText(String text) {
    if (holdWhileConnecting(() -> onText(text))) {
      return;
    }
    touch();
    if (state == State.AWAITING_CONNECT) {
      String key = ProtoJson.frameKey(text); // nothing but a connect is decoded before it
      if (!"connect".equals(key)) {
        refuseBeforeConnect(key, Encoding.JSON);
        return;
      }
    }
    boolean admitted = admit();
    Frame frame;
    try {
      frame = FrameCodec.parseJson(text);
    } catch (StoaException e) {
      rejectInput(admitted, e, Encoding.JSON);
      return;
    }
    onAdmitted(admitted, frame, Encoding.JSON);
  }

  @Override
  public void onBinary(Buffer bytes, Encoding encoding) {
    if (holdWhileConnecting(() -> onBinary(bytes, encoding))) {
      return;
    }
    touch();
    if (state == State.AWAITING_CONNECT) {
      int field = FrameCodec.firstField(bytes);
      if (field != Frame.CONNECT_FIELD_NUMBER) {
        Frame.FrameCase type = field > 0 ? Frame.FrameCase.forNumber(field) : null;
        refuseBeforeConnect(type == null ? null : FrameCodec.typeName(type), encoding);
        return;
      }
    }
    boolean admitted = admit();
    Frame frame;
    try {
      frame = FrameCodec.parseBinary(bytes);
    } catch (StoaException e) {
      rejectInput(admitted, e, encoding);
      return;
    }
    onAdmitted(admitted, frame, encoding);
  }

  @Override
  public void onTooLarge(long declaredBytes, Encoding encoding) {
    if (holdWhileConnecting(() -> onTooLarge(declaredBytes, encoding))) {
      return;
    }
    touch();
    rejectInput(admit(), new StoaException(Code.TOO_LARGE, "frame: " + declaredBytes + " bytes is over the limit of "
        + gw.options().frameMaxBytes() + " bytes (gateway.frame.max.bytes)"), encoding);
  }

  /**
   * Takes a token for a frame that arrived on an open connection, before it is decoded: every
   * frame pays, whether it parses, is too large or is an {@code ack}. False when the bucket is
   * empty; the frame is then answered RATE_LIMITED (decoding it costs no more than its length and
   * names the send's clientMsgId in the answer).
   */
  private boolean admit() {
    return state != State.OPEN || rateLimiter.tryAcquire();
  }

  private void onAdmitted(boolean admitted, Frame frame, Encoding encoding) {
    if (admitted) {
      onFrame(frame, encoding);
      return;
    }
    gw.metrics().frameIn(frame.getFrameCase());
    rateLimited(frame.hasSend() ? frame.getSend().getClientMsgId() : null, encoding);
  }

  private void rejectInput(boolean admitted, StoaException e, Encoding encoding) {
    gw.metrics().invalidFrameIn();
    if (admitted) {
      reject(e.code(), e.getMessage(), null, encoding);
    } else {
      rateLimited(null, encoding);
    }
  }

  /**
   * Answers a frame the bucket refused, or, once more than {@code gateway.rate.kick.after} frames
   * were refused within one second, kicks the connection: a client that ignores RATE_LIMITED and
   * keeps sending would otherwise get one error frame written per frame it sends.
   */
  private void rateLimited(String clientMsgId, Encoding encoding) {
    long now = gw.clock().millis();
    if (now - refusedWindowStart >= 1000) {
      refusedWindowStart = now;
      refusedInWindow = 0;
    }
    int kickAfter = gw.options().rateKickAfter();
    if (++refusedInWindow > kickAfter && state == State.OPEN) {
      gw.metrics().flooderKicked();
      kick("flooding: more than " + kickAfter + " frames over the rate limit within one second "
          + "(gateway.rate.kick.after; the limit is " + gw.options().ratePerSecond()
          + " frames/s, gateway.rate.per.second)", "FLOODING");
      return;
    }
    reject(Code.RATE_LIMITED, "frame: over the rate limit of " + gw.options().ratePerSecond()
        + " frames/s with bursts of " + gw.options().rateBurst()
        + " (gateway.rate.per.second, gateway.rate.burst)", clientMsgId, encoding);
  }

  private void refuseBeforeConnect(String key, Encoding encoding) {
    gw.metrics().invalidFrameIn();
    if (key == null) {
      reject(Code.BAD_REQUEST, "frame: not a frame object with a key; the first frame must be 'connect'", null,
          encoding);
    } else {
      reject(Code.UNAUTHENTICATED, "frame: the first frame must be 'connect', got '" + key + "'", null, encoding);
    }
  }

  @Override
  public void onCorrupt(String message, Encoding encoding) {
    if (state == State.CLOSED) {
      return;
    }
    gw.metrics().invalidFrameIn();
    closeWith(Frames.error(Code.BAD_REQUEST, message, null), encoding, Code.BAD_REQUEST.name());
  }

  /** True if the input was queued (or dropped) because the session is connecting or closed. */
  private boolean holdWhileConnecting(Runnable input) {
    if (state == State.CLOSED) {
      return true;
    }
    if (state != State.CONNECTING) {
      return false;
    }
    if (pendingIn.size() >= MAX_PENDING_INPUT) {
      closeWith(Frames.error(Code.RATE_LIMITED, "frame: more than " + MAX_PENDING_INPUT
          + " frames sent before connAck", null), replyEncoding, Code.RATE_LIMITED.name());
      return true;
    }
    pendingIn.add(input);
    return true;
  }

  private void touch() {
    lastFrameAt = gw.clock().millis();
  }

  private void onFrame(Frame frame, Encoding encoding) {
    Frame.FrameCase type = frame.getFrameCase();
    gw.metrics().frameIn(type);
    if (state == State.AWAITING_CONNECT) {
      if (type == Frame.FrameCase.CONNECT) {
        replyEncoding = encoding;
        connect(frame.getConnect());
      } else {
        reject(Code.UNAUTHENTICATED, "frame: the first frame must be 'connect', got '"
            + FrameCodec.typeName(type) + "'", null, encoding);
      }
      return;
    }
    String clientMsgId = type == Frame.FrameCase.SEND ? frame.getSend().getClientMsgId() : null;
    if (type == Frame.FrameCase.CONNECT) {
      ConnectionInfo who = info;
      reject(Code.BAD_REQUEST, "connect: this connection is already connected as user '" + who.userId()
          + "', device '" + who.deviceId() + "'", null, encoding);
    } else if (type == Frame.FrameCase.FRAME_NOT_SET) {
      reject(Code.BAD_REQUEST, "frame: must have exactly one key of connect, send, ack, pull, sync, join, "
          + "leave, ping", null, encoding);
    } else if (!FrameCodec.isClientFrame(type)) {
      reject(Code.BAD_REQUEST, "frame: '" + FrameCodec.typeName(type) + "' is a server-to-client frame",
          null, encoding);
    } else if (type == Frame.FrameCase.SEND) {
      enqueueSend(frame, clientMsgId, encoding);
    } else {
      gw.dispatcher().handle(info, frame).onComplete(this::reply);
    }
  }

  private void enqueueSend(Frame frame, String clientMsgId, Encoding encoding) {
    if (!sends.offer(frame)) {
      reject(Code.RATE_LIMITED, "send: " + sends.waiting() + " sends of this connection are already waiting "
          + "for the writer (limit " + sends.limit() + ")", clientMsgId, encoding);
    }
  }

  /** The connection's way to the writers, for its {@link SendQueue}. */
  private final class ToWriters implements SendQueue.Writers {
    @Override
    public String writerFor() {
      return gw.backend().writerFor(info.connId());
    }

    @Override
    public Future<Frame> send(String writerId, long sendSeq, long answered, Frame frame) {
      return state == State.CLOSED ? Future.succeededFuture()
          : gw.dispatcher().send(info, writerId, sendSeq, answered, frame.getSend());
    }
  }

  private void reply(AsyncResult<Frame> result) {
    onContext(() -> {
      Frame frame = result.succeeded() ? result.result() : Frames.error(result.cause(), null);
      if (frame != null && frame.hasJoined()) {
        rooms.add(frame.getJoined().getRoomId());
      } else if (frame != null && frame.hasLeft()) {
        rooms.remove(frame.getLeft().getRoomId());
      }
      if (frame != null && state == State.OPEN) {
        write(frame, replyEncoding);
      }
    });
  }

  /**
   * If the state server this connection is attached to has been started again since (its
   * {@code incarnation} differs from the one seen at attach), attaches the connection to it again
   * and re-joins every room it had joined, so pushes and room messages keep coming without a
   * reconnect. One re-attach per incarnation; a failed one is tried again at the next call. Any
   * thread.
   *
   * @param incarnation the state server's incarnation now ({@link Backend#stateIncarnation}); ""
   *     (not announced) does nothing
   * @return true if a re-attach was started
   */
  boolean reattachIfRestarted(String incarnation) {
    ConnectionInfo who = info;
    String seen = stateIncarnation;
    if (who == null || !attached || state != State.OPEN || incarnation.isEmpty() || incarnation.equals(seen)) {
      return false;
    }
    stateIncarnation = incarnation;
    Future<Void> done = gw.backend().attach(who.stateServerId(), protoConnection(who));
    for (String roomId : List.copyOf(rooms)) {
      done = done.compose(v -> gw.backend().join(who.stateServerId(), who.userId(), who.connId(), roomId));
    }
    done.onFailure(e -> {
      stateIncarnation = seen;
      LOG.log(Level.WARNING, "re-attach of conn " + Long.toUnsignedString(who.connId()) + " to restarted state server '"
          + who.stateServerId() + "' failed; trying again at the next heartbeat: " + e.getMessage());
    });
    return true;
  }

  /** Answers bad input: an error frame; before the connection is open, then close. */
  private void reject(Code code, String message, String clientMsgId, Encoding inputEncoding) {
    Frame error = Frames.error(code, message, clientMsgId);
    if (state == State.OPEN) {
      write(error, replyEncoding);
    } else {
      closeWith(error, inputEncoding, code.name());
    }
  }

  // ---- connect ----

  private void connect(Connect connect) {
    state = State.CONNECTING;
    connectInFlight = true;
    conn.pause();
    new ConnectHandshake(gw).run(connect, new ConnectHandshake.Steps() {
      @Override
      public void identified(ConnectionInfo who, String incarnation) {
        info = who;
        gw.registry().add(who.connId(), LongConnection.this);
        stateIncarnation = incarnation;
      }

      @Override
      public void attached() {
        attached = true;
      }

      @Override
      public void routed() {
        routed = true;
      }
    }).onComplete(ar -> onContext(() -> connected(ar)));
  }

  private void connected(AsyncResult<ConnectionInfo> result) {
    connectInFlight = false;
    if (state == State.CLOSED) {
      cleanup();
      return;
    }
    if (result.failed()) {
      StoaException e = Backend.failure("connect", result.cause());
      closeWith(Frames.error(e.code(), e.getMessage(), null), replyEncoding, e.code().name());
      return;
    }
    cancelTimer(connectTimer);
    ConnectionInfo who = result.result();
    write(Frame.newBuilder().setConnAck(ConnAck.newBuilder().setUserId(who.userId()).setDeviceId(who.deviceId())
        .setConnId(who.connId()).setServerTime(gw.clock().millis())
        .setHeartbeatSeconds(gw.options().heartbeatSeconds())).build(), replyEncoding);
    while (!pendingOut.isEmpty()) {
      writeDelivered(pendingOut.poll());
    }
    state = State.OPEN;
    touch();
    armIdle(gw.options().idleTimeoutSeconds() * 1000L);
    conn.resume();
    while (!pendingIn.isEmpty() && state == State.OPEN) {
      pendingIn.poll().run();
    }
    pendingIn.clear();
  }

  private void onConnectTimeout() {
    connectTimer = -1;
    State s = state;
    if (s == State.AWAITING_CONNECT) {
      closeWith(Frames.error(Code.UNAUTHENTICATED, "connect: no 'connect' frame within "
          + gw.options().connectTimeoutSeconds() + " s (gateway.connect.timeout.seconds)", null),
          replyEncoding, Code.UNAUTHENTICATED.name());
    } else if (s == State.CONNECTING) {
      closeWith(Frames.error(Code.UNAVAILABLE, "connect: not completed within "
          + gw.options().connectTimeoutSeconds() + " s; retry later", null), replyEncoding, Code.UNAVAILABLE.name());
    }
  }

  // ---- idle ----

  private void armIdle(long delayMs) {
    idleTimer = gw.vertx().setTimer(Math.max(1, delayMs), id -> checkIdle());
  }

  private void checkIdle() {
    idleTimer = -1;
    if (state != State.OPEN) {
      return;
    }
    long limitMs = gw.options().idleTimeoutSeconds() * 1000L;
    long idleMs = gw.clock().millis() - lastFrameAt;
    if (idleMs >= limitMs) {
      closeWith(Frames.error(Code.UNAVAILABLE, "idle: no frame for " + idleMs + " ms (gateway.idle.timeout.seconds="
          + gw.options().idleTimeoutSeconds() + "); send ping every " + gw.options().heartbeatSeconds()
          + " s and reconnect", null), replyEncoding, "IDLE");
    } else {
      armIdle(limitMs - idleMs);
    }
  }

  // ---- output ----

  /**
   * Writes a reply, an error or a kick. Every write of the connection passes the same limit on
   * bytes the socket has not taken yet ({@link #deliver} for pushes): a client that asks and does
   * not read is kicked, whatever it asked for.
   */
  private void write(Frame frame, Encoding encoding) {
    if (state == State.OPEN && !frame.hasKick() && conn.writeQueueFull()) {
      closeSlowConsumer();
      return;
    }
    conn.write(new EncodedFrame(frame), encoding);
    gw.metrics().frameOut(frame.getFrameCase());
    if (frame.hasError()) {
      gw.metrics().rejected(frame.getError().getCode());
    }
  }

  private void writeDelivered(EncodedFrame frame) {
    conn.write(frame, replyEncoding);
    gw.metrics().frameOut(frame.type());
  }

  /**
   * Writes a frame pushed by a state server, or by a gateway enforcing the user's connection cap:
   * a {@code kick} is written and the connection closed. Any thread. False if the connection is
   * closed, or is being closed now because its write queue is full (slow consumer).
   */
  public boolean deliver(EncodedFrame frame) {
    State s = state;
    if (frame.frame().hasKick() && (s == State.OPEN || s == State.CONNECTING)) {
      onContext(() -> kick(frame.frame().getKick().getReason(), "KICKED"));
      return true;
    }
    if (s == State.OPEN) {
      if (conn.writeQueueFull()) {
        onContext(this::closeSlowConsumer);
        return false;
      }
      writeDelivered(frame);
      return true;
    }
    if (s == State.CONNECTING) {
      onContext(() -> {
        if (state == State.OPEN) {
          writeDelivered(frame);
        } else if (state == State.CONNECTING) {
          pendingOut.add(frame);
        }
      });
      return true;
    }
    return false;
  }

  private void closeSlowConsumer() {
    if (state != State.OPEN) {
      return;
    }
    gw.metrics().slowConsumer();
    kick("slow consumer: more than " + gw.options().writeQueueMaxBytes()
        + " bytes waiting to be written (gateway.write.queue.max.bytes)", "SLOW_CONSUMER");
  }

  /** Kicks the connection with {@code reason} and closes it; completes once it is cleaned up. Any thread. */
  public Future<Void> shutdown(String reason) {
    onContext(() -> kick(reason, "GOING_AWAY"));
    return cleanedUp.future();
  }

  /**
   * On the event loop: an open connection gets {@code kick} with {@code reason} and is closed; one
   * not open yet is closed without it. {@code closeCode} is the transport's close reason.
   */
  private void kick(String reason, String closeCode) {
    if (state == State.OPEN) {
      closeWith(Frame.newBuilder().setKick(Kick.newBuilder().setReason(reason)).build(), replyEncoding, closeCode);
    } else if (state != State.CLOSED) {
      closeNow(closeCode);
    }
  }

  // ---- close ----

  private void closeWith(Frame last, Encoding encoding, String reason) {
    if (state == State.CLOSED) {
      return;
    }
    write(last, encoding);
    closeNow(reason);
  }

  private void closeNow(String reason) {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    cancelTimer(connectTimer);
    cancelTimer(idleTimer);
    conn.close(reason);
    if (!connectInFlight) {
      cleanup();
    }
  }

  private void onTransportClosed() {
    if (state != State.CLOSED) {
      state = State.CLOSED;
      cancelTimer(connectTimer);
      cancelTimer(idleTimer);
    }
    if (!connectInFlight) {
      cleanup(); // otherwise connected() cleans up once it knows what the connect registered
    }
  }

  /** Detaches and unroutes what the connect registered; once. */
  private void cleanup() {
    if (cleanupStarted) {
      return;
    }
    cleanupStarted = true;
    pendingIn.clear();
    pendingOut.clear();
    ConnectionInfo who = info;
    if (who == null) {
      cleanedUp.tryComplete();
      return;
    }
    gw.registry().remove(who.connId(), this);
    Future<Void> detached = attached
        ? gw.backend().detach(who.stateServerId(), protoConnection(who))
            .onFailure(e -> LOG.log(Level.FINE, "detach of conn " + Long.toUnsignedString(who.connId()) + " failed", e))
        : Future.succeededFuture();
    Future<Void> unrouted = routed
        ? ConnectHandshake.call("routeTable", () -> gw.routes().unregister(who.userId(), who.connId()))
            .onFailure(e -> LOG.log(Level.FINE, "unregister of conn " + Long.toUnsignedString(who.connId()) + " failed", e))
        : Future.succeededFuture();
    Future.join(detached, unrouted).onComplete(ar -> cleanedUp.tryComplete());
  }

  // ---- helpers ----

  private Connection protoConnection(ConnectionInfo who) {
    return ConnectHandshake.protoConnection(gw, who);
  }

  private void cancelTimer(long id) {
    if (id >= 0) {
      gw.vertx().cancelTimer(id);
    }
  }

  private void onContext(Runnable task) {
    if (Vertx.currentContext() == conn.context()) {
      task.run();
    } else {
      conn.context().runOnContext(v -> task.run());
    }
  }
}
