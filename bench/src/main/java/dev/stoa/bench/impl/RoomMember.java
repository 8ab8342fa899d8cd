package dev.stoa.bench.impl;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.Arrays;
import java.util.BitSet;

/**
 * One room member on its own WebSocket connection (PROTOCOL.md): {@code connect{token, deviceId}}
 * then, on {@code connAck}, {@code join{roomId}}; ready on {@code joined}. Every {@code push} of
 * the room is checked and counted: the first push of a seq is a delivery (latency from the
 * intended send time in the body, for messages intended in the window), a seq already pushed is a
 * duplicate, one below the newest pushed is out of order, one above newest + 1 opens a gap. Room
 * pushes are not acked: rooms have no retransmission (PROTOCOL.md), and acks would only spend the
 * connection's rate limit.
 *
 * <p>A publisher member also sends {@code send{clientMsgId=<k>, sessionId=room:<roomId>, body}} on
 * an {@link OpenLoopSchedule}; its OK {@code sendAck}s are the messages the room must deliver to
 * every member.
 *
 * <p>Not thread-safe: one event loop.
 */
public final class RoomMember implements StoaCodec.Events {
  private enum Phase { CONNECTING, JOINING, READY, CLOSED }

  private final String url;
  private final String userId;
  private final String token;
  private final String deviceId;
  private final String roomId;
  private final String sessionId;
  private final StoaCodec codec;
  private final RoomStats stats;
  private final RoomProgress progress;
  private final int bodyBytes;
  private final boolean freshRoom;
  private WebSocket ws;
  private Phase phase = Phase.CONNECTING;
  private Promise<Void> ready;
  private RunWindow window;

  /** Pushed seqs, as {@code seq - base}; {@code base < 0} until the first push when the head is unknown. */
  private final BitSet seen = new BitSet();
  private long base;
  private long lastSeq;
  /** A duplicate or out-of-order push was seen. */
  private boolean disordered;

  private OpenLoopSchedule schedule;
  private long nextK;
  private long[] intendedByK = new long[0];

  /**
   * @param freshRoom the room is new, so its first seq is 1 (a push of any later seq first is a
   *     gap); otherwise the first push sets the baseline
   */
  public RoomMember(String url, String userId, String token, String deviceId, String roomId, boolean freshRoom,
      StoaCodec codec, RoomStats stats, RoomProgress progress, int bodyBytes) {
    this.url = url;
    this.userId = userId;
    this.token = token;
    this.deviceId = deviceId;
    this.roomId = roomId;
    this.sessionId = "room:" + roomId;
    this.codec = codec;
    this.stats = stats;
    this.progress = progress;
    this.bodyBytes = bodyBytes;
    this.freshRoom = freshRoom;
    this.base = freshRoom ? 0 : -1;
  }

  public String userId() {
    return userId;
  }

  /** Connects, joins the room, and completes on {@code joined}; fails naming the user and the cause. */
  public Future<Void> connectAndJoin(WebSocketClient client) {
    ready = Promise.promise();
    return client.connect(new WebSocketConnectOptions().setAbsoluteURI(url)).compose(socket -> {
      ws = socket;
      codec.install(socket, this);
      socket.exceptionHandler(e -> stats.error("exception: " + e.getClass().getSimpleName()));
      socket.closeHandler(v -> closed(socket));
      codec.writeConnect(socket, token, deviceId);
      return ready.future();
    }).recover(e -> Future.failedFuture(new IllegalStateException("member " + userId + " could not connect to "
        + url + " and join room " + roomId + ": " + e.getMessage(), e)));
  }

  private void closed(WebSocket socket) {
    Phase was = phase;
    phase = Phase.CLOSED;
    if (was == Phase.READY) {
      stats.sample("connection of " + userId + " closed by server (close code " + socket.closeStatusCode()
          + ", reason " + socket.closeReason() + ")");
      stats.error("connection closed by server");
    } else if (was != Phase.CLOSED) {
      ready.tryFail("connection closed in phase " + was + " (close code " + socket.closeStatusCode() + ", reason "
          + socket.closeReason() + ")");
    }
  }

  public boolean isReady() {
    return phase == Phase.READY;
  }

  /** Sets the window deliveries and latencies are measured against; before it, pushes are only counted. */
  public void measure(RunWindow window) {
    this.window = window;
  }

  /** Starts sending on {@code schedule} (this member is a publisher). */
  public void beginPublishing(RunWindow window, OpenLoopSchedule schedule) {
    this.window = window;
    this.schedule = schedule;
  }

  /**
   * Open loop: writes every due slot, at most {@code maxPerCall}, while the socket accepts them.
   *
   * @return whether this member has nothing (left) to send
   */
  public boolean pump(long nowNanos, int maxPerCall) {
    if (schedule == null || phase != Phase.READY) {
      return true;
    }
    for (int i = 0; i < maxPerCall && schedule.isDue(nowNanos) && !ws.writeQueueFull(); i++) {
      send(schedule.take());
    }
    return schedule.isFinished();
  }

