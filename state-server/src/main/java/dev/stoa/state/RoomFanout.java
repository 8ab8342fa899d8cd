package dev.stoa.state;

import dev.stoa.common.Ids;
import dev.stoa.common.Lifecycle;
import dev.stoa.common.StoaException;
import dev.stoa.common.metrics.Metrics;
import dev.stoa.proto.client.Code;
import dev.stoa.proto.internal.Empty;
import dev.stoa.proto.internal.Gateway;
import dev.stoa.proto.internal.Index;
import dev.stoa.proto.internal.RoomClosedNotice;
import dev.stoa.proto.internal.RoomMembership;
import dev.stoa.proto.internal.RoomReply;
import dev.stoa.proto.internal.Rooms;
import dev.stoa.router.RoomTable;
import dev.stoa.router.RoomTable.Membership;
import dev.stoa.state.impl.LocalRoom;
import dev.stoa.state.impl.LocalRoom.Member;
import dev.stoa.state.impl.LocalRooms;
import dev.stoa.state.impl.RoomJoins;
import dev.stoa.state.impl.RoomJoins.Action;
import dev.stoa.state.impl.RoomJoins.Join;
import dev.stoa.state.impl.RoomMetrics;
import dev.stoa.state.impl.RoomPoller;
import io.netty.util.HashedWheelTimer;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The room fan-out of one state server (DESIGN.md §3 "Send, eventual", "Push"): the {@link Rooms}
 * service through which gateways join and leave the connections attached to the
 * {@link StateServer} beside it, and the poller that reads every room with local members from the
 * index server and pushes new messages to them. Rooms are best effort (PROTOCOL.md): no pending
 * state, no retransmit; a member that misses something pulls it from the ring.
 *
 * <p><b>Join</b> ({@code connId}, {@code userId}, {@code roomId}): bad ids are answered
 * BAD_REQUEST naming the field; a connection not attached to the state server NOT_FOUND; a
 * connection already in {@link StateOptions#roomJoinsMax()} rooms BAD_REQUEST (a quota, not a
 * rate: retrying does not help, leaving a room does), and so is a user already in
 * {@link StateOptions#roomUserJoinsMax()} rooms over all its connections (the {@link RoomTable}
 * checks and records the join in one atomic step); both name their config key and are counted in
 * {@code stoa_state_room_joins_refused_total}. Otherwise the membership is written to the
 * {@link RoomTable} (which writers and readers check), and if the room has no local member yet
 * its newest seq is read from the index ({@code Read(room:<id>, afterSeq 0, limit 0)},
 * {@code latest_seq}) so that members get exactly the messages after it; then it is OK. A failure
 * of the room table or of that read answers UNAVAILABLE (retry) and leaves nothing behind.
 * Joining twice is OK. <b>Leave</b> removes the local membership and the room table's (OK even if
 * it was not a member; UNAVAILABLE if the room table failed, retrying completes it). A leave, a
 * detach or a close that overtakes a join in flight wins. <b>Closed</b> drops the room locally and
 * touches nothing else (the closer dropped the room table's entries). A connection that goes away
 * from the state server, or that a gateway reports closed, leaves all its rooms. Every decision on
 * a join in flight is {@link RoomJoins}' (its Javadoc has the transition table); this class
 * carries them out.
 *
 * <p><b>Poll.</b> Every {@link StateOptions#roomPollMs()} each room with local members that has no
 * read in flight is read after its cursor ({@link StateOptions#roomReadMax()} messages at most);
 * a full answer ({@code has_more}) is followed by the next read at once. Messages are fanned out
 * in seq order and the cursor moves to the last one. When the ring no longer holds cursor+1
 * ({@code oldest_seq > cursor + 1}) the cursor skips ahead and the jump is counted. A read that
 * fails, answers an error code or gets no answer within {@value RoomPoller#READ_TIMEOUT_SECONDS} s
 * is counted, logged at most every {@value RoomPoller#LOG_EVERY_SECONDS} s, and tried again at the
 * next tick; NOT_FOUND reads as "nothing yet". The tick comes from a timing wheel (a Netty
 * {@code HashedWheelTimer} with {@value #WHEEL_TICK_MS} ms slots, one thread per fan-out), one
 * timeout per tick for all rooms, re-armed after each; the tick itself runs on this fan-out's
 * context, which owns the room state.
 *
 * <p><b>Fan-out.</b> A room's members sit in lanes ({@link LocalRoom}: one lane below 64 members,
 * else {@link StateOptions#roomLanes()} lanes by hash of the connection id), grouped by gateway.
 * Each batch of messages read becomes one task per lane with members, queued on this fan-out's
 * context in read order; a lane task makes one {@code Gateway.deliver} per (gateway, message) of
 * its members, so a big room's fan-out is cut into small tasks interleaved with everything else
 * on the event loop, never one long loop. Deliver calls are async and not retried; connections a
 * gateway reports in {@code closed_conn_ids}, or held by a gateway the directory no longer knows,
 * leave every room and are detached from the state server. Every {@code routeTtl / 3} the
 * local memberships are refreshed in the room table, so those of a crashed server age out.
 *
 * <p>Threading: all room state is confined to the Vert.x context captured at {@link #start()}
 * (call it from a non-Vert.x thread or from the context it should use); the {@link Rooms}
 * methods hop onto it and their futures complete on the caller's context. Calls before
 * {@link #start()} or after {@link #stop()} answer UNAVAILABLE. Memberships are in memory only:
 * a restarted state server has none (its clients rejoin; the room table's entries age out).
 * Thread-safe.
 */
public final class RoomFanout implements Rooms, Lifecycle {
  private static final Logger LOG = Logger.getLogger(RoomFanout.class.getName());
  private static final RoomReply OK = RoomReply.newBuilder().setCode(Code.OK).build();

  private final Vertx vertx;
  private final StateServer server;
  private final String id;
  private final StateOptions options;
  private final RoomTable roomTable;
  private final Supplier<Index> index;
  private final Function<String, Optional<Gateway>> gateways;
  private final long refreshMs;

  private volatile boolean running;
  private volatile RoomMetrics metrics;
  private volatile Context context;
  private Future<Void> stopped;
  // confined to context
  private LocalRooms rooms;
  private RoomPoller poller;
  private final RoomJoins joins;
  /** The reply of each join in flight not answered yet. */
  private final Map<Join, Promise<RoomReply>> replies = new HashMap<>();
  static final long WHEEL_TICK_MS = 10;
  /** The poll-tick wheel; created at start, stopped at stop. */
  private volatile HashedWheelTimer wheel;
  private long refreshTimer = -1;

  /**
   * @param server the state server whose connections join rooms here; construct this before
   *     starting it (this registers for its detaches)
   * @param roomTable where memberships are published for writers and readers
   * @param index the index server to read rooms from, looked up on every read (in production
   *     {@code directory.any(Services.INDEX)})
   * @param gateways resolves a gateway id (in production {@code directory.find(Services.GATEWAY, id)}); called
   *     on the event loop, must not block
   * @param routeTtl the room table's TTL ({@code RouterOptions.routeTtl()}); memberships are
   *     refreshed every third of it
   */
  public RoomFanout(Vertx vertx, StateServer server, StateOptions options, RoomTable roomTable,
      Supplier<Index> index, Function<String, Optional<Gateway>> gateways, Duration routeTtl) {
    if (routeTtl.isNegative() || routeTtl.isZero()) {
      throw new IllegalArgumentException("routeTtl: must be positive, got " + routeTtl);
    }
    this.vertx = vertx;
    this.server = server;
    this.id = server.id();
    this.options = options;
    this.roomTable = roomTable;
    this.index = index;
    this.gateways = gateways;
    this.refreshMs = Math.max(1, routeTtl.toMillis() / 3);
    this.joins = new RoomJoins(options.roomJoinsMax());
    server.onDetached(this::detached);
  }

  /** Rooms with local members now (as of the last change). */
  public long roomCount() {
    RoomMetrics m = metrics;
    return m == null ? 0 : m.rooms();
  }

  /** Local (connection, room) memberships now (as of the last change). */
  public long membershipCount() {
    RoomMetrics m = metrics;
    return m == null ? 0 : m.memberships();
  }

  private static HashedWheelTimer newWheel(String id) {
    HashedWheelTimer timer = new HashedWheelTimer(runnable -> {
      Thread thread = new Thread(runnable, "stoa-state-room-wheel-" + id);
      thread.setDaemon(true);
      return thread;
    }, WHEEL_TICK_MS, TimeUnit.MILLISECONDS, 64);
    timer.start();
    return timer;
  }

  /** Arms the next poll tick on the wheel; the tick runs on {@code ctx} and re-arms itself. */
  private void armTick(Context ctx) {
    HashedWheelTimer w = wheel;
    try {
      w.newTimeout(timeout -> ctx.runOnContext(v -> {
        if (running && wheel == w) {
          try {
            poller.tick();
          } finally {
            armTick(ctx);
          }
        }
      }), options.roomPollMs(), TimeUnit.MILLISECONDS);
    } catch (IllegalStateException stopped) {
      // the wheel was stopped: no more ticks
    }
  }

  @Override
  public synchronized Future<Void> start() {
    if (context != null) {
      return Future.failedFuture(new IllegalStateException("room fan-out of " + id + " already started"));
    }
    Context ctx = vertx.getOrCreateContext();
    context = ctx;
    Promise<Void> started = Promise.promise();
    ctx.runOnContext(v -> {
      metrics = new RoomMetrics(Metrics.registry(), id);
      rooms = new LocalRooms(options.roomLanes());
      poller = new RoomPoller(id, ctx, rooms, metrics, options.roomReadMax(), index, gateways, this::gone);
      wheel = newWheel(id);
      armTick(ctx);
      refreshTimer = vertx.setPeriodic(refreshMs, t -> refresh());
      running = true;
      started.complete();
    });
    return started.future();
  }

  /** Stops polling and forgets every membership (the room table's entries age out). */
  @Override
  public synchronized Future<Void> stop() {
    if (stopped == null) {
      Context ctx = context;
      if (ctx == null) {
        stopped = Future.succeededFuture();
      } else {
        running = false;
        Promise<Void> done = Promise.promise();
        ctx.runOnContext(v -> {
          wheel.stop();
          vertx.cancelTimer(refreshTimer);
          poller.stop();
          for (Join join : joins.stop()) {
            answer(join, overtaken(join));
          }
          rooms = new LocalRooms(options.roomLanes());
          if (metrics != null) {
            metrics.close();
          }
          done.complete();
        });
        stopped = done.future();
      }
    }
    return stopped;
  }

  @Override
  public Future<RoomReply> join(RoomMembership request) {
    return onContext(() -> doJoin(request), () -> Future.succeededFuture(unavailable()));
  }

  @Override
  public Future<RoomReply> leave(RoomMembership request) {
    return onContext(() -> doLeave(request), () -> Future.succeededFuture(unavailable()));
  }

  /** Drops the room locally; a bad roomId fails BAD_REQUEST, a call while not running UNAVAILABLE. */
  @Override
  public Future<Empty> closed(RoomClosedNotice notice) {
    return onContext(() -> {
      String roomId = notice.getRoomId();
      Ids.requireId("roomId", roomId);
      joins.closed(roomId);
      int dropped = rooms.removeRoom(roomId);
      updateGauges();
      LOG.fine(() -> "state server " + id + ": room " + roomId + " closed, " + dropped + " local membership(s) dropped");
      return Future.succeededFuture(Empty.getDefaultInstance());
    }, () -> Future.failedFuture(new StoaException(Code.UNAVAILABLE, notRunning())));
  }

  // ---- join / leave ----

  private Future<RoomReply> doJoin(RoomMembership request) {
    long connId = request.getConnId();
    String roomId = request.getRoomId();
    String userId = request.getUserId();
    if (connId == 0) {
      return Future.succeededFuture(reply(Code.BAD_REQUEST, "connId: must be set to join a room"));
    }
    try {
      Ids.requireId("roomId", roomId);
      Ids.requireId("userId", userId);
    } catch (StoaException e) {
      return Future.succeededFuture(reply(e.code(), e.getMessage()));
    }
    Action action = joins.join(connId, userId, roomId, rooms.isMember(connId, roomId), rooms.roomsOf(connId));
    return switch (action) {
      case ANSWER_OK -> Future.succeededFuture(OK);
      case SHARE -> replies.get(joins.inFlight(connId, roomId)).future();
      case REFUSE_CONNECTION -> {
        metrics.joinsRefusedConnection.increment();
        int joined = rooms.roomsOf(connId) + joins.joining(connId);
        yield Future.succeededFuture(reply(Code.BAD_REQUEST, "roomId: connection " + connId + " is in " + joined
            + " rooms, the most '" + StateOptions.ROOM_JOINS_MAX.name() + "' (" + options.roomJoinsMax()
            + ") allows; leave one first"));
      }
      case LOOK_UP -> {
        Join join = joins.inFlight(connId, roomId);
        Promise<RoomReply> reply = Promise.promise();
        replies.put(join, reply);
        then(server.gatewayOf(connId), found -> afterLookup(join, found));
        yield reply.future();
      }
      default -> throw new IllegalStateException(action + " is no answer to a join request");
    };
  }

  private void afterLookup(Join join, AsyncResult<Optional<String>> found) {
    noticeStop(join);
    carryOut(join, found.succeeded() ? joins.lookedUp(join, found.result()) : joins.failed(join, false),
        () -> reply(unavailableUnlessStoa(found.cause()), "connId: cannot look up connection " + join.connId()
            + " on state server " + id + ": " + found.cause().getMessage()), 0);
  }

  private void afterRecord(Join join, AsyncResult<RoomTable.Admission> written) {
    noticeStop(join);
    boolean roomHasMembers = rooms.room(join.roomId()) != null;
    if (written.failed()) {
      carryOut(join, joins.failed(join, roomHasMembers), () -> reply(unavailableUnlessStoa(written.cause()),
          "roomId: cannot record connection " + join.connId() + " in room " + join.roomId() + ": "
          + written.cause().getMessage()), 0);
    } else {
      carryOut(join, joins.recorded(join, written.result().admitted(), roomHasMembers), () -> reply(Code.BAD_REQUEST,
          "roomId: user '" + join.userId() + "' is in " + written.result().roomsOfUser() + " rooms, the most '"
          + StateOptions.ROOM_USER_JOINS_MAX.name() + "' (" + options.roomUserJoinsMax() + ") allows; leave one first"),
          0);
    }
  }

  private void afterHead(Join join, AsyncResult<Long> head) {
    noticeStop(join);
    carryOut(join, head.succeeded() ? joins.headRead(join) : joins.failed(join, rooms.room(join.roomId()) != null),
        () -> reply(unavailableUnlessStoa(head.cause()), "roomId: cannot read the newest seq of room:"
            + join.roomId() + " from the index server: " + head.cause().getMessage()),
        head.succeeded() ? head.result() : 0);
  }

  /** A call's answer that comes after {@link #stop()} began finds the join overtaken by the stop. */
  private void noticeStop(Join join) {
    if (!running) {
      joins.stopped(join);
    }
  }

  /**
   * Carries out {@code action} on {@code join}: {@code failure} is the answer of FAIL, UNDO_FAIL
   * and REFUSE_USER, {@code cursor} the read cursor of a room ADMIT creates.
   */
  private void carryOut(Join join, Action action, Supplier<RoomReply> failure, long cursor) {
    switch (action) {
      case RECORD -> then(roomTable.join(join.roomId(), join.userId(), join.connId(), options.roomUserJoinsMax()),
          written -> afterRecord(join, written));
      case READ_HEAD -> then(poller.head(join.roomId()), head -> afterHead(join, head));
      case ADMIT -> {
        rooms.add(join.roomId(), cursor, new Member(join.connId(), join.userId(), join.gatewayId()));
        updateGauges();
        answer(join, OK);
      }
      case NOT_ATTACHED -> answer(join, reply(Code.NOT_FOUND, "connId: connection " + join.connId()
          + " is not attached to state server " + id));
      case REFUSE_USER -> {
        metrics.joinsRefusedUser.increment();
        answer(join, failure.get());
      }
      case FAIL -> answer(join, failure.get());
      case UNDO_FAIL -> {
        undoTable(join);
        answer(join, failure.get());
      }
      case OVERTAKEN -> answer(join, overtaken(join));
      case UNDO_OVERTAKEN -> {
        undoTable(join);
        answer(join, overtaken(join));
      }
      case ANSWER_OK, SHARE, REFUSE_CONNECTION, LOOK_UP ->
          throw new IllegalStateException(action + " is no answer to a call of a " + join);
    }
  }

  private void answer(Join join, RoomReply reply) {
    Promise<RoomReply> promise = replies.remove(join);
    if (promise != null) {
      promise.complete(reply);
    }
  }

  private RoomReply overtaken(Join join) {
    return switch (join.overtaker()) {
      case LEFT, CLOSED -> OK; // the join happened, then the leave or the close
      case DETACHED -> reply(Code.NOT_FOUND, "connId: connection " + join.connId() + " went away from state server "
          + id + " while joining room " + join.roomId());
      case STOPPED -> unavailable();
    };
  }

  private void undoTable(Join join) {
    roomTable.leave(join.roomId(), join.userId(), join.connId()).onFailure(e -> LOG.log(Level.FINE, "state server "
        + id + ": undoing the room table join of connection " + join.connId() + " to room " + join.roomId()
        + " failed", e));
  }

  private Future<RoomReply> doLeave(RoomMembership request) {
    long connId = request.getConnId();
    String roomId = request.getRoomId();
    if (connId == 0) {
      return Future.succeededFuture(reply(Code.BAD_REQUEST, "connId: must be set to leave a room"));
    }
    try {
      Ids.requireId("roomId", roomId);
    } catch (StoaException e) {
      return Future.succeededFuture(reply(e.code(), e.getMessage()));
    }
    joins.left(connId, roomId);
    Optional<Member> left = rooms.remove(connId, roomId);
    updateGauges();
    String userId = left.map(Member::userId).orElse(request.getUserId());
    if (!Ids.isValidId(userId)) {
      return Future.succeededFuture(OK); // not a member here, and no user to clean the room table for
    }
    Promise<RoomReply> reply = Promise.promise();
    then(roomTable.leave(roomId, userId, connId), ar -> reply.complete(ar.succeeded() ? OK
        : reply(unavailableUnlessStoa(ar.cause()), "roomId: connection " + connId + " left room " + roomId
            + " here but the room table failed (retry): " + ar.cause().getMessage())));
    return reply.future();
  }

  /** Lane thread of the state server: hop. */
  private void detached(long connId) {
    Context ctx = context;
    if (running && ctx != null) {
      ctx.runOnContext(v -> {
        if (running) {
          leaveAll(connId, null);
        }
      });
    }
  }

  /** Removes {@code connId} from every room and every join in flight (only if held by {@code gatewayId}, when set). */
  private void leaveAll(long connId, String gatewayId) {
    joins.detached(connId, gatewayId);
    List<Membership> left = rooms.removeConnection(connId, gatewayId);
    if (left.isEmpty()) {
      return;
    }
    updateGauges();
    for (Membership m : left) {
      roomTable.leave(m.roomId(), m.userId(), m.connId()).onFailure(e -> LOG.log(Level.FINE, "state server " + id
          + ": room table leave of connection " + m.connId() + " from room " + m.roomId() + " failed", e));
    }
  }

  /** On the context: {@code gatewayId} no longer holds {@code connIds}; they leave every room and the state server. */
  private void gone(String gatewayId, List<Long> connIds) {
    if (!running) {
      return;
    }
    for (long connId : connIds) {
      leaveAll(connId, gatewayId);
    }
    server.closed(gatewayId, connIds).onFailure(e -> LOG.log(Level.FINE, "state server " + id
        + ": detaching connections closed on gateway " + gatewayId + " failed", e));
  }

  // ---- refresh ----

  private void refresh() {
    if (!running || rooms.membershipCount() == 0) {
      return;
    }
    List<Membership> all = rooms.memberships();
    roomTable.refresh(all).onFailure(e -> LOG.log(Level.WARNING, "state server " + id + ": refreshing "
        + all.size() + " room membership(s) in the room table failed; retried in " + refreshMs + " ms", e));
  }

  // ---- plumbing ----

  /**
   * Runs {@code task} on the context if running (else {@code whenStopped}) and completes the
   * returned future on the caller's context with its outcome.
   */
  private <T> Future<T> onContext(Supplier<Future<T>> task, Supplier<Future<T>> whenStopped) {
    Context ctx = context;
    if (!running || ctx == null) {
      return whenStopped.get();
    }
    Context caller = Vertx.currentContext();
    Promise<T> result = Promise.promise();
    ctx.runOnContext(v -> {
      Future<T> outcome;
      try {
        outcome = running ? task.get() : whenStopped.get();
      } catch (RuntimeException e) {
        outcome = Future.failedFuture(e);
      }
      outcome.onComplete(ar -> {
        if (caller == null || caller == ctx) {
          result.handle(ar);
        } else {
          caller.runOnContext(x -> result.handle(ar));
        }
      });
    });
    return result.future();
  }

  /** Calls {@code handler} with the outcome of {@code future}, on this fan-out's context. */
  private <T> void then(Future<T> future, Handler<AsyncResult<T>> handler) {
    RoomPoller.then(context, future, handler);
  }

  private void updateGauges() {
    metrics.setGauges(rooms.roomCount(), rooms.membershipCount());
  }

  private RoomReply unavailable() {
    return reply(Code.UNAVAILABLE, notRunning());
  }

  private String notRunning() {
    return "room fan-out of state server " + id + " is not running";
  }

  private static RoomReply reply(Code code, String error) {
    return RoomReply.newBuilder().setCode(code).setError(error).build();
  }

  /** A StoaException's own code, UNAVAILABLE for anything else (a transport or cluster fault). */
  private static Code unavailableUnlessStoa(Throwable t) {
    return t instanceof StoaException se ? se.code() : Code.UNAVAILABLE;
  }
}
