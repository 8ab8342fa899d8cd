package dev.stoa.state.impl;

import dev.stoa.common.StoaException;
import dev.stoa.proto.client.Code;
import dev.stoa.proto.client.Frame;
import dev.stoa.proto.client.Message;
import dev.stoa.proto.client.Push;
import dev.stoa.proto.internal.DeliverReply;
import dev.stoa.proto.internal.DeliverRequest;
import dev.stoa.proto.internal.Gateway;
import dev.stoa.proto.internal.Index;
import dev.stoa.proto.internal.ReadRequest;
import dev.stoa.proto.internal.ReadResult;
import dev.stoa.state.impl.LocalRoom.Target;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
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
 * The poll and fan-out half of a state server's room fan-out (the contract is in
 * {@code dev.stoa.state.RoomFanout}'s Javadoc): on every {@link #tick()} each room of
 * {@link LocalRooms} without a read in flight is read from the index after its cursor; new
 * messages go out lane by lane, one task per lane with members queued on the context in read
 * order, one {@code Gateway.deliver} per (lane, gateway, message). Connections a gateway reports
 * closed, or held by a gateway the resolver does not know, are handed to the {@link Gone}
 * listener. Not thread-safe: every method runs on the fan-out's context, and so do the callbacks
 * it registers.
 */
public final class RoomPoller {
  public static final int READ_TIMEOUT_SECONDS = 10;
  public static final int LOG_EVERY_SECONDS = 10;
  private static final Logger LOG = Logger.getLogger(RoomPoller.class.getName());
  private static final long READ_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(READ_TIMEOUT_SECONDS);
  private static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(LOG_EVERY_SECONDS);

  /** Told, on the context, that a gateway no longer holds some connections. */
  public interface Gone {
    void gone(String gatewayId, List<Long> connIds);
  }

  private final String id;
  private final Context context;
  private final LocalRooms rooms;
  private final RoomMetrics metrics;
  private final int readMax;
  private final Supplier<Index> index;
  private final Function<String, Optional<Gateway>> gateways;
  private final Gone gone;
  private final Map<String, Promise<Long>> heads = new HashMap<>();
  private boolean running = true;
  private long lastFailureLogNanos;
  private long failuresSinceLog;

  /**
   * @param stateServerId names the state server in logs
   * @param context the fan-out's context, where this runs
   * @param readMax most messages asked for in one read
   */
  public RoomPoller(String stateServerId, Context context, LocalRooms rooms, RoomMetrics metrics, int readMax,
      Supplier<Index> index, Function<String, Optional<Gateway>> gateways, Gone gone) {
    this.id = stateServerId;
    this.context = context;
    this.rooms = rooms;
    this.metrics = metrics;
    this.readMax = readMax;
    this.index = index;
    this.gateways = gateways;
    this.gone = gone;
  }

  /** Stops: reads answering later and lane tasks still queued do nothing. */
  public void stop() {
    running = false;
  }

  /**
   * The newest seq of {@code roomId} ({@code latest_seq} of a read with limit 0; 0 when the index
   * answers NOT_FOUND), from one read shared by every caller while it is in flight.
   */
  public Future<Long> head(String roomId) {
    Promise<Long> existing = heads.get(roomId);
    if (existing != null) {
      return existing.future();
    }
    Promise<Long> head = Promise.promise();
    heads.put(roomId, head);
    String sessionId = "room:" + roomId;
    then(read(ReadRequest.newBuilder().setSessionId(sessionId).setAfterSeq(0).setLimit(0).build()), ar -> {
      heads.remove(roomId, head);
      if (ar.failed()) {
        metrics.readFailures.increment();
        head.fail(ar.cause());
      } else if (ar.result().getCode() == Code.OK) {
        head.complete(ar.result().getLatestSeq());
      } else if (ar.result().getCode() == Code.NOT_FOUND) {
        head.complete(0L);
      } else {
        metrics.readFailures.increment();
        head.fail(new StoaException(errorCode(ar.result().getCode()), "index read of " + sessionId + " answered "
            + ar.result().getCode() + ": " + ar.result().getError()));
      }
    });
    return head.future();
  }


  /** One tick of the poll: called every {@code state.room.poll.ms} on the context. */
  public void tick() {
    if (!running) {
      return;
    }
    long now = System.nanoTime();
    for (LocalRoom room : List.copyOf(rooms.rooms())) {
      if (room.reading()) {
        if (!room.readOverdue(now, READ_TIMEOUT_NANOS)) {
          continue;
        }
        readFailed(room, "no answer within " + READ_TIMEOUT_SECONDS + " s");
      }
      poll(room, room.beginRead(now));
    }
  }

  private void poll(LocalRoom room, long generation) {
    long cursor = room.cursor();
    ReadRequest request = ReadRequest.newBuilder().setSessionId(room.sessionId()).setAfterSeq(cursor)
        .setLimit(readMax).build();
    then(read(request), ar -> onRead(room, generation, ar));
  }

