package dev.stoa.writer.impl;

import dev.stoa.kv.KvStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The second stage of the writer's pipelined group commit: the {@link Committer} writes each round
 * without waiting for stable storage and hands it here; this thread takes every round written
 * meanwhile, makes them durable with one {@link KvStore#sync()}, and only then completes their
 * sends. So the commit thread builds and writes the next round while the previous ones are being
 * flushed, and a flush covers as many rounds as arrived during the one before.
 *
 * <p>If a sync fails, every send of the rounds it covered fails and their sessions' cursors are
 * marked failed (the lanes reload the heads); those writes may still be visible to reads, since
 * they are in the store, but were never acknowledged. Thread-safe entry points {@link #add} and
 * {@link #close}.
 */
final class Syncer {
  private static final Logger LOG = Logger.getLogger(Syncer.class.getName());
  private static final Round STOP = new Round(List.of(), List.of());

  /** Sends written together, with what each is answered when durable (same order). */
  record Round(List<Prepared> sends, List<Committed> results) {}

  private final KvStore kv;
  private final LinkedBlockingQueue<Round> queue = new LinkedBlockingQueue<>();
  private final Thread thread;

  Syncer(KvStore kv) {
    this.kv = kv;
    this.thread = Thread.ofPlatform().name("stoa-writer-sync").daemon(true).unstarted(this::run);
  }

  void start() {
    thread.start();
  }

  void add(Round round) {
    queue.add(round);
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
      }
    }
  }

  private void syncAndComplete(List<Round> rounds) {
    try {
      kv.sync();
    } catch (RuntimeException e) {
      int sends = rounds.stream().mapToInt(r -> r.sends().size()).sum();
      LOG.log(Level.SEVERE, "writer: sync of " + rounds.size() + " written round(s), " + sends
          + " send(s), failed; none of them is acknowledged", e);
      for (Round r : rounds) {
        for (Prepared p : r.sends()) {
          p.cursor().failed = true;
        }
      }
      for (Round r : rounds) {
        for (Prepared p : r.sends()) {
          p.done().completeExceptionally(e);
        }
      }
      return;
    }
    for (Round r : rounds) {
      for (int i = 0; i < r.sends().size(); i++) {
        r.sends().get(i).done().complete(r.results().get(i));
      }
    }
  }
}
