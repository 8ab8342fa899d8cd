package dev.stoa.bench;

import dev.stoa.bench.impl.BinaryStoaCodec;
import dev.stoa.bench.impl.JsonStoaCodec;
import dev.stoa.bench.impl.RoomProgress;
import dev.stoa.bench.impl.RoomStats;
import dev.stoa.bench.impl.RoomVerticle;
import dev.stoa.bench.impl.RunWindow;
import dev.stoa.bench.impl.TokenFetcher;
import io.vertx.core.CompositeFuture;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The room fan-out load generator (issue 3, "Speed"): {@code members} users, each on its own
 * WebSocket connection, join one room; the first {@code publishers} of them also send to it, open
 * loop at {@code rate} messages/s in total, each body stamped with its intended send time; every
 * member records the publish-to-deliver latency of every push in an HdrHistogram and checks seqs
 * (duplicates, order, gaps). The run is: mint one token per member ({@code POST /v1/tokens}, in
 * batches of {@value #TOKEN_BATCH}), connect and join every member ({@code connect-concurrency}
 * handshakes at a time), {@code warmup} seconds unmeasured, {@code duration} seconds measured,
 * then up to {@code drain} seconds until every message of the window is answered and every acked
 * one has reached every member. User ids ({@code r<tag>-<i>}) and, unless {@code --room} is
 * given, the room ({@code bench-<tag>}) are fresh per run, so runs against one node never collide
 * and each room starts at seq 1.
 *
 * <p>{@code main} prints the {@link RoomReport} as one JSON line and one human line; exit code 1
 * when the run failed (with the reason on stderr), 2 for bad flags. Usage: {@code RoomLoad
 * --admin-secret=S [--url=ws://127.0.0.1:8080/v1/ws] [--http=http://127.0.0.1:8080]
 * [--members=500] [--connections=<members>] [--publishers=1] [--rate=10] [--duration=10]
 * [--warmup=3] [--drain=10] [--body-bytes=64] [--threads=<cores>] [--encoding=json|binary]
 * [--connect-concurrency=64] [--connect-timeout=300] [--room=<id>]}.
 */
public final class RoomLoad {
  /** Delay between the last member joining and the first intended send. */
  static final long START_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
  static final long DRAIN_POLL_MILLIS = 20;
  /** Users whose tokens are minted by one {@link TokenFetcher} call (itself 8 requests at a time). */
  static final int TOKEN_BATCH = 500;

  private final Vertx vertx;
  private final RoomLoadOptions options;

  public RoomLoad(Vertx vertx, RoomLoadOptions options) {
    this.vertx = vertx;
    this.options = options;
  }

  /** Runs once; fails when tokens cannot be minted or members cannot join within the connect timeout. */
  public Future<RoomReport> run() {
    String tag = Long.toString(System.currentTimeMillis(), 36) + Integer.toString(ThreadLocalRandom.current().nextInt(1296), 36);
    String room = options.room().isEmpty() ? "bench-" + tag : options.room();
    List<String> users = new ArrayList<>(options.members());
    for (int i = 0; i < options.members(); i++) {
      users.add("r" + tag + "-" + i);
    }
    long setupStart = System.nanoTime();
    RoomProgress progress = new RoomProgress();
    List<RoomVerticle> verticles = new ArrayList<>();
    List<String> deployments = new ArrayList<>();
    Future<RoomReport> report = tokens(users, 0, new HashMap<>())
        .timeout(options.connectTimeoutSeconds(), TimeUnit.SECONDS)
        .compose(tok -> deploy(room, users, tok, progress, verticles, deployments)
            .timeout(options.connectTimeoutSeconds(), TimeUnit.SECONDS))
        .compose(v -> load(room, (System.nanoTime() - setupStart) / 1e9, verticles, progress));
    return report.eventually(() -> undeployAll(deployments));
  }

  private Future<Map<String, String>> tokens(List<String> users, int from, Map<String, String> into) {
    if (from >= users.size()) {
      return Future.succeededFuture(into);
    }
    List<String> batch = users.subList(from, Math.min(users.size(), from + TOKEN_BATCH));
    return TokenFetcher.fetch(vertx, options.http(), options.adminSecret(), batch, options.deviceId(),
            options.connectTimeoutSeconds())
        .compose(got -> {
          into.putAll(got);
          return tokens(users, from + TOKEN_BATCH, into);
        });
  }

  private Future<Void> deploy(String room, List<String> users, Map<String, String> tokens, RoomProgress progress,
      List<RoomVerticle> verticles, List<String> deployments) {
    int loops = Math.min(options.threads(), options.members());
    List<List<RoomVerticle.MemberSpec>> slices = new ArrayList<>();
    for (int t = 0; t < loops; t++) {
      slices.add(new ArrayList<>());
    }
    for (int i = 0; i < users.size(); i++) {
      String user = users.get(i);
      slices.get(i % loops).add(new RoomVerticle.MemberSpec(user, tokens.get(user), i < options.publishers() ? i : -1));
    }
    RoomVerticle.Settings settings = new RoomVerticle.Settings(options.url(), options.deviceId(), room,
        options.room().isEmpty(),
        options.encoding() == LoadOptions.Encoding.BINARY ? new BinaryStoaCodec() : new JsonStoaCodec(),
        options.bodyBytes(), Math.max(1, options.connectConcurrency() / loops), options.connectTimeoutSeconds(),
        options.pingSeconds(), options.publishers(), options.rate());
    List<Future<String>> all = new ArrayList<>();
    for (List<RoomVerticle.MemberSpec> slice : slices) {
      RoomVerticle v = new RoomVerticle(settings, slice, progress);
      verticles.add(v);
      all.add(vertx.deployVerticle(v).onSuccess(id -> {
        synchronized (deployments) {
          deployments.add(id);
        }
      }));
    }
    return Future.join(all).recover(e -> Future.failedFuture(new IllegalStateException("room " + room + " at "
        + options.url() + ": " + firstCause(all), e))).mapEmpty();
  }

  private static String firstCause(List<Future<String>> all) {
    return all.stream().filter(Future::failed).map(f -> f.cause().getMessage()).findFirst().orElse("unknown");
  }

  private Future<RoomReport> load(String room, double setupSeconds, List<RoomVerticle> verticles,
      RoomProgress progress) {
    long t0 = System.nanoTime() + START_DELAY_NANOS;
    long windowStart = t0 + TimeUnit.SECONDS.toNanos(options.warmupSeconds());
    RunWindow window = new RunWindow(t0, windowStart, windowStart + TimeUnit.SECONDS.toNanos(options.durationSeconds()));
    long drainDeadline = window.windowEndNanos() + TimeUnit.SECONDS.toNanos(options.drainSeconds());
    return Future.all(verticles.stream().map(v -> v.begin(window)).toList())
        .compose(v -> vertx.timer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(window.windowEndNanos() - System.nanoTime()))))
        .compose(v -> waitUntil(() -> verticles.stream().allMatch(RoomVerticle::allSent)
            && progress.settled(options.members()), drainDeadline))
        .compose(v -> Future.all(verticles.stream().map(RoomVerticle::stopSending).toList()))
        .compose(v -> Future.all(verticles.stream().map(RoomVerticle::snapshot).toList()))
        .map(RoomLoad::merge)
        .compose(firstPass -> Future.all(verticles.stream().map(x -> x.snapshot(firstPass.maxAckedSeq())).toList()))
        .map(all -> RoomReport.of(options, room, setupSeconds, window.windowSeconds(), merge(all)));
  }

  private static RoomStats merge(CompositeFuture all) {
    RoomStats total = new RoomStats();
    for (int i = 0; i < all.size(); i++) {
      total.add(all.resultAt(i));
    }
    return total;
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
  public static long runBoundSeconds(RoomLoadOptions o) {
    return 2L * o.connectTimeoutSeconds() + o.warmupSeconds() + o.durationSeconds() + o.drainSeconds() + 60;
  }

  public static void main(String[] args) {
    RoomLoadOptions options;
    try {
      options = RoomLoadOptions.parse(List.of(args));
    } catch (RuntimeException e) {
      System.err.println("room-load: " + e.getMessage());
      System.exit(2);
      return;
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(options.threads()));
    int exit = 0;
    try {
      RoomReport report = new RoomLoad(vertx, options).run().await(runBoundSeconds(options), TimeUnit.SECONDS);
      System.out.println(report.toJson());
      System.out.println(report.toHuman());
    } catch (Exception e) {
      System.err.println("room-load: run of " + options.members() + " members against " + options.url()
          + " failed: " + e.getMessage());
      exit = 1;
    } finally {
      try {
        vertx.close().await(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println("room-load: unclean Vert.x close: " + e);
      }
    }
    System.exit(exit);
  }
}
