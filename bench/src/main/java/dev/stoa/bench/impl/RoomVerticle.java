package dev.stoa.bench.impl;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * The room members of one event loop. {@link #start()} connects and joins them
 * {@code concurrency} at a time (a batch must finish before the next starts, so the node is never
 * asked for more than that many handshakes by this loop), and fails naming how many could not
 * join and the first reason. {@link #begin} starts the publishers among them on a shared
 * {@link RunWindow}: a 1 ms periodic tick writes whatever is due on each publisher's schedule,
 * phase-shifted by publisher index so that, over all publishers, messages are intended evenly
 * {@code 1/rate} apart. Every member pings every {@code pingSeconds}.
 *
 * <p>Methods other than the Vert.x callbacks may be called from any thread: they hop onto this
 * verticle's context. {@link #allSent()} is safe to read anywhere.
 */
public final class RoomVerticle extends VerticleBase {
  /** Most messages one publisher writes per tick, so one late publisher cannot stall the loop. */
  static final int MAX_PER_TICK = 10_000;
  /** Connection failures after which the rest of the members are not tried. */
  static final int GIVE_UP_AFTER_FAILURES = 50;

  /** One member to create: its user id and token, and its publisher index (-1: not a publisher). */
  public record MemberSpec(String userId, String token, int publisherIndex) {}

  /** How the members of this loop connect and send. */
  public record Settings(String url, String deviceId, String roomId, boolean freshRoom, StoaCodec codec,
      int bodyBytes, int concurrency, int connectTimeoutSeconds, int pingSeconds, int publishers, int rate) {}

  private final Settings settings;
  private final List<MemberSpec> specs;
  private final RoomProgress progress;
  private final RoomStats stats = new RoomStats();
  private final List<RoomMember> members = new ArrayList<>();
  private final List<RoomMember> publishers = new ArrayList<>();
  private final List<Integer> publisherIndexes = new ArrayList<>();
  private WebSocketClient wsClient;
  private long tickTimer = -1;
  private long pingTimer = -1;
  private volatile boolean allSent;
  private int failures;
  private String firstFailure;

  public RoomVerticle(Settings settings, List<MemberSpec> specs, RoomProgress progress) {
    this.settings = settings;
    this.specs = List.copyOf(specs);
    this.progress = progress;
  }

  @Override
  public Future<?> start() {
    wsClient = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxConnections(specs.size() + 1)
        .setConnectTimeout((int) TimeUnit.SECONDS.toMillis(Math.min(60, settings.connectTimeoutSeconds())))
        .setTcpNoDelay(true)
        .setMaxFrameSize(1 << 20)
        .setMaxMessageSize(1 << 20));
    for (MemberSpec s : specs) {
      RoomMember m = new RoomMember(settings.url(), s.userId(), s.token(), settings.deviceId(), settings.roomId(),
          settings.freshRoom(), settings.codec(), stats, progress, settings.bodyBytes());
      members.add(m);
      if (s.publisherIndex() >= 0) {
        publishers.add(m);
        publisherIndexes.add(s.publisherIndex());
      }
    }
    pingTimer = vertx.setPeriodic(TimeUnit.SECONDS.toMillis(settings.pingSeconds()), t -> members.forEach(RoomMember::ping));
    Future<Void> chain = Future.succeededFuture();
    for (int from = 0; from < members.size(); from += settings.concurrency()) {
      List<RoomMember> batch = members.subList(from, Math.min(members.size(), from + settings.concurrency()));
      chain = chain.compose(v -> failures >= GIVE_UP_AFTER_FAILURES ? Future.succeededFuture()
          : Future.join(batch.stream().map(m -> m.connectAndJoin(wsClient).onFailure(this::failed)).toList())
              .<Void>mapEmpty().otherwiseEmpty());
    }
    return chain.compose(v -> failures == 0 ? Future.succeededFuture()
        : Future.failedFuture(new IllegalStateException(failures + " of " + members.size() + " members on this event"
            + " loop could not connect and join" + (failures >= GIVE_UP_AFTER_FAILURES ? " (gave up after "
            + GIVE_UP_AFTER_FAILURES + ")" : "") + "; first: " + firstFailure)))
        .onFailure(e -> stopTimersAndClose());
  }

  private void failed(Throwable e) {
    failures++;
    if (firstFailure == null) {
      firstFailure = e.getMessage();
    }
  }

  /** Members of this loop that are joined and open now. */
  public Future<Integer> readyCount() {
    return onContext(() -> (int) members.stream().filter(RoomMember::isReady).count());
  }

  /** Measures from {@code window} on and starts the publishers at {@code settings.rate()} in total. */
  public Future<Void> begin(RunWindow window) {
    return onContext(() -> {
      for (RoomMember m : members) {
        m.measure(window);
      }
      long interval = Math.max(1, settings.publishers() * 1_000_000_000L / settings.rate());
      for (int i = 0; i < publishers.size(); i++) {
        long phase = publisherIndexes.get(i) * 1_000_000_000L / settings.rate();
        publishers.get(i).beginPublishing(window,
            new OpenLoopSchedule(window.startNanos() + phase, interval, window.windowEndNanos()));
      }
      if (publishers.isEmpty()) {
        allSent = true;
      } else {
        tickTimer = vertx.setPeriodic(1, t -> tick());
      }
      return null;
    });
  }

  private void tick() {
    long now = System.nanoTime();
    boolean done = true;
    for (RoomMember p : publishers) {
      done &= p.pump(now, MAX_PER_TICK);
    }
    if (done) {
      stopAll();
    }
  }

  private void stopAll() {
    if (tickTimer >= 0) {
      vertx.cancelTimer(tickTimer);
      tickTimer = -1;
    }
    publishers.forEach(RoomMember::stopSending);
    allSent = true;
  }

  /** Stops sending now; slots never written are counted as unsent. */
  public Future<Void> stopSending() {
    return onContext(() -> {
      stopAll();
      return null;
    });
  }

  /** Whether every publisher of this loop has written all it was going to write. */
  public boolean allSent() {
    return allSent;
  }

  /**
   * A copy of this loop's counters and histogram, with {@code completeMembers} counted against
   * {@code lastSeq} (the highest seq acked over all publishers).
   */
  public Future<RoomStats> snapshot(long lastSeq) {
    return onContext(() -> {
      RoomStats copy = stats.copy();
      copy.completeMembers = members.stream().filter(m -> m.complete(lastSeq)).count();
      return copy;
    });
  }

  /** A copy of this loop's counters (for {@code maxAckedSeq}), without counting complete members. */
  public Future<RoomStats> snapshot() {
    return onContext(stats::copy);
  }

  @Override
  public Future<?> stop() {
    stopTimersAndClose();
    return wsClient == null ? Future.succeededFuture() : wsClient.close();
  }

  private void stopTimersAndClose() {
    if (tickTimer >= 0) {
      vertx.cancelTimer(tickTimer);
      tickTimer = -1;
    }
    if (pingTimer >= 0) {
      vertx.cancelTimer(pingTimer);
      pingTimer = -1;
    }
    members.forEach(RoomMember::close);
  }

  private <T> Future<T> onContext(Callable<T> action) {
    Promise<T> p = Promise.promise();
    context.runOnContext(v -> {
      try {
        p.complete(action.call());
      } catch (Exception e) {
        p.fail(e);
      }
    });
    return p.future();
  }
}