  private void onRead(LocalRoom room, long generation, AsyncResult<ReadResult> ar) {
    if (!running || rooms.room(room.roomId()) != room || !room.endRead(generation)) {
      return; // the room was dropped meanwhile, or this read was given up as overdue
    }
    if (ar.failed()) {
      readFailed(room, String.valueOf(ar.cause()));
      return;
    }
    ReadResult result = ar.result();
    if (result.getCode() == Code.NOT_FOUND) {
      return;
    }
    if (result.getCode() != Code.OK) {
      readFailed(room, result.getCode() + ": " + result.getError());
      return;
    }
    long before = room.cursor();
    long cursor = before;
    if (result.getOldestSeq() > cursor + 1) {
      long jumped = result.getOldestSeq() - cursor - 1;
      metrics.skipped.increment(jumped);
      LOG.fine(() -> "state server " + id + ": " + room.sessionId() + " ring starts at seq " + result.getOldestSeq()
          + ", after cursor " + before + ": skipping " + jumped + " seq(s)");
      cursor = result.getOldestSeq() - 1;
    }
    List<Message> fresh = new ArrayList<>(result.getMessagesCount());
    for (Message message : result.getMessagesList()) {
      if (message.getSeq() > cursor) { // ascending by contract; never push a seq twice
        fresh.add(message);
        cursor = message.getSeq();
      }
    }
    room.cursor(cursor);
    if (!fresh.isEmpty()) {
      fanOut(room, fresh);
    }
    if (result.getHasMore() && cursor > before) {
      long next = room.beginRead(System.nanoTime());
      context.runOnContext(v -> {
        if (running && rooms.room(room.roomId()) == room) {
          poll(room, next);
        }
      });
    }
  }

  private void readFailed(LocalRoom room, String why) {
    metrics.readFailures.increment();
    failuresSinceLog++;
    long now = System.nanoTime();
    if (lastFailureLogNanos == 0 || now - lastFailureLogNanos >= LOG_EVERY_NANOS) {
      LOG.warning("state server " + id + ": index read of " + room.sessionId() + " after seq " + room.cursor()
          + " failed (" + failuresSinceLog + " room read failure(s) since the last report; each is retried at the"
          + " next tick): " + why);
      lastFailureLogNanos = now;
      failuresSinceLog = 0;
    }
  }

  private Future<ReadResult> read(ReadRequest request) {
    try {
      return index.get().read(request);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private void fanOut(LocalRoom room, List<Message> messages) {
    metrics.messages.increment(messages.size());
    List<Frame> frames = new ArrayList<>(messages.size());
    for (Message message : messages) {
      frames.add(Frame.newBuilder().setPush(Push.newBuilder().setMessage(message)).build());
    }
    for (List<Target> lane : room.targets()) {
      context.runOnContext(v -> deliverLane(lane, frames));
    }
  }

  private void deliverLane(List<Target> lane, List<Frame> frames) {
    if (!running) {
      return;
    }
    for (Target target : lane) {
      Optional<Gateway> gateway;
      try {
        gateway = gateways.apply(target.gatewayId());
      } catch (RuntimeException e) {
        metrics.deliverFailures.increment(frames.size());
        LOG.log(Level.FINE, "state server " + id + ": resolving gateway " + target.gatewayId() + " failed", e);
        continue;
      }
      if (gateway.isEmpty()) {
        LOG.fine(() -> "state server " + id + ": gateway " + target.gatewayId() + " unknown; connIds "
            + target.connIds() + " leave their rooms");
        gone.gone(target.gatewayId(), target.connIds());
        continue;
      }
      for (Frame frame : frames) {
        DeliverRequest request = DeliverRequest.newBuilder().addAllConnIds(target.connIds()).setFrame(frame).build();
        metrics.deliverCalls.increment();
        metrics.deliveries.increment(target.connIds().size());
        Future<DeliverReply> reply;
        try {
          reply = gateway.get().deliver(request);
        } catch (RuntimeException e) {
          reply = Future.failedFuture(e);
        }
        then(reply, ar -> onDelivered(target.gatewayId(), ar));
      }
    }
  }

  private void onDelivered(String gatewayId, AsyncResult<DeliverReply> ar) {
    if (ar.failed()) {
      metrics.deliverFailures.increment();
      LOG.log(Level.FINE, "state server " + id + ": room deliver to gateway " + gatewayId + " failed", ar.cause());
    } else if (ar.result().getClosedConnIdsCount() > 0) {
      gone.gone(gatewayId, ar.result().getClosedConnIdsList());
    }
  }

  /**
   * Calls {@code handler} with the outcome of {@code future} on {@code context}: at once if the
   * future completes there, else queued onto it.
   */
  public static <T> void then(Context context, Future<T> future, Handler<AsyncResult<T>> handler) {
    future.onComplete(ar -> {
      if (Vertx.currentContext() == context) {
        handler.handle(ar);
      } else {
        context.runOnContext(v -> handler.handle(ar));
      }
    });
  }

  private <T> void then(Future<T> future, Handler<AsyncResult<T>> handler) {
    then(context, future, handler);
  }

  private static Code errorCode(Code code) {
    return code == Code.OK || code == Code.UNRECOGNIZED ? Code.INTERNAL : code;
  }
}