  /** Stops sending; open-loop slots never written are counted as unsent. */
  public void stopSending() {
    if (schedule != null) {
      stats.unsent += schedule.dueCount(window.windowEndNanos());
      schedule = null;
    }
  }

  public void ping() {
    if (phase == Phase.READY) {
      codec.writePing(ws);
    }
  }

  public void close() {
    phase = Phase.CLOSED;
    if (ws != null) {
      ws.close();
    }
  }

  /** Whether the pushes were exactly seqs {@code 1..lastSeqExpected}, each once and in order (fresh room). */
  public boolean complete(long lastSeqExpected) {
    if (!freshRoom || disordered) {
      return false;
    }
    long expected = lastSeqExpected - base;
    return lastSeq == lastSeqExpected && seen.cardinality() == expected && seen.nextClearBit(1) == expected + 1;
  }

  private void send(long intendedNanos) {
    long k = nextK++;
    if (k >= intendedByK.length) {
      intendedByK = Arrays.copyOf(intendedByK, Math.max(64, intendedByK.length * 2));
    }
    intendedByK[(int) k] = intendedNanos;
    if (window.contains(intendedNanos)) {
      stats.windowWritten++;
      progress.windowWritten.increment();
    }
    stats.written++;
    codec.writeSend(ws, Long.toString(k), sessionId, Body.make(intendedNanos, k, bodyBytes));
  }

  @Override
  public void connAck() {
    if (phase != Phase.CONNECTING) {
      stats.error("unexpected connAck");
      return;
    }
    phase = Phase.JOINING;
    codec.writeJoin(ws, roomId);
  }

  @Override
  public void joined(String joinedRoom) {
    if (phase != Phase.JOINING || !roomId.equals(joinedRoom)) {
      stats.error("unexpected joined");
      return;
    }
    phase = Phase.READY;
    ready.tryComplete();
  }

  @Override
  public void sendAck(String clientMsgId, String code, long seq) {
    long k = parseK(clientMsgId);
    if (k < 0 || k >= nextK) {
      stats.error("sendAck for unknown clientMsgId");
      return;
    }
    boolean inWindow = window != null && window.contains(intendedByK[(int) k]);
    if ("OK".equals(code)) {
      stats.maxAckedSeq = Math.max(stats.maxAckedSeq, seq);
      if (window != null && window.contains(System.nanoTime())) {
        stats.ackedInWindow++;
      }
      if (inWindow) {
        stats.windowAcked++;
        progress.windowAcked.increment();
        progress.windowAnswered.increment();
      }
    } else {
      refused(inWindow, "sendAck " + code);
    }
  }

  private void refused(boolean inWindow, String kind) {
    stats.error(kind);
    if (inWindow) {
      stats.windowRefused++;
      progress.windowAnswered.increment();
    }
  }

  @Override
  public void push(String pushedSession, long msgId, long seq, long preSeq, String fromUserId, String body) {
    long now = System.nanoTime();
    if (!sessionId.equals(pushedSession)) {
      stats.error("push of another session");
      return;
    }
    if (base < 0) {
      base = seq - 1;
      lastSeq = base;
    }
    long index = seq - base;
    if (index <= 0 || index > Integer.MAX_VALUE) {
      stats.outOfOrder++;
      disordered = true;
      return;
    }
    if (seen.get((int) index)) {
      stats.duplicates++;
      disordered = true;
      return;
    }
    seen.set((int) index);
    if (seq < lastSeq) {
      stats.outOfOrder++;
      disordered = true;
    } else {
      if (seq > lastSeq + 1) {
        stats.gapSeqs += seq - lastSeq - 1;
      }
      lastSeq = seq;
    }
    stats.deliveries++;
    if (window == null) {
      return;
    }
    if (window.contains(now)) {
      stats.deliveriesInWindow++;
    }
    long intended;
    try {
      intended = Body.intendedNanos(body);
    } catch (IllegalArgumentException e) {
      stats.error("bad body");
      return;
    }
    if (window.contains(intended)) {
      stats.recordLatency(now - intended);
      stats.windowDeliveries++;
      progress.windowDeliveries.increment();
    }
  }

  @Override
  public void error(String code, String message, String clientMsgId) {
    if (phase == Phase.CONNECTING || phase == Phase.JOINING) {
      ready.tryFail((phase == Phase.CONNECTING ? "connect" : "join") + " refused: " + code + " " + message);
      return;
    }
    stats.sample("error " + code + " at " + userId + ": " + message);
    long k = clientMsgId == null ? -1 : parseK(clientMsgId);
    if (k >= 0 && k < nextK) {
      refused(window != null && window.contains(intendedByK[(int) k]), "error " + code);
    } else {
      stats.error("error " + code);
    }
  }

  @Override
  public void notify(String notified) {
    stats.notifies++;
  }

  @Override
  public void kick(String reason) {
    stats.kicks++;
    stats.sample("kick of " + userId + ": " + reason);
    stats.error("kick");
  }

  @Override
  public void other(String kind) {
    if (!"pong".equals(kind)) {
      stats.error("unexpected " + kind);
    }
  }

  private static long parseK(String clientMsgId) {
    try {
      return Long.parseLong(clientMsgId);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
