package dev.stoa.writer.impl;

import dev.stoa.common.StoaException;
import dev.stoa.kv.KeyValue;
import dev.stoa.kv.KvBatch;
import dev.stoa.kv.KvStore;
import dev.stoa.kv.chain.BlockSequencer;
import dev.stoa.kv.chain.ChainKeys;
import dev.stoa.kv.chain.SessionChain;
import dev.stoa.kv.chain.SessionEntry;
import dev.stoa.kv.chain.UserChain;
import dev.stoa.kv.chain.UserEntry;
import dev.stoa.proto.client.Code;
import dev.stoa.proto.client.Message;
import dev.stoa.proto.client.SendAck;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The group commit of the writer: one thread takes the sends the lanes have sequenced, gives each
 * a userSeq in the user chain of every member, and writes up to {@value #MAX_BATCH}
 * of them in one {@link KvBatch} per round: for each send the body
 * ({@link ChainKeys#body}), the session-chain entry, one user-chain entry per
 * member and the dedup record (the encoded {@link SendAck}). The round is written without waiting
 * for stable storage and handed to the {@link Syncer}, which completes its sends once a sync has
 * made it durable; meanwhile this thread writes the next round. When no further send is queued and
 * the syncer is idle, this thread syncs and answers the round itself (one hand-off less per send
 * at low load; under load the rounds pipeline as described). If the write fails, every send of
 * the round fails at once.
 *
 * <p>Why one thread: a user's chain is shared by all of its sessions, which live in different
 * lanes. Assigning userSeq and writing on one thread makes userSeq order equal commit order, so a
 * sync reader at cursor c never later finds an entry below c appear. Sends are committed in the
 * order they are submitted; a lane submits the sends of a session in seq order, so seq order of a
 * session is commit order.
 *
 * <p><b>Failure.</b> A lane does not wait for a commit before sequencing the next send of the same
 * session, so a send that is not written (its round's write failed, or its numbers could not be
 * drawn) would leave the sends linked behind it pointing at a message that does not exist. So the
 * committer marks the send's {@link SessionCursor} failed before failing the send, and refuses
 * every later send sequenced through a failed cursor; the lane then reloads the session head.
 *
 * <p>A user's first number after a start costs a durable compare-and-set (a block allocation).
 * So that a round with many such users does not pay for them one after another, the first number
 * of every user new to this committer in a round is drawn in parallel before the round is built;
 * numbers of different users are independent, and each user's numbers still ascend in commit
 * order.
 *
 * <p>Between rounds it also deletes the expired dedup records the {@link DedupSweeper} found
 * ({@link #deleteIfUnchanged}), so that check and delete cannot interleave with a new record.
 *
 * <p>Numbers drawn for a round that then fails are skipped, never reused. Thread-safe entry
 * point {@link #submit}; everything else runs on the committer thread.
 */
public final class Committer {
  static final int MAX_BATCH = 512;
  static final int ALLOCATOR_THREADS = 16;
  private static final Logger LOG = Logger.getLogger(Committer.class.getName());
  private static final Prepared STOP = new Prepared(null, null, 0, 0, 0, 0, 0, null, null);
  /** Wakes the thread for {@link #deletions}. */
  private static final Prepared DELETE = new Prepared(null, null, 0, 0, 0, 0, 0, null, null);

  /** Expired dedup records to delete if they still hold the value the sweep read. */
  private record Deletion(List<KeyValue> records, CompletableFuture<Integer> done) {}

  private final KvStore kv;
  private final int blockSize;
  private final SessionChain sessionChain;
  private final UserChain userChain;
  private final Map<String, BlockSequencer> userSequencers;
  private final LinkedBlockingQueue<Prepared> queue = new LinkedBlockingQueue<>();
  private final Syncer syncer;
  private final ConcurrentLinkedQueue<Deletion> deletions = new ConcurrentLinkedQueue<>();
  private final Thread thread;
  /** Platform threads: a block allocation is a native fsync, which would pin a virtual thread. */
  private final ExecutorService allocators = Executors.newFixedThreadPool(ALLOCATOR_THREADS,
      Thread.ofPlatform().name("stoa-writer-alloc-", 0).daemon(true).factory());
  /** First numbers of users drawn ahead for the current round; committer thread only. */
  private final Map<String, Object> drawnAhead = new HashMap<>();
  private volatile boolean stopped;

  public Committer(KvStore kv, int blockSize, int userCacheMax) {
    this.kv = kv;
    this.blockSize = blockSize;
    this.sessionChain = new SessionChain(kv);
    this.userChain = new UserChain(kv);
    this.userSequencers = new LruMap<>(userCacheMax);
    this.syncer = new Syncer(kv);
    this.thread = Thread.ofPlatform().name("stoa-writer-commit").daemon(true).unstarted(this::run);
  }

  public void start() {
    syncer.start();
    thread.start();
  }

  /** See {@link Syncer#durable()}: completes once every write before the call is known durable. */
  CompletableFuture<Void> durable() {
    return syncer.durable();
  }

  /**
   * Deletes each of {@code records} (dedup records read by the sweep) whose value is still the one
   * read, on the commit thread: that thread is the only writer of dedup records, so a record stored
   * anew after the read is seen and kept. The delete is relaxed (a crash may bring an expired
   * record back; it is ignored on read and swept again).
   *
   * @return the number deleted
   */
  CompletableFuture<Integer> deleteIfUnchanged(List<KeyValue> records) {
    CompletableFuture<Integer> done = new CompletableFuture<>();
    if (stopped) {
      done.completeExceptionally(new IllegalStateException("writer committer is stopped"));
      return done;
    }
    deletions.add(new Deletion(records, done));
    queue.add(DELETE);
    return done;
  }

  /** Queues {@code p}; {@code p.done()} completes once it is durable. Returns {@code p.done()}. */
  CompletableFuture<Committed> submit(Prepared p) {
    if (stopped) {
      p.cursor().failed = true;
      p.done().completeExceptionally(new StoaException(Code.UNAVAILABLE, "writer: stopping, retry"));
      return p.done();
    }
    queue.add(p);
    return p.done();
  }

  /** Commits what is queued, then ends the thread; waits up to {@code timeoutMillis}. */
  public void close(long timeoutMillis) throws InterruptedException {
    stopped = true;
    queue.add(STOP);
    thread.join(timeoutMillis);
    if (thread.isAlive()) {
      LOG.warning("writer committer did not stop within " + timeoutMillis + " ms");
    }
    syncer.close(timeoutMillis);
  }

  private void run() {
    List<Prepared> round = new ArrayList<>(MAX_BATCH);
    boolean running = true;
    while (running && Batches.take(queue, round, MAX_BATCH)) {
      if (round.removeIf(p -> p == STOP)) {
        running = false;
        queue.drainTo(round);
        round.removeIf(p -> p == STOP);
      }
      if (round.removeIf(p -> p == DELETE)) {
        runDeletions();
      }
      if (!round.isEmpty()) {
        try {
          commit(round);
        } catch (Throwable t) {
          // never leave a lane waiting: whatever was not completed fails
          LOG.log(Level.SEVERE, "writer commit round of " + round.size() + " send(s) failed unexpectedly", t);
          drawnAhead.clear();
          for (Prepared p : round) {
            p.cursor().failed = true;
          }
          for (Prepared p : round) {
            p.done().completeExceptionally(t);
          }
        }
      }
    }
    for (Prepared p : queue) {
      if (p != STOP && p != DELETE) {
        p.cursor().failed = true;
        p.done().completeExceptionally(new StoaException(Code.UNAVAILABLE, "writer: stopping, retry"));
      }
    }
    allocators.shutdown();
    for (Deletion d; (d = deletions.poll()) != null; ) {
      d.done().completeExceptionally(new IllegalStateException("writer committer stopped"));
    }
  }

  private void runDeletions() {
    for (Deletion d; (d = deletions.poll()) != null; ) {
      try {
        List<byte[]> keys = new ArrayList<>(d.records().size());
        for (KeyValue r : d.records()) {
          keys.add(r.key());
        }
        List<byte[]> now = kv.multiGet(keys);
        KvBatch batch = KvBatch.relaxed();
        for (int i = 0; i < keys.size(); i++) {
          if (Arrays.equals(now.get(i), d.records().get(i).value())) {
            batch.delete(keys.get(i));
          }
        }
        if (batch.size() > 0) {
          kv.write(batch);
        }
        d.done().complete(batch.size());
      } catch (RuntimeException e) {
        d.done().completeExceptionally(e);
      }
    }
  }

  private void commit(List<Prepared> round) {
    drawFirstNumbersAhead(round);
    KvBatch batch = KvBatch.relaxed();
    List<Prepared> written = new ArrayList<>(round.size());
    List<Committed> results = new ArrayList<>(round.size());
    for (Prepared p : round) {
      if (p.cursor().failed) {
        p.done().completeExceptionally(new StoaException(Code.UNAVAILABLE, "writer: send to "
            + p.send().session().id() + " not written because an earlier send of this session was not, retry"));
        continue;
      }
      try {
        results.add(append(batch, p));
        written.add(p);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "cannot prepare send of " + p.send().session().id() + " seq " + p.seq(), e);
        p.cursor().failed = true;
        p.done().completeExceptionally(e);
      }
    }
    drawnAhead.clear();
    if (written.isEmpty()) {
      return;
    }
    try {
      kv.write(batch);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "durable write of " + written.size() + " send(s), " + batch.size()
          + " ops failed", e);
      for (Prepared p : written) {
        p.cursor().failed = true;
      }
      Throwable failure = StorageFaults.toAnswer("write of " + written.size() + " send(s)", e);
      for (Prepared p : written) {
        p.done().completeExceptionally(failure);
      }
      return;
    }
    Syncer.Round durable = new Syncer.Round(written, results);
    if (!queue.isEmpty() || !syncer.syncHere(durable)) {
      syncer.add(durable);
    }
  }

  /** Draws the user-chain numbers of {@code p}, then adds its puts to {@code batch}; adds nothing if a draw fails. */
  private Committed append(KvBatch batch, Prepared p) {
    ValidSend send = p.send();
    String sessionId = send.session().id();
    long msgId = p.msgId();
    List<String> members = send.session().c2cMembers();
    long[] userSeqs = new long[members.size()];
    for (int i = 0; i < userSeqs.length; i++) {
      userSeqs[i] = nextUserSeq(members.get(i));
    }
    Message message = Message.newBuilder()
        .setSessionId(sessionId)
        .setSeq(p.seq())
        .setPreSeq(p.preSeq())
        .setMsgId(msgId)
        .setPreMsgId(p.preMsgId())
        .setFromUserId(send.userId())
        .setFromDeviceId(send.deviceId())
        .setClientMsgId(send.clientMsgId())
        .setBody(send.body())
        .setSentAt(p.sentAt())
        .build();
    SendAck ack = SendAck.newBuilder()
        .setClientMsgId(send.clientMsgId())
        .setSessionId(sessionId)
        .setMsgId(msgId)
        .setSeq(p.seq())
        .setPreSeq(p.preSeq())
        .setPreMsgId(p.preMsgId())
        .setSentAt(p.sentAt())
        .setCode(Code.OK)
        .build();
    batch.put(ChainKeys.body(msgId), message.toByteArray());
    sessionChain.append(batch, sessionId, new SessionEntry(p.seq(), msgId, p.preSeq(), p.preMsgId()));
    for (int i = 0; i < userSeqs.length; i++) {
      userChain.append(batch, members.get(i), new UserEntry(userSeqs[i], sessionId, p.seq(), msgId));
    }
    batch.put(p.dedupKey(), ack.toByteArray());
    return new Committed(ack, message);
  }

  /**
   * For every member of the round whose sequencer holds no block yet, draws its first number now,
   * all in parallel; {@link #nextUserSeq} hands them out first. Only worth it for two or more.
   */
  private void drawFirstNumbersAhead(List<Prepared> round) {
    Set<String> fresh = new LinkedHashSet<>();
    for (Prepared p : round) {
      for (String member : p.send().session().c2cMembers()) {
        if (userSequencer(member).peekAllocatedLimit() == 0) {
          fresh.add(member);
        }
      }
    }
    if (fresh.size() < 2) {
      return;
    }
    List<String> users = new ArrayList<>(fresh);
    List<Callable<Long>> draws = new ArrayList<>(users.size());
    for (String u : users) {
      BlockSequencer sequencer = userSequencer(u);
      draws.add(sequencer::next);
    }
    List<Future<Long>> drawn;
    try {
      drawn = allocators.invokeAll(draws);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    for (int i = 0; i < users.size(); i++) {
      try {
        drawnAhead.put(users.get(i), drawn.get(i).get());
      } catch (ExecutionException e) {
        drawnAhead.put(users.get(i), e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private long nextUserSeq(String userId) {
    Object ahead = drawnAhead.remove(userId);
    if (ahead instanceof Long n) {
      return n;
    }
    if (ahead instanceof RuntimeException e) {
      throw e;
    }
    if (ahead instanceof Throwable t) {
      throw new IllegalStateException("user-chain sequencer of '" + userId + "' failed", t);
    }
    return userSequencer(userId).next();
  }

  private BlockSequencer userSequencer(String userId) {
    return userSequencers.computeIfAbsent(userId,
        u -> new BlockSequencer(kv, ChainKeys.userHead(u), blockSize));
  }
}
