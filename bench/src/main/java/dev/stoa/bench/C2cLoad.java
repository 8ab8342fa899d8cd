package dev.stoa.bench;

import dev.stoa.bench.impl.CpuMeter;
import dev.stoa.bench.impl.LoadStats;
import dev.stoa.bench.impl.LoadVerticle;
import dev.stoa.bench.impl.Progress;
import dev.stoa.bench.impl.RunWindow;
import dev.stoa.bench.impl.TokenFetcher;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * The one-to-one chat load generator: {@code pairs} pairs of WebSocket clients, each client
 * sending to its peer, against the {@link BareRelay} or a Stoa gateway. Open loop by default:
 * {@code rate} messages/s in total, each stamped with its intended send time so that a stalled
 * server or socket shows up as latency instead of as fewer samples; with {@code --max-rate}, closed
 * loop with {@code window} messages in flight per client, to find delivered messages/s at
 * saturation. The run is: connect every client (Stoa: a token each first), {@code warmup}
 * seconds unmeasured, {@code duration} seconds measured, then up to {@code drain} seconds for the
 * messages still in flight. User ids are fresh per run ({@code u<tag>-<pair>a|b}), so reruns against
 * the same Stoa data never collide on clientMsgId dedup.
 *
 * <p>{@code main} prints the {@link LoadReport} as one JSON line and one human line. Usage:
 * {@code C2cLoad --target=relay|stoa [--url=ws://...] [--http=http://...] [--admin-secret=...]
 * [--rate=2000] [--pairs=50] [--duration=10] [--warmup=3] [--body-bytes=64] [--max-rate [--window=8]]
 * [--threads=<cores>] [--encoding=json|binary] [--drain=5] [--server-pid=<pid>]}. With a server
 * pid, the report adds the server's and the generator's CPU time in the window per delivered
 * message ({@link CpuMeter}).
 */
public final class C2cLoad {
  /** Delay between connecting the last client and the first intended send. */
  static final long START_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
  static final long DRAIN_POLL_MILLIS = 20;

  private final Vertx vertx;
  private final LoadOptions options;

  public C2cLoad(Vertx vertx, LoadOptions options) {
    this.vertx = vertx;
    this.options = options;
  }

  /** Runs once; fails when tokens or connections cannot be had within the connect timeout. */
  public Future<LoadReport> run() {
    String tag = Long.toString(System.currentTimeMillis(), 36) + Integer.toString(ThreadLocalRandom.current().nextInt(1296), 36);
    List<String> users = new ArrayList<>();
    for (int i = 0; i < options.pairs(); i++) {
      users.add("u" + tag + "-" + i + "a");
      users.add("u" + tag + "-" + i + "b");
    }
    Future<Map<String, String>> tokens = options.target() == LoadOptions.Target.STOA
        ? TokenFetcher.fetch(vertx, options.http(), options.adminSecret(), users, options.deviceId(),
            options.connectTimeoutSeconds())
        : Future.succeededFuture(Map.of());
    Progress progress = new Progress();
    List<LoadVerticle> verticles = new ArrayList<>();
    List<String> deployments = new ArrayList<>();
    Future<LoadReport> report = tokens
        .timeout(options.connectTimeoutSeconds(), TimeUnit.SECONDS)
        .compose(tok -> deploy(users, tok, progress, verticles, deployments))
        .compose(v -> load(verticles, progress));
    return report.eventually(() -> undeployAll(deployments));
  }

  private Future<Void> deploy(List<String> users, Map<String, String> tokens, Progress progress,
      List<LoadVerticle> verticles, List<String> deployments) {
    int loops = Math.min(options.threads(), options.pairs());
    List<List<LoadVerticle.ClientSpec>> slices = new ArrayList<>();
    for (int t = 0; t < loops; t++) {
      slices.add(new ArrayList<>());
    }
    for (int i = 0; i < options.pairs(); i++) {
      String a = users.get(2 * i);
      String b = users.get(2 * i + 1);
      List<LoadVerticle.ClientSpec> slice = slices.get(i % loops);
      slice.add(new LoadVerticle.ClientSpec(2 * i, a, b, tokens.getOrDefault(a, "")));
      slice.add(new LoadVerticle.ClientSpec(2 * i + 1, b, a, tokens.getOrDefault(b, "")));
    }
    List<Future<String>> all = new ArrayList<>();
    for (List<LoadVerticle.ClientSpec> slice : slices) {
      LoadVerticle v = new LoadVerticle(options, slice, progress);
      verticles.add(v);
      all.add(vertx.deployVerticle(v).onSuccess(id -> {
        synchronized (deployments) {
          deployments.add(id);
        }
      }));
    }
    return Future.join(all).timeout(options.connectTimeoutSeconds(), TimeUnit.SECONDS).mapEmpty();
  }

  private Future<LoadReport> load(List<LoadVerticle> verticles, Progress progress) {
    long t0 = System.nanoTime() + START_DELAY_NANOS;
    long windowStart = t0 + TimeUnit.SECONDS.toNanos(options.warmupSeconds());
    RunWindow window = new RunWindow(t0, windowStart, windowStart + TimeUnit.SECONDS.toNanos(options.durationSeconds()));
    long drainDeadline = window.windowEndNanos() + TimeUnit.SECONDS.toNanos(options.drainSeconds());
    CpuMeter cpu = new CpuMeter(options.serverPid());
    AtomicReference<CpuMeter.Sample> cpuFrom = new AtomicReference<>();
    AtomicReference<CpuMeter.Sample> cpuTo = new AtomicReference<>();
    return Future.all(verticles.stream().map(v -> v.begin(window)).toList())
        .compose(v -> vertx.timer(millisUntil(window.windowStartNanos())))
        .compose(v -> {
          cpuFrom.set(cpu.sample());
          return vertx.timer(millisUntil(window.windowEndNanos()));
        })
        .compose(v -> {
          cpuTo.set(cpu.sample());
          return Future.succeededFuture();
        })
        .compose(v -> waitUntil(() -> progress.outstanding() <= 0 && verticles.stream().allMatch(LoadVerticle::allSent),
            drainDeadline))
        .compose(v -> Future.all(verticles.stream().map(LoadVerticle::stopSending).toList()))
        .compose(v -> Future.all(verticles.stream().map(LoadVerticle::snapshot).toList()))
        .map(all -> {
          LoadStats total = new LoadStats();
          for (int i = 0; i < all.size(); i++) {
            total.add(all.resultAt(i));
          }
          return LoadReport.of(options, window.windowSeconds(), total, cpuFrom.get(), cpuTo.get());
        });
  }

  private static long millisUntil(long nanos) {
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos - System.nanoTime()));
  }

  /** Completes when {@code done} holds or at {@code deadlineNanos}, whichever comes first. */
  private Future<Void> waitUntil(BooleanSupplier done, long deadlineNanos) {
    Promise<Void> p = Promise.promise();
    if (done.getAsBoolean() || System.nanoTime() - deadlineNanos >= 0) {
      p.complete();
      return p.future();
    }
    vertx.setPeriodic(DRAIN_POLL_MILLIS, id -> {
      if (done.getAsBoolean() || System.nanoTime() - deadlineNanos >= 0) {
        vertx.cancelTimer(id);
        p.tryComplete();
      }
    });
    return p.future();
  }

  private Future<Void> undeployAll(List<String> deployments) {
    List<String> ids;
    synchronized (deployments) {
      ids = List.copyOf(deployments);
    }
    return Future.join(ids.stream().map(vertx::undeploy).toList()).<Void>mapEmpty().otherwiseEmpty();
  }

  /** Upper bound of a whole run, for callers that block on it. */
  public static long runBoundSeconds(LoadOptions o) {
    return 2L * o.connectTimeoutSeconds() + o.warmupSeconds() + o.durationSeconds() + o.drainSeconds() + 30;
  }

  public static void main(String[] args) {
    LoadOptions options;
    try {
      options = LoadOptions.parse(List.of(args));
    } catch (RuntimeException e) {
      System.err.println("c2c-load: " + e.getMessage());
      System.exit(2);
      return;
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(options.threads()));
    int exit = 0;
    try {
      LoadReport report = new C2cLoad(vertx, options).run().await(runBoundSeconds(options), TimeUnit.SECONDS);
      System.out.println(report.toJson());
      System.out.println(report.toHuman());
    } catch (Exception e) {
      System.err.println("c2c-load: run failed against " + options.url() + ": " + e.getMessage());
      exit = 1;
    } finally {
      try {
        vertx.close().await(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println("c2c-load: unclean Vert.x close: " + e);
      }
    }
    System.exit(exit);
  }
}
