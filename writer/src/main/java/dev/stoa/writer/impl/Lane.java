package dev.stoa.writer.impl;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.stoa.common.StoaException;
import dev.stoa.kv.KvStore;
import dev.stoa.kv.chain.BlockSequencer;
import dev.stoa.kv.chain.ChainKeys;
import dev.stoa.kv.chain.SessionChain;
import dev.stoa.kv.chain.SessionEntry;
import dev.stoa.proto.client.Code;
import dev.stoa.proto.client.Message;
import dev.stoa.proto.client.SendAck;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One lane of the writer: a single platform thread that sequences the sends of its sessions in
 * arrival order and hands them to the {@link Committer} without waiting for the commit. The thread
 * takes every send queued since its last pass at once (up to {@value #MAX_DRAIN}) and reads their
 * dedup records with one {@link KvStore#multiGet} (a lone send with a get): one storage call and
 * one wake-up per pass instead of per send when the lane is busy. Every
 * session maps to exactly one lane and the committer writes in submission order, so the sends of a
 * session are sequenced in arrival order and committed in seq order, and a device's sends keep
 * their order. At most {@code queueMax} sends are accepted by a lane and not yet answered (queued
 * here or waiting for their commit); {@link #submit} refuses more, and the caller gives a permit
 * back with {@link #release} once the send is answered.
 *
 * <p>For one send the lane: reads the dedup record and, if there is one, answers with the stored
 * ack, unless the ack's sentAt is a dedup window ({@code writer.dedup.window.seconds}) or more
 * ago, once every write before the read is known durable ({@link Committer#durable}: at once unless
 * a sync failed and none has succeeded since); otherwise takes the next seq from the session's {@link BlockSequencer} (head key
 * {@link ChainKeys#sessionHead}) and a msgId, links the send to the session's newest sequenced
 * message (preSeq/preMsgId; loaded from {@link SessionChain#last} on first use) and submits it.
 * msgIds are drawn here, in seq order, so within a session msgId order is seq order. The session
 * cache holds at most {@code sessionCacheMax} sessions; it is touched only by the lane thread.
 * Before the head of a session is (re)loaded from storage, the lane waits until everything it
 * submitted is settled, so a send still on its way to storage is never skipped by the link. If
 * a send is not written, the committer marks its {@link SessionCursor} failed and the lane
 * reloads the head before the next send (the seqs taken by failed sends are skipped).
 *
 * <p>Platform, not virtual, threads: RocksDB calls are native and pin a virtual thread to its
 * carrier.
 *
 * <p>{@link #submit} and {@link #release} are thread-safe; everything else runs on the lane thread.
 */
public final class Lane {
  static final int MAX_DRAIN = 256;
  private static final Logger LOG = Logger.getLogger(Lane.class.getName());
  private static final Task STOP = new Task(null, null);

  /** What the lane thread is told once it has dedup-checked and sequenced a send. */
  @FunctionalInterface
  public interface Handler {
    /**
     * Runs on the lane thread (or, for a send whose lane stopped before it was queued, on the
     * submitting event loop, with an UNAVAILABLE failure); must not block. {@code outcome}
     * completes once the send is durable (or at once, from the dedup record); it fails if the send
     * was not written, and then nothing was acknowledged.
     */
    void handle(CompletableFuture<Outcome> outcome);
  }

  private record Task(ValidSend send, Handler handler) {}
  private final int index;
  private final int queueMax;
  private final KvStore kv;
  private final SessionChain sessionChain;
  private final Committer committer;
  private final LongSupplier msgIds;
  private final int blockSize;
  private final Clock clock;
  private final long dedupWindowMillis;
  private final Map<String, SessionCursor> sessions;
  private final Semaphore permits;
  private final LinkedBlockingQueue<Task> queue = new LinkedBlockingQueue<>();
  /** Sends this event-loop thread submitted in its current round, not yet queued (see the 3-argument submit). */
  private final ThreadLocal<List<Task>> heldThisRound = ThreadLocal.withInitial(ArrayList::new);
  private final Thread thread;
  private boolean stopped; // guarded by this
  /** The last send handed to the committer; lane thread only. */
  private CompletableFuture<Committed> lastSubmitted = CompletableFuture.completedFuture(null);

  public Lane(int index, int queueMax, int sessionCacheMax, KvStore kv, Committer committer,
      LongSupplier msgIds, int blockSize, Clock clock, int dedupWindowSeconds) {
    this.dedupWindowMillis = dedupWindowSeconds * 1000L;
    this.index = index;
    this.queueMax = queueMax;
    this.kv = kv;
    this.sessionChain = new SessionChain(kv);
    this.committer = committer;
    this.msgIds = msgIds;
    this.blockSize = blockSize;
    this.clock = clock;
    this.sessions = new LruMap<>(sessionCacheMax);
    this.permits = new Semaphore(queueMax);
    this.thread = Thread.ofPlatform().name("stoa-writer-lane-" + index).daemon(true).start(this::run);
  }

  public int index() {
    return index;
  }

  public int queueMax() {
    return queueMax;
  }

  /** Sends accepted by this lane and not yet answered. */
  public int inFlight() {
    return queueMax - permits.availablePermits();
  }

  /**
   * Queues {@code send} for the lane thread, which dedups and sequences it and then calls
   * {@code handler}; false if {@code queueMax} sends are already in flight or the lane is stopped.
   * On true the caller owes one {@link #release} once the send is answered.
   */
  public boolean submit(ValidSend send, Handler handler) {
    return submit(send, handler, null);
  }

  /**
   * As {@link #submit(ValidSend, Handler)}; called on an event-loop thread (with {@code context}
   * given), the send is held until the end of the loop's current round of reads and handed over
   * with every other send submitted to this lane on that thread in that round, in submission order: one queue insertion and at most one wake-up
   * of the lane thread per round, where each send would otherwise wake it (a futex call on the
   * event loop, about a tenth of its time at saturation). The hand-over runs as a task of
   * {@code context}, after the reads and before the loop waits again, so no send waits longer.
   * From any other thread, or with {@code context} null, the send is queued at once.
   */
  public boolean submit(ValidSend send, Handler handler, Context context) {
    if (!permits.tryAcquire()) {
      return false;
    }
    Task task = new Task(send, handler);
    Context current = Vertx.currentContext();
    if (context != null && current != null && current.isEventLoopContext() && Context.isOnEventLoopThread()) {
      // held per thread, not per context: every send held on this loop thread is handed over in
      // the order it was submitted, whichever of the loop's contexts it came from (a gRPC server
      // gives each request a context of its own)
      List<Task> round = heldThisRound.get();
      round.add(task);
      if (round.size() == 1) {
        current.runOnContext(v -> handOver(round));
      }
      return true;
    }
    synchronized (this) { // so that nothing is queued behind STOP
      if (stopped) {
        permits.release();
        return false;
      }
      queue.add(task);
    }
    return true;
  }

  /** On the event loop that held them: queues {@code round} at once, or fails it if the lane stopped meanwhile. */
  private void handOver(List<Task> round) {
    List<Task> tasks = List.copyOf(round);
    round.clear();
    synchronized (this) {
      if (!stopped) {
        queue.addAll(tasks);
        return;
      }
    }
    for (Task t : tasks) { // accepted before the stop: answered, never dropped
      handle(t, CompletableFuture.failedFuture(
          new StoaException(Code.UNAVAILABLE, "writer lane " + index + " stopped before the send was queued, retry")));
    }
  }

  /** Gives back the permit of one answered send. */
  public void release() {
    permits.release();
  }

  /** Takes no more sends; the queued ones still finish. */
  public synchronized void shutdown() {
    if (!stopped) {
      stopped = true;
      queue.add(STOP);
    }
  }

  /** Waits up to {@code timeoutMillis} for the queued sends to finish after {@link #shutdown}. */
  public boolean awaitTermination(long timeoutMillis) throws InterruptedException {
    thread.join(timeoutMillis);
    return !thread.isAlive();
  }

  private void run() {
    List<Task> pass = new ArrayList<>(MAX_DRAIN);
    List<byte[]> dedupKeys = new ArrayList<>(MAX_DRAIN);
    while (Batches.take(queue, pass, MAX_DRAIN)) {
      boolean stop = pass.remove(STOP); // the last task: submit queues nothing behind it
      if (!pass.isEmpty()) {
        runPass(pass, dedupKeys);
      }
      if (stop) {
        return;
      }
    }
  }

  /** One dedup read for the whole pass, then each send in order. */
  private void runPass(List<Task> pass, List<byte[]> dedupKeys) {
    dedupKeys.clear();
    for (Task t : pass) {
      ValidSend send = t.send();
      dedupKeys.add(ChainKeys.dedup(send.userId(), send.deviceId(), send.clientMsgId()));
    }
    List<byte[]> stored;
    try {
      // a lone send (an idle lane) is cheaper as a get: multiGet's setup costs more than it saves
      stored = dedupKeys.size() == 1 ? Collections.singletonList(kv.get(dedupKeys.get(0))) : kv.multiGet(dedupKeys);
    } catch (RuntimeException e) {
      for (Task t : pass) {
        handle(t, CompletableFuture.failedFuture(e));
      }
      return;
    }
    for (int i = 0; i < pass.size(); i++) {
      Task t = pass.get(i);
      CompletableFuture<Outcome> outcome;
      try {
        outcome = process(t.send(), dedupKeys.get(i), stored.get(i));
      } catch (Throwable e) {
        outcome = CompletableFuture.failedFuture(e);
      }
      handle(t, outcome);
    }
  }

  private void handle(Task t, CompletableFuture<Outcome> outcome) {
    try {
      t.handler().handle(outcome);
    } catch (RuntimeException e) { // never let one send's handler end the lane thread
      LOG.log(Level.SEVERE, "writer lane " + index + ": handler of a send to " + t.send().session().id() + " failed", e);
    }
  }

  /** The outcome of one send: the ack, and whether it came from the dedup record. */
  public record Outcome(SendAck ack, Message message, boolean duplicate) {}

  /**
   * Answers {@code send} from its dedup record {@code stored} (read under {@code dedupKey}) if there
   * is one, else sequences it and hands it to the committer, which writes its ack under
   * {@code dedupKey}.
   *
   * @return completes once the send is durable (or answered from the dedup record); fails if it
   *     was not written, and then nothing was acknowledged
   * @throws RuntimeException if storage failed before the send was handed over
   */
  private CompletableFuture<Outcome> process(ValidSend send, byte[] dedupKey, byte[] stored) {
    if (stored != null) {
      SendAck ack = parseAck(stored, send);
      if (!DedupSweeper.expired(ack.getSentAt(), clock.millis(), dedupWindowMillis)) {
        // the record may come from a round whose sync failed: answer once it is known durable
        return committer.durable().thenApply(v -> new Outcome(ack, null, true));
      }
      // older than the window: not honoured, the send is stored anew (its record replaces this one)
    }
    String sessionId = send.session().id();
    SessionCursor cursor = sessions.get(sessionId);
    if (cursor != null && cursor.failed) {
      sessions.remove(sessionId);
      cursor = null;
    }
    if (cursor == null) {
      awaitSubmittedSettled();
      cursor = load(sessionId);
      sessions.put(sessionId, cursor);
    }
    long seq = cursor.sequencer.next();
    if (seq <= cursor.lastSeq) {
      sessions.remove(sessionId);
      throw new IllegalStateException("session " + sessionId + ": sequencer handed out seq " + seq
          + " but the chain already holds seq " + cursor.lastSeq + "; its head key is behind");
    }
    long msgId = msgIds.getAsLong();
    if (msgId <= 0) {
      throw new IllegalStateException("msgId generator returned " + msgId + ", expected a positive id");
    }
    Prepared prepared = new Prepared(send, dedupKey, seq, cursor.lastSeq, msgId, cursor.lastMsgId, clock.millis(),
        cursor, new CompletableFuture<>());
    cursor.lastSeq = seq;
    cursor.lastMsgId = msgId;
    lastSubmitted = committer.submit(prepared);
    return lastSubmitted.thenApply(c -> new Outcome(c.ack(), c.message(), false));
  }

  private void awaitSubmittedSettled() {
    try {
      lastSubmitted.handle((ok, failed) -> null).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("writer lane " + index + " interrupted while waiting for its commits", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  private SessionCursor load(String sessionId) {
    Optional<SessionEntry> last = sessionChain.last(sessionId);
    BlockSequencer sequencer = new BlockSequencer(kv, ChainKeys.sessionHead(sessionId), blockSize);
    return last.map(e -> new SessionCursor(sequencer, e.seq(), e.msgId()))
        .orElseGet(() -> new SessionCursor(sequencer, 0, 0));
  }

  private static SendAck parseAck(byte[] stored, ValidSend send) {
    try {
      return SendAck.parseFrom(stored);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("dedup record of user '" + send.userId() + "' device '"
          + send.deviceId() + "' clientMsgId '" + send.clientMsgId() + "' (" + stored.length
          + " bytes) is not a SendAck: " + e.getMessage(), e);
    }
  }
}
