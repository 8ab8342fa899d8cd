package dev.stoa.bench.impl;

import dev.stoa.bench.LoadOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The clients of one event loop: both members of each pair live here, so a delivery can free a
 * closed-loop slot of the sender without crossing threads. {@link #start()} connects every
 * client; {@link #begin} starts the load on a shared {@link RunWindow}. In open loop a 1 ms
 * periodic tick writes whatever is due on each client's schedule; the schedules are phase-shifted
 * by client index so that, over all clients, messages are intended evenly {@code 1/rate} apart.
 *
 * <p>Methods other than the Vert.x callbacks may be called from any thread: they hop onto this
 * verticle's context. {@link #allSent()} is safe to read anywhere.
 */
public final class LoadVerticle extends VerticleBase {
  /** Concurrent connection attempts per event loop, so a big run does not storm the server. */
  static final int CONNECT_CONCURRENCY = 32;
  /** Most messages one client writes per tick, so one late client cannot stall the loop. */
  static final int MAX_PER_TICK = 10_000;

  /** One client to create: its global index (for the schedule phase), ids and Stoa token. */
  public record ClientSpec(int index, String id, String peerId, String token) {}

  private final LoadOptions options;
  private final List<ClientSpec> specs;
  private final Progress progress;
  private final LoadStats stats = new LoadStats();
  private final List<BenchClient> clients = new ArrayList<>();
  private WebSocketClient wsClient;
  private long timerId = -1;
  private volatile boolean allSent;

  /**
   * @param specs clients in pair order: {@code specs[2j]} and {@code specs[2j+1]} chat together
   */
  public LoadVerticle(LoadOptions options, List<ClientSpec> specs, Progress progress) {
    if (specs.size() % 2 != 0) {
      throw new IllegalArgumentException("clients come in pairs, got " + specs.size());
    }
    this.options = options;
    this.specs = List.copyOf(specs);
    this.progress = progress;
  }

  @Override
  public Future<?> start() {
    wsClient = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxConnections(specs.size() + 1)
        .setConnectTimeout((int) TimeUnit.SECONDS.toMillis(options.connectTimeoutSeconds()))
        .setTcpNoDelay(true)
        .setMaxFrameSize(1 << 20)
        .setMaxMessageSize(1 << 20));
    StoaCodec codec = options.encoding() == LoadOptions.Encoding.BINARY ? new BinaryStoaCodec() : new JsonStoaCodec();
    for (ClientSpec s : specs) {
      clients.add(options.target() == LoadOptions.Target.RELAY
          ? new RelayClient(vertx, options.url(), s.id(), s.peerId(), stats, progress, options.bodyBytes())
          : new StoaClient(vertx, options.url(), s.id(), s.peerId(), s.token(), options.deviceId(), codec, stats,
              progress, options.bodyBytes()));
    }
    for (int i = 0; i < clients.size(); i += 2) {
      clients.get(i).peer = clients.get(i + 1);
      clients.get(i + 1).peer = clients.get(i);
    }
    return inBatches(clients, CONNECT_CONCURRENCY, c -> c.connect(wsClient)
        .recover(e -> Future.failedFuture(new IllegalStateException(
            "client " + c.id() + " could not connect to " + options.url() + ": " + e.getMessage(), e))))
        .onFailure(e -> {
          clients.forEach(BenchClient::close);
          wsClient.close();
        });
  }

  private static <T> Future<Void> inBatches(List<T> items, int batch, Function<T, Future<Void>> action) {
    Future<Void> chain = Future.succeededFuture();
    for (int from = 0; from < items.size(); from += batch) {
      List<T> slice = items.subList(from, Math.min(items.size(), from + batch));
      chain = chain.compose(v -> Future.all(slice.stream().map(action).toList()).mapEmpty());
    }
    return chain;
  }

  /** Starts sending on {@code window}: open loop at {@code options.rate()}, or closed loop. */
  public Future<Void> begin(RunWindow window) {
    return onContext(() -> {
      if (options.maxRate()) {
        for (BenchClient c : clients) {
          c.beginClosedLoop(window, options.window());
        }
        long untilEndMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(window.windowEndNanos() - System.nanoTime()));
        timerId = vertx.setTimer(untilEndMillis, t -> stopAll());
      } else {
        long n = options.clients();
        long interval = n * 1_000_000_000L / options.rate();
        for (int i = 0; i < clients.size(); i++) {
          long phase = specs.get(i).index() * 1_000_000_000L / options.rate();
          clients.get(i).beginOpenLoop(window,
              new OpenLoopSchedule(window.startNanos() + phase, Math.max(1, interval), window.windowEndNanos()));
        }
        timerId = vertx.setPeriodic(1, t -> tick());
      }
      return null;
    });
  }

  private void tick() {
    long now = System.nanoTime();
    boolean done = true;
    for (BenchClient c : clients) {
      done &= c.pump(now, MAX_PER_TICK);
    }
    if (done) {
      stopAll();
    }
  }

  private void stopAll() {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
    for (BenchClient c : clients) {
      c.stopSending();
    }
    allSent = true;
  }

  /** Stops sending now; slots never written are counted as unsent. */
  public Future<Void> stopSending() {
    return onContext(() -> {
      stopAll();
      return null;
    });
  }

  /** Whether every client has written all it was going to write. */
  public boolean allSent() {
    return allSent;
  }

  /** A copy of this event loop's counters and histogram. */
  public Future<LoadStats> snapshot() {
    return onContext(stats::copy);
  }

  @Override
  public Future<?> stop() {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
    }
    clients.forEach(BenchClient::close);
    return wsClient == null ? Future.succeededFuture() : wsClient.close();
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
