package dev.stoa.writer.impl;

import dev.stoa.common.StoaException;
import dev.stoa.kv.KvStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The second stage of the writer's pipelined group commit: the {@link Committer} writes each round
 * without waiting for stable storage and hands it here; this thread takes every round written
 * meanwhile, makes them durable with one {@link KvStore#sync()}, and only then completes their
 * sends. So the commit thread builds and writes the next round while the previous ones are being
 * flushed, and a flush covers as many rounds as arrived during the one before. When the committer
 * has nothing else to write and no round is waiting here, it makes its round durable itself
 * ({@link #syncHere}): at low load a send then skips the hand-off to this thread, and rounds are
 * still answered in the order they were written.
 *
 * <p>If a sync fails, every send of the rounds it covered fails (UNAVAILABLE) and their sessions'
 * cursors are marked failed (the lanes reload the heads); those writes may still be visible to
 * reads, since they are in the store, but were never acknowledged. Until a later sync succeeds
 * (which makes every write before it durable, those included) the store holds records that reads
 * see and a crash may lose: {@link #durable()} then answers only after such a sync, so a resend
 * whose dedup record came from a failed round is not answered OK before it is durable. The flag is
 * set before the failed sends are answered, so a resend of one of them (which reads its dedup
 * record after that answer) always sees it. Thread-safe entry points {@link #add},
 * {@link #syncHere}, {@link #durable} and {@link #close}.
 */
final class Syncer {
  private static final Logger LOG = Logger.getLogger(Syncer.class.getName());
  private static final Round STOP = new Round(List.of(), List.of(), null);

  /**
   * Sends written together, with what each is answered when durable (same order); or, with no
   * sends, a {@code barrier} completed once a sync after it succeeded.
   */
  record Round(List<Prepared> sends, List<Committed> results, CompletableFuture<Void> barrier) {
    Round(List<Prepared> sends, List<Committed> results) {
      this(sends, results, null);
    }
  }

  private final KvStore kv;
  private final LinkedBlockingQueue<Round> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  /** True from a failed sync until a later one succeeds: written records may not be durable. */
  private volatile boolean durabilityLost;
  /** Rounds added or being synced by {@link #syncHere} and not yet answered; guarded by {@code this}. */
  private int outstanding;

  Syncer(KvStore kv) {
    this.kv = kv;
    this.thread = Thread.ofPlatform().name("stoa-writer-sync").daemon(true).unstarted(this::run);
  }

  void start() {
    thread.start();
  }

  void add(Round round) {
    synchronized (this) {
      outstanding++;
    }
    queue.add(round);
  }

  /**
   * Syncs and answers {@code round} on the calling thread if no other round is waiting or being
   * synced (so answers keep write order); otherwise does nothing and returns false (then
   * {@link #add} it). Blocks for the sync.
   */
  boolean syncHere(Round round) {
    synchronized (this) {
      if (outstanding > 0) {
        return false;
      }
      outstanding++;
    }
    try {
      syncAndComplete(List.of(round));
    } finally {
      synchronized (this) {
        outstanding--;
      }
    }
    return true;
  }

  /**
   * Completes once every write that returned before this call is durable: at once when no sync
   * has failed since the last one that succeeded, else after a sync that succeeds (exceptionally,
   * UNAVAILABLE, if it fails too).
   */
  CompletableFuture<Void> durable() {
    if (!durabilityLost) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> barrier = new CompletableFuture<>();
    add(new Round(List.of(), List.of(), barrier));
    return barrier;
  }

  /** Syncs and completes what was added, then ends the thread; waits up to {@code timeoutMillis}. */
  void close(long timeoutMillis) throws InterruptedException {
    queue.add(STOP);
    thread.join(timeoutMillis);
    if (thread.isAlive()) {
      LOG.warning("writer sync thread did not stop within " + timeoutMillis + " ms");
    }
  }

  private void run() {
    List<Round> rounds = new ArrayList<>();
    boolean running = true;
    while (running && Batches.take(queue, rounds, Integer.MAX_VALUE)) {
      if (rounds.removeIf(r -> r == STOP)) {
        running = false;
      }
      if (!rounds.isEmpty()) {
        syncAndComplete(rounds);
        synchronized (this) {
          outstanding -= rounds.size();
        }
      }
    }
  }

  private void syncAndComplete(List<Round> rounds) {
    try {
      kv.sync();
    } catch (RuntimeException e) {
      durabilityLost = true; // before any answer: a resend of a failed send must see it
      int sends = rounds.stream().mapToInt(r -> r.sends().size()).sum();
      LOG.log(Level.SEVERE, "writer: sync of " + rounds.size() + " written round(s), " + sends
          + " send(s), failed; none of them is acknowledged", e);
      StoaException failure = StorageFaults.unavailable("sync of the written sends", e);
      for (Round r : rounds) {
        for (Prepared p : r.sends()) {
          p.cursor().failed = true;
        }
      }
      for (Round r : rounds) {
        for (Prepared p : r.sends()) {
          p.done().completeExceptionally(failure);
        }
        if (r.barrier() != null) {
          r.barrier().completeExceptionally(failure);
        }
      }
      return;
    }
    durabilityLost = false; // this sync covered every write before it, the failed rounds' too
    for (Round r : rounds) {
      if (r.barrier() != null) {
        r.barrier().complete(null);
      }
      for (int i = 0; i < r.sends().size(); i++) {
        r.sends().get(i).done().complete(r.results().get(i));
      }
    }
  }
}
