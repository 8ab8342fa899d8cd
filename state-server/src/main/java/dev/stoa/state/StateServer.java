package dev.stoa.state;

import dev.stoa.common.Ids;
import dev.stoa.common.CallerContext;
import dev.stoa.common.Lifecycle;
import dev.stoa.common.StoaException;
import dev.stoa.common.metrics.Metrics;
import dev.stoa.proto.client.Code;
import dev.stoa.proto.client.Frame;
import dev.stoa.proto.client.Push;
import dev.stoa.proto.internal.AckRequest;
import dev.stoa.proto.internal.Connection;
import dev.stoa.proto.internal.DeliverReply;
import dev.stoa.proto.internal.DeliverRequest;
import dev.stoa.proto.internal.Empty;
import dev.stoa.proto.internal.Gateway;
import dev.stoa.proto.internal.PushRequest;
import dev.stoa.proto.internal.State;
import dev.stoa.state.impl.DeliveryEngine;
import dev.stoa.state.impl.DeliveryEngine.Delivery;
import dev.stoa.state.impl.DeliveryState;
import dev.stoa.state.impl.RetransmitScheduler;
import dev.stoa.state.impl.StateMetrics;
import io.netty.util.Timeout;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The state server (DESIGN.md §3 "Push"): owns the delivery state of the connections attached to
 * it, pushes each message through the gateway holding the connection (one {@code deliver} call
 * per gateway per push) and retransmits it on a timing wheel, with doubling backoff, until an ack
 * with the matching msgId arrives or the connection is detached. A gateway that answers a
 * connection is closed, or a gateway id the resolver does not know, detaches the connection.
 *
 * <p>Pending pushes persist in {@code <dataDir>/state/<stateServerId>.cmap}; on {@link #start()}
 * every one found there is re-armed on the gateway it was pushed through (the first retransmit
 * after the initial delay), so a restart loses nothing unacked.
 *
 * <p>Threading: all state lives on one lane thread (a platform thread of its own, which also
 * does the Chronicle Map file I/O); every {@link State} method hops onto it. The futures of
 * {@link #attach} and {@link #detach} complete on the caller's context; those of the per-message
 * calls {@link #push} and {@link #ack} complete on the lane thread, so that a message costs its
 * caller's event loop no task for an answer that is only ever logged: their listeners must be
 * thread-safe and must not block. The wheel thread hands a due retransmit straight to the lane,
 * and the lane calls the gateway itself (wheel → lane → gateway: the gateway's binding makes the
 * one hop to the connection's event loop, or to the directory's context for a remote gateway).
 * Calls before {@link #start()} completes or after {@link #stop()} fail UNAVAILABLE. Thread-safe.
 *
 * <p>For the room fan-out beside it ({@link RoomFanout}, same package): {@link #gatewayOf} tells
 * which gateway holds an attached connection, {@link #onDetached} reports every connection that
 * goes away (detached, reported closed by its gateway, or on a gateway the directory does not
 * know), and {@link #closed} detaches connections a gateway reported closed to someone else.
 */
public final class StateServer implements State, Lifecycle {
  private static final Logger LOG = Logger.getLogger(StateServer.class.getName());
  private static final Empty EMPTY = Empty.getDefaultInstance();

  private final Vertx vertx;
  private final String id;
  private final Path file;
  private final StateOptions options;
  private final Function<String, Optional<Gateway>> gateways;
  private final List<LongConsumer> detachListeners = new CopyOnWriteArrayList<>();

  private volatile boolean running;
  private volatile StateMetrics metrics;
  private ExecutorService lane;
  private Future<Void> stopped;
  // lane-confined, set by start()
  private DeliveryState store;
  private RetransmitScheduler wheel;
  private DeliveryEngine engine;

  /**
   * @param stateServerId this server's id in the cluster; also names its file ({@code [A-Za-z0-9_.-]}, ≤ 64)
   * @param dataDir the process data directory; the map goes to {@code dataDir/state/}
   * @param gateways resolves a gateway id to the gateway (in production {@code directory.find(Services.GATEWAY, id)});
   *     called on the lane thread, may block briefly
   */
  public StateServer(Vertx vertx, String stateServerId, Path dataDir, StateOptions options,
      Function<String, Optional<Gateway>> gateways) {
    if (!Ids.isValidId(stateServerId)) {
      throw new IllegalArgumentException("stateServerId: must be 1-" + Ids.MAX_ID_LENGTH
          + " chars of [A-Za-z0-9_.-], got '" + stateServerId + "'");
    }
    this.vertx = vertx;
    this.id = stateServerId;
    this.file = mapFile(dataDir, stateServerId);
    this.options = options;
    this.gateways = gateways;
  }

  /** The file holding the pending pushes of {@code stateServerId}. */
  public static Path mapFile(Path dataDir, String stateServerId) {
    return dataDir.resolve("state").resolve(stateServerId + ".cmap");
  }

  public String id() {
    return id;
  }

  /** Connections attached now (as of the last operation). */
  public long connectionCount() {
    StateMetrics m = metrics;
    return m == null ? 0 : m.connections();
  }

  /** Unacked (connection, message) pairs now (as of the last operation). */
  public long pendingCount() {
    StateMetrics m = metrics;
    return m == null ? 0 : m.pending();
  }

  /**
   * Opens or recovers the map and re-arms what it holds. Call once.
   */
  @Override
  public Future<Void> start() {
    lane = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("stoa-state-" + id).factory());
    return this.<Void>onLaneThread(() -> {
      metrics = new StateMetrics(Metrics.registry(), id);
      try {
        store = DeliveryState.open(file, options.pendingMax());
        wheel = new RetransmitScheduler(id, options.tickMs(), options.retransmitInitialMs(),
            options.retransmitMaxMs());
        engine = new DeliveryEngine(store, wheel, metrics, options.pendingMax(), options.pendingPerConnectionMax(),
            options.retransmitDeferLagMs(),
            this::onTimer, this::gone);
        running = true; // before recover(): its timers may fire while it still runs
        int recovered = engine.recover();
        LOG.info(() -> "state server " + id + " started on " + file + ", " + recovered + " pending pushes re-armed");
      } catch (Exception | Error e) {
        running = false;
        releaseOnLane();
        throw e;
      }
      return null;
    }).recover(e -> {
      lane.shutdown();
      return Future.<Void>failedFuture(new IllegalStateException("state server " + id + ": cannot open " + file
          + ": " + e, e));
    });
  }

  /** Stops retransmitting and closes the map; pending pushes stay in the file for the next start. */
  @Override
  public synchronized Future<Void> stop() {
    if (stopped == null) {
      if (lane == null) {
        stopped = Future.succeededFuture();
      } else {
        running = false;
        stopped = onLaneThread(() -> {
          releaseOnLane();
          return (Void) null;
        }).eventually(() -> {
          lane.shutdown();
          return Future.succeededFuture();
        });
      }
    }
    return stopped;
  }

  @Override
  public Future<Empty> attach(Connection request) {
    if (request.getConnId() == 0 || request.getGatewayId().isEmpty()) {
      return Future.failedFuture(StoaException.badRequest("attach: connId and gatewayId must be set, got connId "
          + request.getConnId() + " gatewayId '" + request.getGatewayId() + "'"));
    }
    return onLane(() -> engine.attach(request.getConnId(), request.getGatewayId()));
  }

  @Override
  public Future<Empty> detach(Connection request) {
    return onLane(() -> engine.detach(request.getConnId()));
  }

  @Override
  public Future<Empty> push(PushRequest request) {
    if (!request.hasMessage() || request.getMessage().getMsgId() == 0) {
      return Future.failedFuture(StoaException.badRequest("push: message.msgId must be set"));
    }
    return onLaneUnbound(() -> engine.push(request.getConnIdsList(), request.getGatewayIdsList(), request.getMessage())
        .forEach(this::dispatch));
  }

  @Override
  public Future<Empty> ack(AckRequest request) {
    return onLaneUnbound(() -> engine.ack(request.getConnId(), request.getMsgId()));
  }

  /**
   * Adds a listener told, on the lane, the id of every connection that goes away. It must return
   * at once (hand work to another thread) and should not throw; add it before {@link #start()}.
   */
  void onDetached(LongConsumer listener) {
    detachListeners.add(listener);
  }

  /** The gateway holding {@code connId} if it is attached here; completes on the caller's context. */
  Future<Optional<String>> gatewayOf(long connId) {
    return runOnLane(() -> engine.gatewayOf(connId));
  }

  /** Detaches those of {@code connIds} still held by {@code gatewayId}: the gateway said they are closed. */
  Future<Empty> closed(String gatewayId, Collection<Long> connIds) {
    return onLane(() -> engine.closed(gatewayId, List.copyOf(connIds)));
  }

  /** On the lane: a connection went away. */
  private void gone(long connId) {
    for (LongConsumer listener : detachListeners) {
      try {
        listener.accept(connId);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "state server " + id + ": detach listener failed for connId " + connId, e);
      }
    }
  }

  private Future<Empty> onLane(Runnable task) {
    return runOnLane(() -> {
      task.run();
      return EMPTY;
    });
  }

  /**
   * Runs {@code task} on the lane like {@link #onLane}, but the returned future completes on the
   * lane thread instead of hopping back to the caller's context (nothing listens to the future of
   * the worker call itself, so Vert.x queues no task for it).
   */
  private Future<Empty> onLaneUnbound(Runnable task) {
    Promise<Empty> done = Promise.promise();
    if (!execute(() -> {
      try {
        requireRunning();
        task.run();
        done.complete(EMPTY);
      } catch (Throwable t) {
        done.fail(t);
      }
    })) {
      return Future.failedFuture(unavailable());
    }
    return done.future();
  }

  /** Feeds {@code task} to the lane for its effect, from any thread; a failure is logged. */
  private void submit(Runnable task) {
    execute(() -> {
      try {
        requireRunning();
        task.run();
      } catch (Throwable t) {
        if (running) {
          LOG.log(Level.WARNING, "state server " + id + ": lane task failed", t);
        }
      }
    });
  }

  /** Queues {@code task} on the lane; false if this server is not running or its lane is closed. */
  private boolean execute(Runnable task) {
    if (!running) {
      return false;
    }
    try {
      lane.execute(task);
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  /** Runs {@code task} on the lane if this server is running then; fails UNAVAILABLE otherwise. */
  private <T> Future<T> runOnLane(Callable<T> task) {
    return queueOnLane(() -> {
      requireRunning();
      return task.call();
    });
  }

  /**
   * Hands {@code task} to the lane thread; its future completes on the caller's context. Fails
   * UNAVAILABLE at once if this server is not running or its lane is closed.
   */
  private <T> Future<T> queueOnLane(Callable<T> task) {
    if (!running) {
      return Future.failedFuture(unavailable());
    }
    return onLaneThread(task);
  }

  /**
   * Runs {@code task} on the lane thread, whether or not this server is running; the future
   * completes on the caller's context ({@link CallerContext}). A lane that no longer takes tasks
   * fails it UNAVAILABLE.
   */
  private <T> Future<T> onLaneThread(Callable<T> task) {
    Context caller = CallerContext.current();
    Promise<T> done = Promise.promise();
    try {
      lane.execute(() -> {
        try {
          done.complete(task.call());
        } catch (Throwable t) {
          done.fail(t);
        }
      });
    } catch (RejectedExecutionException e) { // the lane closed between the check and the call
      return Future.failedFuture(unavailable());
    }
    return CallerContext.completeOn(caller, done.future());
  }

  /** On the lane: a task queued before {@link #stop()} but run after it fails UNAVAILABLE. */
  private void requireRunning() {
    if (!running) {
      throw unavailable();
    }
  }

  /** On the wheel thread: hand the retransmit to the lane, never work here; the lane learns how long that took. */
  private void onTimer(long connId, long msgId, Timeout timeout) {
    long firedAt = System.nanoTime();
    submit(() -> {
      long lagMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - firedAt);
      engine.retransmit(connId, msgId, timeout, lagMs).ifPresent(this::dispatch);
    });
  }

  /**
   * On the lane: resolve the gateway and call it from here; the directory's binding hops only
   * where it must (a gateway in this process takes the call on any thread, a remote one is called
   * from the directory's context).
   */
  private void dispatch(Delivery delivery) {
    Optional<Gateway> gateway;
    try {
      gateway = gateways.apply(delivery.gatewayId());
    } catch (RuntimeException e) {
      metrics.deliverFailed();
      LOG.log(Level.FINE, "state server " + id + ": resolving gateway " + delivery.gatewayId() + " failed", e);
      return;
    }
    if (gateway.isEmpty()) {
      LOG.fine(() -> "state server " + id + ": gateway " + delivery.gatewayId() + " unknown; detaching connIds "
          + delivery.connIds());
      engine.closed(delivery.gatewayId(), delivery.connIds());
      return;
    }
    DeliverRequest request = DeliverRequest.newBuilder()
        .addAllConnIds(delivery.connIds())
        .setFrame(Frame.newBuilder().setPush(Push.newBuilder().setMessage(delivery.message())))
        .build();
    call(gateway.get(), delivery, request);
  }

  private void call(Gateway gateway, Delivery delivery, DeliverRequest request) {
    Future<DeliverReply> reply;
    try {
      reply = gateway.deliver(request);
    } catch (RuntimeException e) {
      reply = Future.failedFuture(e);
    }
    reply.onComplete(ar -> {
      // the usual answer (delivered, nothing closed) leaves the engine as it is: no lane task for it
      if (ar.failed() || ar.result().getClosedConnIdsCount() > 0) {
        submit(() -> onReply(delivery, ar));
      }
    });
  }

  /** On the lane. A failed call is retried by the armed retransmit timers. */
  private void onReply(Delivery delivery, AsyncResult<DeliverReply> result) {
    if (result.failed()) {
      metrics.deliverFailed();
      LOG.log(Level.FINE, "state server " + id + ": deliver to gateway " + delivery.gatewayId() + " for connIds "
          + delivery.connIds() + " failed", result.cause());
      return;
    }
    List<Long> closed = result.result().getClosedConnIdsList();
    if (!closed.isEmpty()) {
      engine.closed(delivery.gatewayId(), closed);
    }
  }

  private void releaseOnLane() {
    if (wheel != null) {
      wheel.stop();
    }
    if (engine != null) {
      engine.cancelAll();
    }
    if (store != null) {
      store.close();
    }
    if (metrics != null) {
      metrics.close();
    }
  }

  private StoaException unavailable() {
    return new StoaException(Code.UNAVAILABLE, "state server " + id + " is not running");
  }
}
