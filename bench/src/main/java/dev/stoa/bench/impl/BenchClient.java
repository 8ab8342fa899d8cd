package dev.stoa.bench.impl;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import java.util.BitSet;

/**
 * One simulated user: a WebSocket connection chatting with its {@link #peer}. Subclasses speak
 * the target's wire format; this class keeps the accounting common to both targets:
 *
 * <ul>
 *   <li>open loop: {@link #pump} writes every slot of the {@link OpenLoopSchedule} that is due,
 *       each stamped with its intended time, unless the socket's write queue is full;
 *   <li>closed loop ({@code --max-rate}): keeps {@code window} messages in flight, where a message
 *       stops being in flight when the peer receives it or the server refuses it;
 *   <li>delivery: the first receipt of each peer message index records its latency, a second one
 *       counts as a duplicate.
 * </ul>
 *
 * <p>Not thread-safe: a client, its peer and their stats belong to one event loop.
 */
public abstract class BenchClient {
  /** Delay before a closed-loop client replaces a message the server refused. */
  static final long REFUSED_RETRY_MILLIS = 5;

  protected final Vertx vertx;
  protected final String id;
  protected final String peerId;
  protected final LoadStats stats;
  protected final Progress progress;
  protected final int bodyBytes;
  protected WebSocket ws;
  protected RunWindow window;
  BenchClient peer;

  private final BitSet receivedFromPeer = new BitSet();
  private OpenLoopSchedule schedule;
  private int closedLoopWindow;
  private int inFlight;
  private boolean sending;
  private boolean alive;
  private long nextK;
  /** Index of the first message intended in the window; later ones are all in it (none is sent after). */
  private long firstWindowK = -1;

  protected BenchClient(Vertx vertx, String id, String peerId, LoadStats stats, Progress progress, int bodyBytes) {
    this.vertx = vertx;
    this.id = id;
    this.peerId = peerId;
    this.stats = stats;
    this.progress = progress;
    this.bodyBytes = bodyBytes;
  }

  /** Opens the connection and completes when the target is ready to take messages. */
  public final Future<Void> connect(WebSocketClient client) {
    return open(client).onSuccess(v -> {
      alive = true;
      ws.closeHandler(x -> {
        if (alive) {
          alive = false;
          stats.error("connection closed by server");
        }
      });
    });
  }

  /** Opens {@link #ws} and performs the target's handshake. */
  protected abstract Future<Void> open(WebSocketClient client);

  /** Writes one message frame carrying {@code body}. */
  protected abstract void writeMessage(long k, String body);

  public String id() {
    return id;
  }

  public boolean isAlive() {
    return alive;
  }

  /** Starts open-loop sending on {@code schedule}; call on the client's event loop. */
  public void beginOpenLoop(RunWindow window, OpenLoopSchedule schedule) {
    this.window = window;
    this.schedule = schedule;
    this.sending = true;
  }

  /** Starts closed-loop sending with {@code inFlightWindow} messages in flight. */
  public void beginClosedLoop(RunWindow window, int inFlightWindow) {
    this.window = window;
    this.closedLoopWindow = inFlightWindow;
    this.sending = true;
    refill();
  }

  /**
   * Open loop: writes every due slot, at most {@code maxPerCall}, while the socket accepts them.
   *
   * @return whether this client has nothing left to send (schedule done, or connection lost)
   */
  public boolean pump(long nowNanos, int maxPerCall) {
    if (schedule == null) {
      return !sending || !alive;
    }
    if (!alive) {
      return true;
    }
    for (int i = 0; i < maxPerCall && schedule.isDue(nowNanos) && !ws.writeQueueFull(); i++) {
      send(schedule.take());
    }
    return schedule.isFinished();
  }

  /** Stops sending; open-loop slots never written are counted as unsent. */
  public void stopSending() {
    sending = false;
    if (schedule != null) {
      stats.unsent += schedule.dueCount(window.windowEndNanos());
      schedule = null;
    }
  }

  public void close() {
    alive = false;
    sending = false;
    if (ws != null) {
      ws.close();
    }
  }

  private void send(long intendedNanos) {
    long k = nextK++;
    if (window.contains(intendedNanos)) {
      if (firstWindowK < 0) {
        firstWindowK = k;
      }
      stats.windowSent++;
      progress.windowSent.increment();
    }
    stats.written++;
    writeMessage(k, Body.make(intendedNanos, k, bodyBytes));
  }

  private void refill() {
    if (!sending || !alive || closedLoopWindow == 0) {
      return;
    }
    long now = System.nanoTime();
    if (now - window.windowEndNanos() >= 0) {
      sending = false;
      return;
    }
    while (inFlight < closedLoopWindow) {
      inFlight++;
      send(now);
    }
  }

  /** Counts a write that left during the window (relay: a frame; Stoa: an OK sendAck). */
  protected final void sentOk(long nowNanos) {
    if (window != null && window.contains(nowNanos)) {
      stats.sentInWindow++;
    }
  }

  /** The server refused message {@code k}: it will never be delivered. */
  protected final void refused(long k, String kind) {
    stats.error(kind);
    if (firstWindowK >= 0 && k >= firstWindowK) {
      stats.windowFailed++;
      progress.windowSettled.increment();
    }
    if (closedLoopWindow > 0) {
      inFlight--;
      vertx.setTimer(REFUSED_RETRY_MILLIS, t -> refill());
    }
  }

  /** A message body from the peer arrived at {@code nowNanos}. */
  protected final void delivered(String body, long nowNanos) {
    long intended;
    long k;
    try {
      intended = Body.intendedNanos(body);
      k = Body.index(body);
    } catch (IllegalArgumentException e) {
      stats.error("bad body");
      return;
    }
    if (k < 0 || k > Integer.MAX_VALUE) {
      stats.error("bad body");
      return;
    }
    if (receivedFromPeer.get((int) k)) {
      stats.duplicates++;
      return;
    }
    receivedFromPeer.set((int) k);
    if (window == null) {
      return;
    }
    if (window.contains(nowNanos)) {
      stats.deliveredInWindow++;
    }
    if (window.contains(intended)) {
      stats.recordLatency(nowNanos - intended);
      stats.windowDelivered++;
      progress.windowSettled.increment();
    }
    if (peer != null) {
      peer.peerReceived();
    }
  }

  private void peerReceived() {
    if (closedLoopWindow > 0) {
      inFlight--;
      refill();
    }
  }
}
