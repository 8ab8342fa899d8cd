package dev.stoa.writer.impl;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.stoa.kv.KvStore;
import dev.stoa.kv.chain.BlockSequencer;
import dev.stoa.kv.chain.ChainKeys;
import dev.stoa.kv.chain.SessionChain;
import dev.stoa.kv.chain.SessionEntry;
import dev.stoa.proto.client.Message;
import dev.stoa.proto.client.SendAck;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One lane of the writer: a single platform thread with a queue of at most {@code queueMax} sends,
 * processing them strictly one after another. Every session maps to exactly one lane, so the sends
 * of a session are sequenced in arrival order and each is committed before the next is sequenced:
 * seq order is commit order, and a device's sends keep their order.
 *
 * <p>For one send the lane: reads the dedup record and, if there is one, answers with the stored
 * ack; otherwise takes the next seq from the session's {@link BlockSequencer} (head key
 * {@link ChainKeys#sessionHead}), takes preSeq/preMsgId from its cached head (loaded from
 * {@link SessionChain#last} on first use), hands the send to the {@link Committer} and waits for
 * it to be durable. The session cache holds at most {@code sessionCacheMax} sessions; it is
 * touched only by the lane thread. If a commit fails the session is dropped from the cache, so the
 * next send reloads its head from storage (the seq taken by the failed send is skipped).
 *
 * <p>Platform, not virtual, threads: RocksDB calls are native and pin a virtual thread to its
 * carrier, so lanes waiting on fsync in parallel would be limited to the number of cores.
 *
 * <p>{@link #submit} is thread-safe; {@link #process} runs on the lane thread only.
 */
public final class Lane {
  private final int index;
  private final int queueMax;
  private final KvStore kv;
  private final SessionChain sessionChain;
  private final Committer committer;
  private final int blockSize;
  private final Clock clock;
  private final Map<String, SessionCursor> sessions;
  private final ThreadPoolExecutor executor;

  public Lane(int index, int queueMax, int sessionCacheMax, KvStore kv, Committer committer,
      int blockSize, Clock clock) {
    this.index = index;
    this.queueMax = queueMax;
    this.kv = kv;
    this.sessionChain = new SessionChain(kv);
    this.committer = committer;
    this.blockSize = blockSize;
    this.clock = clock;
    this.sessions = new LruMap<>(sessionCacheMax);
    this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(queueMax),
        Thread.ofPlatform().name("stoa-writer-lane-" + index).daemon(true).factory(),
        new ThreadPoolExecutor.AbortPolicy());
  }

  public int index() {
    return index;
  }

  public int queueMax() {
    return queueMax;
  }

  /** Sends waiting in this lane, not counting the one being processed. */
  public int queued() {
    return executor.getQueue().size();
  }

  /** Queues {@code task} on the lane thread; false if the queue is full or the lane is stopped. */
  public boolean submit(Runnable task) {
    try {
      executor.execute(task);
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  /** Takes no more sends; the queued ones still finish. */
  public void shutdown() {
    executor.shutdown();
  }

  /** Waits up to {@code timeoutMillis} for the queued sends to finish after {@link #shutdown}. */
  public boolean awaitTermination(long timeoutMillis) throws InterruptedException {
    return executor.awaitTermination(timeoutMillis, TimeUnit.MILLISECONDS);
  }

  /** The outcome of one send: the ack, and whether it came from the dedup record. */
  public record Outcome(SendAck ack, Message message, boolean duplicate) {}

  /**
   * Dedups, sequences and commits {@code send}; blocks until it is durable. Lane thread only.
   *
   * @throws Exception if storage failed; nothing was acknowledged
   */
  public Outcome process(ValidSend send) throws Exception {
    byte[] stored = kv.get(ChainKeys.dedup(send.userId(), send.deviceId(), send.clientMsgId()));
    if (stored != null) {
      return new Outcome(parseAck(stored, send), null, true);
    }
    String sessionId = send.session().id();
    SessionCursor cursor = sessions.get(sessionId);
    if (cursor == null) {
      cursor = load(sessionId);
      sessions.put(sessionId, cursor);
    }
    long seq = cursor.sequencer.next();
    if (seq <= cursor.lastSeq) {
      sessions.remove(sessionId);
      throw new IllegalStateException("session " + sessionId + ": sequencer handed out seq " + seq
          + " but the chain already holds seq " + cursor.lastSeq + "; its head key is behind");
    }
    Committed committed;
    try {
      committed = committer.submit(send, seq, cursor.lastSeq, cursor.lastMsgId, clock.millis()).get();
    } catch (ExecutionException e) {
      sessions.remove(sessionId);
      throw e.getCause() instanceof Exception ex ? ex : e;
    } catch (InterruptedException e) {
      sessions.remove(sessionId);
      Thread.currentThread().interrupt();
      throw e;
    }
    cursor.lastSeq = seq;
    cursor.lastMsgId = committed.message().getMsgId();
    return new Outcome(committed.ack(), committed.message(), false);
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
