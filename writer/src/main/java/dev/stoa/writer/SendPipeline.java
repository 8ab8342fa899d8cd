package dev.stoa.writer;

import dev.stoa.common.SessionId;
import dev.stoa.common.StoaException;
import dev.stoa.kv.KvStore;
import dev.stoa.proto.client.Code;
import dev.stoa.proto.client.Message;
import dev.stoa.proto.client.SendAck;
import dev.stoa.proto.internal.SendRequest;
import dev.stoa.proto.internal.SendResult;
import dev.stoa.proto.internal.Writer;
import dev.stoa.writer.impl.Committer;
import dev.stoa.writer.impl.DedupKey;
import dev.stoa.writer.impl.DedupSweeper;
import dev.stoa.writer.impl.Lane;
import dev.stoa.writer.impl.SendOrder;
import dev.stoa.writer.impl.SendValidator;
import dev.stoa.writer.impl.StorageFaults;
import dev.stoa.writer.impl.ValidSend;
import dev.stoa.writer.impl.WriterMetrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The causal send path of DESIGN.md §3: validation and membership, dedup on (user, device,
 * clientMsgId), per-session sequencing, one durable batch (body, session chain, both user chains,
 * dedup record), the sendAck, then the push trigger.
 *
 * <p><b>Answers.</b> {@link #send} never fails for bad input: a rejection is a {@link SendResult}
 * whose {@code ack.code} is the PROTOCOL.md code, {@code ack.clientMsgId} and {@code ack.sessionId}
 * as the client gave them, and {@code error} naming the field. The future fails only for a fault:
 * a storage fault (a read, write or sync of the store failed; the send was not acknowledged and
 * may be retried) fails it with a {@code StoaException} UNAVAILABLE, anything else (a bug) with
 * the exception itself, which callers map to INTERNAL. A full lane answers UNAVAILABLE
 * ("writer overloaded, retry"). An OK ack is returned only after the batch is durable.
 *
 * <p><b>Dedup.</b> The ack of a stored send is kept under {@code ChainKeys.dedup} in the same
 * batch as the message, so a resend returns the first ack exactly (msgId, seq, preSeq, preMsgId,
 * sentAt). A record read after a sync failed is answered only after a later sync succeeded: the
 * failed round's records are visible to reads but were not durable. A record is honoured for
 * {@code writer.dedup.window.seconds} after its sentAt; an older one is ignored (the send is stored
 * anew) and deleted by the {@code DedupSweeper}. A resend arriving while the first is still in progress waits for the first's answer
 * (in-flight map), so concurrent duplicates never both write.
 *
 * <p><b>Order.</b> A connection's sends are taken in the order of their {@code conn_send_seq}
 * ({@link SendOrder}: whatever order they arrive in, over any binding; a room send is answered
 * before the connection's next send is taken), so a gateway need not wait for one answer before
 * handing over the next send. A session is served by lane
 * {@code floorMod(sessionId.hashCode(), lanes)}, one
 * thread sequencing its queue in order and handing each send to one group-commit thread
 * ({@code Committer}) without waiting for the commit; the committer writes in that order, so seq
 * order is arrival order and commit order, and many sends of one session share a durable write.
 * The committer draws the user-chain numbers so that those follow commit order too. A full lane
 * ({@code writer.queue.max} sends accepted and not yet answered) answers UNAVAILABLE.
 *
 * <p><b>Threads.</b> {@link #send} may be called from any thread and does no I/O itself; storage
 * runs on the lane, commit and sync threads; the returned future completes on the caller's Vert.x
 * context; the push trigger runs on the writer thread that made the send durable (the commit or
 * the sync thread), never on a caller's loop and without a hop of its own. {@link #close} blocks:
 * call it off the event loop. Thread-safe.
 */
public final class SendPipeline implements Writer, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(SendPipeline.class.getName());
  private static final long CLOSE_TIMEOUT_MILLIS = 10_000;
  /** A connection with no send for this long is forgotten by the order (its next send starts it again). */
  static final long ORDER_IDLE_MILLIS = 600_000;

  private final Vertx vertx;
  private final PushTrigger pushTrigger;
  private final RoomSender rooms;
  private final SendValidator validator;
  private final Committer committer;
  private final Lane[] lanes;
  private final DedupSweeper sweeper;
  private final WriterMetrics metrics = new WriterMetrics();
  private final ConcurrentHashMap<DedupKey, CompletableFuture<SendResult>> inFlight = new ConcurrentHashMap<>();
  private final SendOrder order;
  private final long orderSweepTimer;
  private volatile boolean closed;

  /**
   * Starts the lane and commit threads.
   *
   * @param msgIds source of positive, cluster-unique msgIds (Hazelcast Flake ids in production)
   * @param clock gives sentAt
   */
  public SendPipeline(Vertx vertx, KvStore kv, LongSupplier msgIds, PushTrigger pushTrigger,
      WriterOptions options, Clock clock) {
    this(vertx, kv, msgIds, pushTrigger, null, options, clock);
  }

  /**
   * As above, with the path for room sessions; without one ({@code rooms} null) a room send is
   * answered NOT_FOUND.
   */
  public SendPipeline(Vertx vertx, KvStore kv, LongSupplier msgIds, PushTrigger pushTrigger,
      RoomSender rooms, WriterOptions options, Clock clock) {
    this.vertx = vertx;
    this.pushTrigger = pushTrigger;
    this.rooms = rooms;
    this.validator = new SendValidator(options.bodyMaxBytes());
    this.committer = new Committer(kv, options.seqBlockSize(), options.userCacheMax());
    this.lanes = new Lane[options.lanes()];
    int perLane = Math.max(1, options.sessionCacheMax() / options.lanes());
    for (int i = 0; i < lanes.length; i++) {
      lanes[i] = new Lane(i, options.queueMax(), perLane, kv, committer, msgIds, options.seqBlockSize(), clock,
          options.dedupWindowSeconds());
    }
    this.sweeper = new DedupSweeper(kv, committer, clock, options.dedupWindowSeconds(), options.dedupSweepBatch(),
        metrics);
    this.order = new SendOrder(options.orderGapMillis(), (delay, task) -> vertx.setTimer(delay, id -> task.run()),
        clock::millis, metrics::orderGapSkipped);
    this.orderSweepTimer = vertx.setPeriodic(ORDER_IDLE_MILLIS, id -> order.forgetIdle(ORDER_IDLE_MILLIS));
    committer.start();
    sweeper.start();
  }

  @Override
  public Future<SendResult> send(SendRequest request) {
    long start = System.nanoTime();
    Context context = vertx.getOrCreateContext();
    if (request.getConnSendSeq() == 0) {
      return take(request, start, context).answer();
    }
    Promise<SendResult> answer = Promise.promise();
    order.take(request.getConnId(), request.getConnSendSeq(), request.getConnSendsAnswered(), () -> {
      Taken taken = take(request, start, context);
      taken.answer().onComplete(answer);
      return taken.placed();
    });
    return answer.future();
  }

  /**
   * One send taken in its connection's order: its answer, and {@code placed}, which completes once
   * the connection's next send may be taken (see {@link SendOrder}).
   */
  private record Taken(Future<SendResult> answer, Future<?> placed) {
    static Taken answered(Future<SendResult> answer) {
      return new Taken(answer, Future.succeededFuture());
    }
  }

  private Taken take(SendRequest request, long start, Context context) {
    ValidSend send;
    try {
      send = validator.validate(request);
    } catch (StoaException e) {
      metrics.rejected(e.code(), start);
      return Taken.answered(Future.succeededFuture(rejection(request, e.code(), e.getMessage())));
    }
    if (closed) {
      metrics.rejected(Code.UNAVAILABLE, start);
      return Taken.answered(Future.succeededFuture(rejection(request, Code.UNAVAILABLE, "writer: stopping, retry")));
    }
    if (send.session().kind() == SessionId.Kind.ROOM) {
      Future<SendResult> answer = sendToRoom(request, send, start);
      return new Taken(answer, answer);
    }
    DedupKey key = send.dedupKey();
    CompletableFuture<SendResult> answer = new CompletableFuture<>();
    CompletableFuture<SendResult> first = inFlight.putIfAbsent(key, answer);
    if (first != null) {
      return Taken.answered(Future.fromCompletionStage(first, context).andThen(ar -> {
        if (ar.succeeded() && ar.result().getAck().getCode() == Code.OK) {
          metrics.duplicate(start);
        } else if (ar.succeeded()) {
          metrics.rejected(ar.result().getAck().getCode(), start);
        } else {
          metrics.error(start);
        }
      }));
    }
    Lane lane = lanes[Math.floorMod(send.session().id().hashCode(), lanes.length)];
    Promise<SendResult> reply = Promise.promise();
    Reply replyTo = new Reply(answer, reply, context);
    if (!lane.submit(send, outcome -> outcome.whenComplete((done, failure) -> {
      lane.release();
      answer(send, key, replyTo, start, done, failure);
    }), context)) {
      inFlight.remove(key, answer);
      metrics.rejected(Code.UNAVAILABLE, start);
      SendResult overloaded = rejection(request, Code.UNAVAILABLE, "writer overloaded, retry: lane "
          + lane.index() + " already holds " + lane.inFlight() + " sends not yet durable (writer.queue.max="
          + lane.queueMax() + ")");
      answer.complete(overloaded);
      return Taken.answered(Future.succeededFuture(overloaded));
    }
    return Taken.answered(reply.future());
  }

  /**
   * Where the answer of one send goes: {@code inFlight} (the map entry concurrent duplicates
   * wait on) and {@code caller}, completed on the caller's {@code context}.
   */
  private record Reply(CompletableFuture<SendResult> inFlight, Promise<SendResult> caller,
      Context context) {}

  private Future<SendResult> sendToRoom(SendRequest request, ValidSend send, long start) {
    if (rooms == null) {
      metrics.rejected(Code.NOT_FOUND, start);
      return Future.succeededFuture(rejection(request, Code.NOT_FOUND,
          "sessionId: room '" + send.session().first() + "' does not exist (no room path in this writer)"));
    }
    return rooms.send(send).andThen(ar -> {
      if (ar.failed()) {
        metrics.error(start);
      } else if (ar.result().getAck().getCode() == Code.OK) {
        metrics.ok(start);
      } else {
        metrics.rejected(ar.result().getAck().getCode(), start);
      }
    });
  }

  /**
   * Completes the in-flight entry here and the caller's future on its context; a stored message's
   * push trigger runs right here, on the writer thread that made it durable: the sender's event
   * loop does no push work, and the push costs no hand-off before it reaches the state server. The
   * trigger does no I/O of its own (route lookups and push calls are asynchronous).
   */
  private void answer(ValidSend send, DedupKey key, Reply reply, long start, Lane.Outcome outcome,
      Throwable failure) {
    if (failure != null) {
      Throwable cause = StorageFaults.toAnswer("send", failure instanceof CompletionException
          && failure.getCause() != null ? failure.getCause() : failure);
      LOG.warning("send of user '" + send.userId() + "' device '" + send.deviceId()
          + "' clientMsgId '" + send.clientMsgId() + "' to " + send.session().id() + " failed: " + cause);
      metrics.error(start);
      inFlight.remove(key, reply.inFlight());
      reply.inFlight().completeExceptionally(cause);
      reply.context().runOnContext(v -> reply.caller().fail(cause));
      return;
    }
    if (outcome.duplicate()) {
      metrics.duplicate(start);
    } else {
      metrics.ok(start);
    }
    inFlight.remove(key, reply.inFlight());
    SendResult result = SendResult.newBuilder().setAck(outcome.ack()).build();
    reply.inFlight().complete(result);
    Message message = outcome.message();
    List<String> members = message == null ? null : send.session().c2cMembers();
    reply.context().runOnContext(v -> reply.caller().complete(result));
    if (message != null) {
      triggerPush(members, send.connId(), message);
    }
  }

  private void triggerPush(List<String> members, long senderConnId, Message message) {
    Future<Void> f;
    try {
      f = pushTrigger.push(members, senderConnId, message);
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    f.onFailure(e -> {
      metrics.pushFailed();
      LOG.log(Level.WARNING, "push trigger of msgId " + Long.toUnsignedString(message.getMsgId())
          + " in " + message.getSessionId() + " failed", e);
    });
  }

  /** Runs one dedup sweep cycle now (tests; the background thread runs one per window). Blocks. */
  long sweepDedup() throws InterruptedException {
    return sweeper.sweep();
  }

  private static SendResult rejection(SendRequest request, Code code, String error) {
    SendAck ack = SendAck.newBuilder()
        .setCode(code)
        .setClientMsgId(request.getSend().getClientMsgId())
        .setSessionId(request.getSend().getSessionId())
        .build();
    return SendResult.newBuilder().setAck(ack).setError(error).build();
  }

  /**
   * Stops taking sends (later ones are answered UNAVAILABLE), lets every queued send finish, then
   * stops the threads. Blocks up to about 20 s; call it off the event loop. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    vertx.cancelTimer(orderSweepTimer);
    try {
      sweeper.close(CLOSE_TIMEOUT_MILLIS);
      for (Lane lane : lanes) {
        lane.shutdown();
      }
      for (Lane lane : lanes) {
        if (!lane.awaitTermination(CLOSE_TIMEOUT_MILLIS)) {
          LOG.warning("writer lane " + lane.index() + " did not finish within " + CLOSE_TIMEOUT_MILLIS + " ms");
        }
      }
      committer.close(CLOSE_TIMEOUT_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
