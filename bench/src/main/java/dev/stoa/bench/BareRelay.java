package dev.stoa.bench;

import dev.stoa.bench.impl.RelayVerticle;
import dev.stoa.common.Lifecycle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.ServerWebSocket;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The baseline of the c2c benchmark: a minimal Vert.x WebSocket server with no storage that pairs
 * connections and forwards each frame to the peer. A client connects to
 * {@code ws://host:port/relay?me=<id>&peer=<id>}; every text frame it sends is written as-is to the
 * connection registered as {@code peer}, and dropped when that peer is not connected. A second
 * connection with the same {@code me} replaces the first. It is what any WebSocket chat server must
 * at least do, so Stoa's delivered messages/s is quoted as a fraction of this one's.
 *
 * <p>Usage: {@code BareRelay [--port=9090] [--instances=<cores>] [--host=127.0.0.1]}. Thread-safe;
 * {@link #start()} and {@link #stop()} are called once.
 */
public final class BareRelay implements Lifecycle {
  private final Vertx vertx;
  private final RelayOptions options;
  private final ConcurrentMap<String, ServerWebSocket> registry = new ConcurrentHashMap<>();
  private final LongAdder forwarded = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final List<RelayVerticle> verticles = new CopyOnWriteArrayList<>();
  private volatile String deploymentId;

  public BareRelay(Vertx vertx, RelayOptions options) {
    this.vertx = vertx;
    this.options = options;
  }

  @Override
  public Future<Void> start() {
    return vertx.deployVerticle(() -> {
          RelayVerticle v = new RelayVerticle(options.host(), options.port(), registry, forwarded, dropped);
          verticles.add(v);
          return v;
        }, new DeploymentOptions().setInstances(options.instances()))
        .onSuccess(id -> deploymentId = id)
        .mapEmpty();
  }

  @Override
  public Future<Void> stop() {
    String id = deploymentId;
    return id == null ? Future.succeededFuture() : vertx.undeploy(id);
  }

  /** The port clients connect to (the bound one when {@link RelayOptions#port()} was 0). */
  public int port() {
    if (verticles.isEmpty()) {
      throw new IllegalStateException("relay not started");
    }
    return verticles.getFirst().actualPort();
  }

  /** Frames forwarded to a connected peer so far. */
  public long forwarded() {
    return forwarded.sum();
  }

  /** Frames dropped because the peer was not connected. */
  public long dropped() {
    return dropped.sum();
  }

  public static void main(String[] args) throws Exception {
    RelayOptions options;
    try {
      options = RelayOptions.parse(List.of(args));
    } catch (RuntimeException e) {
      System.err.println("bare-relay: " + e.getMessage());
      System.exit(2);
      return;
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(options.instances()));
    BareRelay relay = new BareRelay(vertx, options);
    try {
      relay.start().await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("bare-relay: cannot start on " + options.host() + ":" + options.port() + ": " + e);
      vertx.close();
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        relay.stop().await(10, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println("bare-relay: unclean stop: " + e);
      } finally {
        System.out.println("bare-relay: stopped; forwarded=" + relay.forwarded() + " dropped=" + relay.dropped());
        stopped.countDown();
      }
    }, "bare-relay-shutdown"));
    System.out.println("bare-relay: listening on ws://" + options.host() + ":" + relay.port()
        + "/relay with " + options.instances() + " event-loop instances");
    stopped.await();
  }
}
