package dev.stoa.writer.impl;

import io.vertx.core.Future;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Takes each connection's sends into the pipeline in the order its gateway numbered them
 * ({@code SendRequest.conn_send_seq}), whatever order they arrive in and whatever the binding: a
 * gateway may hand the writer a connection's next send before the previous one is answered, and
 * the device's messages still keep their order in every session (PROTOCOL.md).
 *
 * <p>A send is <i>taken</i> when its task runs; the task's future completes once the send has
 * its place (for a one-to-one or group send: it is queued on its lane, whose order is commit
 * order; for a room send: once it is answered, since its membership check is asynchronous), and
 * only then is the connection's next send taken. Sequence 0 is taken at once (no order to keep).
 * Each send also says which of its connection's sends had all been answered when it was sent
 * ({@code conn_sends_answered}): the order goes on from the one after it, so a writer that meets
 * a connection for the first time (it started, or it forgot the connection) knows where it
 * stands even when the sends arrive out of order. One that is already behind (it arrived after
 * the gap before it was skipped) is taken at once. A
 * send whose predecessor has not arrived waits for it at most {@code gapMillis}; then the gap is
 * skipped and counted: the predecessor was lost on its way (its caller got the failure).
 * A connection idle for longer than {@code idleMillis} with nothing waiting is forgotten by
 * {@link #forgetIdle}.
 *
 * <p>Thread-safe: {@link #take} may be called from any thread; tasks run on the thread that made
 * them runnable (the caller, or the one completing the previous send's place) and must not block.
 */
public final class SendOrder {
  /** Arms a timer: after {@code delayMillis}, run {@code task} (on any thread). */
  @FunctionalInterface
  public interface Timers {
    void schedule(long delayMillis, Runnable task);
  }

  private final long gapMillis;
  private final Timers timers;
  private final LongSupplier clockMillis;
  private final Runnable onGapSkipped;
  private final Map<Long, Connection> connections = new ConcurrentHashMap<>();

  public SendOrder(long gapMillis, Timers timers, LongSupplier clockMillis, Runnable onGapSkipped) {
    this.gapMillis = gapMillis;
    this.timers = timers;
    this.clockMillis = clockMillis;
    this.onGapSkipped = onGapSkipped;
  }

  /**
   * Runs {@code task} when send {@code seq} of connection {@code connId} is next.
   *
   * @param answered every send of the connection numbered at or below this had been answered
   *     when this one was sent
   */
  public void take(long connId, long seq, long answered, Supplier<Future<?>> task) {
    if (seq == 0) {
      task.get();
      return;
    }
    Connection c = connections.computeIfAbsent(connId, id -> new Connection());
    c.offer(seq, answered, task);
  }

  /** Forgets connections idle for longer than {@code idleMillis} with nothing waiting; returns how many. */
  public int forgetIdle(long idleMillis) {
    long now = clockMillis.getAsLong();
    int[] forgotten = {0};
    connections.values().removeIf(c -> {
      boolean idle = c.idleSince(now, idleMillis);
      forgotten[0] += idle ? 1 : 0;
      return idle;
    });
    return forgotten[0];
  }

  /** Connections this writer knows the order of now. */
  public int connections() {
    return connections.size();
  }

  /** One connection's order. Guarded by its own monitor; tasks run outside it. */
  private final class Connection {
    private final TreeMap<Long, Supplier<Future<?>>> waiting = new TreeMap<>();
    private long next;
    private boolean busy;
    private boolean gapTimerArmed;
    private long lastUsed;

    Connection() {
      this.next = 1;
      this.lastUsed = clockMillis.getAsLong();
    }

    void offer(long seq, long answered, Supplier<Future<?>> task) {
      boolean late;
      synchronized (this) {
        lastUsed = clockMillis.getAsLong();
        if (answered + 1 > next && answered < seq) {
          next = answered + 1;
        }
        late = seq < next;
        if (!late) {
          waiting.put(seq, task);
        }
      }
      if (late) {
        task.get();
      } else {
        drain();
      }
    }

    /** Runs the next task if it is its turn and none is running. */
    private void drain() {
      Supplier<Future<?>> task;
      long seq;
      synchronized (this) {
        if (busy || waiting.isEmpty()) {
          return;
        }
        seq = waiting.firstKey();
        if (seq != next) {
          armGapTimer(next);
          return;
        }
        task = waiting.pollFirstEntry().getValue();
        busy = true;
      }
      Future<?> placed;
      try {
        placed = task.get();
      } catch (RuntimeException e) {
        placed = Future.failedFuture(e);
      }
      long taken = seq;
      placed.onComplete(ar -> {
        synchronized (this) {
          busy = false;
          next = Math.max(next, taken + 1);
        }
        drain();
      });
    }

    private void armGapTimer(long stuckAt) {
      if (gapTimerArmed) {
        return;
      }
      gapTimerArmed = true;
      timers.schedule(gapMillis, () -> {
        boolean skipped;
        synchronized (this) {
          gapTimerArmed = false;
          skipped = next == stuckAt && !busy && !waiting.isEmpty() && waiting.firstKey() > next;
          if (skipped) {
            next = waiting.firstKey();
          }
        }
        if (skipped) {
          onGapSkipped.run();
        }
        drain();
      });
    }

    synchronized boolean idleSince(long now, long idleMillis) {
      return !busy && waiting.isEmpty() && now - lastUsed > idleMillis;
    }
  }
}
