package dev.stoa.index.wal.impl;

import dev.stoa.index.wal.DurableFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The group commit of one shard log: the appends not yet durable, the dirty byte ranges of the
 * mapped segments, and the one flusher thread ({@code wal-flusher-<dir>}, none when {@code
 * threaded} is false) that forces many appends' ranges at once and completes their futures.
 *
 * <p><b>Guarantees.</b> A round ({@link #flushOnce}) forces every range written before it started
 * (rolled segments with their index, then the active segment, then the directory if a segment was
 * created), and only then reports the new durable offset ({@link Log#durable}) and completes the
 * round's futures, <em>on the thread that ran the round</em>, outside both locks. A failed force
 * hands the cause to {@link Log#failed} and fails the round's futures; nothing after it is
 * reported durable. Under group commit a round waits until {@code groupCommitBytes} are pending or
 * {@code groupCommitMs} after the first pending append; while appends come back within 300 µs of a
 * force the thread polls (yielding) instead of parking.
 *
 * <p><b>Threads.</b> Methods documented "under the append lock" must be called holding the log's
 * append lock, which guards all pending state; the flush lock serializes rounds against retention
 * and truncation. {@link #flushOnce} runs on the flusher thread, or on the closing thread after
 * {@link #join}. No force runs under the append lock.
 */
public final class Flusher {
  /**
   * After a force the flusher polls this long for the next append (yielding the CPU to any other
   * runnable thread) before it parks, as long as appends have been coming back that fast: a writer
   * that waits for each append to be durable appends again within microseconds of being woken, and
   * waking a parked flusher costs more than the force itself on a small virtual machine.
   */
  private static final long FLUSHER_SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(300);

  /** The owning log, as the flusher sees it; called with the locks noted on each method. */
  public interface Log {
    /** Whether the log is ONLINE (read under the append lock, or racily by the loop). */
    boolean online();

    /** Whether the log went OFFLINE after a disk error (under the append lock). */
    boolean offline();

    /** The active segment (under the append lock). */
    Segment active();

    /** The offset the next append gets (under the append lock). */
    long nextOffset();

    /** Everything below {@code end} is durable (under the flush lock). */
    void durable(long end);

    /** Takes the log offline (no lock held); returns the error that pending appends fail with. */
    Throwable failed(Throwable cause);

    /** After a successful round's futures completed (no lock held). */
    void flushed(long end, boolean closing, boolean rolled);
  }

  private record DirtyRange(Segment segment, int from, int to) {}

  private final Path dir;
  private final Log log;
  private final DiskFaults faults;
  private final boolean group;
  private final long groupNanos;
  private final long groupBytes;
  private final ReentrantLock appendLock;
  private final ReentrantLock flushLock;
  private final Condition flushWanted;
  private final AtomicLong forces = new AtomicLong();
  private final Thread thread;

  /** Appends so far (written under the append lock); polled by the spinning flusher without it. */
  private volatile long appendCount;

  // guarded by appendLock
  private ArrayDeque<AppendFuture> pending = new ArrayDeque<>();
  private long pendingBytes;
  private long firstPendingNanos;
  private int dirtyFrom;
  private List<DirtyRange> sealed = new ArrayList<>();
  private boolean segmentCreated;
  private boolean idle;
  private boolean timed;
  private boolean running = true;

  // owned by whoever runs flushOnce (the flusher, or close after the flusher ended)
  private ArrayDeque<AppendFuture> spareBatch = new ArrayDeque<>();
  private List<DirtyRange> spareSealed = new ArrayList<>();

  /**
   * @param threaded whether to run a flusher thread (false: only {@link #flushOnce} at close)
   * @param group whether rounds wait for {@code groupCommitMs}/{@code groupCommitBytes}
   * @param dirtyFrom position in the active segment from which bytes are not yet forced
   */
  public Flusher(Path dir, Log log, DiskFaults faults, boolean threaded, boolean group, long groupCommitMs,
      long groupCommitBytes, ReentrantLock appendLock, ReentrantLock flushLock, int dirtyFrom) {
    this.dir = dir;
    this.log = log;
    this.faults = faults;
    this.group = group;
    this.groupNanos = TimeUnit.MILLISECONDS.toNanos(groupCommitMs);
    this.groupBytes = groupCommitBytes;
    this.appendLock = appendLock;
    this.flushLock = flushLock;
    this.flushWanted = appendLock.newCondition();
    this.dirtyFrom = dirtyFrom;
    this.thread = threaded
        ? Thread.ofPlatform().name("wal-flusher-" + dir.getFileName()).daemon(true).unstarted(this::loop)
        : null;
  }

  /** Starts the flusher thread, if any. */
  public void start() {
    if (thread != null) {
      thread.start();
    }
  }

  /** Forces done since open (one covers many appends under group commit). */
  public long forceCount() {
    return forces.get();
  }

  /** Under the append lock: queues the future of an append of {@code framed} bytes just written. */
  public void enqueue(AppendFuture f, int framed) {
    appendCount = appendCount + 1;
    if (pending.isEmpty()) {
      firstPendingNanos = System.nanoTime();
    }
    pending.addLast(f);
    pendingBytes += framed;
    if (idle || (timed && pendingBytes >= groupBytes)) {
      flushWanted.signal();
    }
  }

  /** Under the append lock: {@code old} stopped being active; its unforced tail goes with the next round. */
  public void rolled(Segment old) {
    sealed.add(new DirtyRange(old, dirtyFrom, old.position()));
    dirtyFrom = 0;
    segmentCreated = true;
  }

  /** Under the append lock: these segments are being deleted; they need no force. */
  public void forget(List<Segment> doomed) {
    sealed.removeIf(r -> doomed.contains(r.segment()));
  }

  /**
   * Under the append lock: the log was cut at {@code offset}, position {@code pos} of {@code seg}
   * (now the active segment); returns the pending appends at or past the cut, latest first.
   */
  public List<AppendFuture> truncated(Segment seg, boolean wasActive, int pos, List<Segment> doomed, long offset) {
    dirtyFrom = wasActive ? Math.min(dirtyFrom, pos) : pos;
    forget(doomed);
    List<AppendFuture> dropped = new ArrayList<>();
    while (!pending.isEmpty() && pending.peekLast().offset() >= offset) {
      dropped.add(pending.pollLast());
    }
    if (pending.isEmpty()) {
      pendingBytes = 0;
    }
    return dropped;
  }

  /** Under the append lock: removes and returns every pending append, and wakes the flusher. */
  public List<AppendFuture> drainPending() {
    List<AppendFuture> all = new ArrayList<>(pending);
    pending.clear();
    pendingBytes = 0;
    flushWanted.signalAll();
    return all;
  }

  /** Under the append lock: the flusher thread ends at its next check. */
  public void stop() {
    running = false;
    flushWanted.signalAll();
  }

  /** Waits for the flusher thread to end, unless called on it (then it ends by itself). */
  public void join() {
    if (thread == null || !thread.isAlive() || Thread.currentThread() == thread) {
      return; // closed from a dependent stage of an append: the flusher sees running == false and ends
    }
    boolean interrupted = false;
    while (true) {
      try {
        thread.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void loop() {
    try {
      long seen = appendCount;
      boolean appendsComeBackFast = true;
      while (true) {
        if (appendsComeBackFast) {
          long spinUntil = System.nanoTime() + FLUSHER_SPIN_NANOS;
          while (appendCount == seen && running && System.nanoTime() < spinUntil) {
            Thread.yield();
          }
          appendsComeBackFast = appendCount != seen;
        }
        appendLock.lock();
        try {
          while (running && log.online() && pending.isEmpty() && sealed.isEmpty()) {
            idle = true;
            long parkedAt = System.nanoTime();
            flushWanted.await();
            appendsComeBackFast = System.nanoTime() - parkedAt < FLUSHER_SPIN_NANOS;
          }
          idle = false;
          if (!running || !log.online()) {
            return;
          }
          if (group) {
            timed = true;
            long deadline = firstPendingNanos + groupNanos;
            while (running && pendingBytes < groupBytes) {
              long wait = deadline - System.nanoTime();
              if (wait <= 0) {
                break;
              }
              flushWanted.awaitNanos(wait);
            }
            timed = false;
            if (!running) {
              return;
            }
          }
          seen = appendCount;
        } finally {
          appendLock.unlock();
        }
        flushOnce(false);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.failed(e);
    } catch (Throwable t) {
      log.failed(t);
    }
  }

  /**
   * Forces everything appended so far in one round and completes the appends it covers. The
   * closing call runs after the flusher ended and skips the state check.
   */
  public void flushOnce(boolean closing) {
    ArrayDeque<AppendFuture> batch;
    long end;
    boolean rolled;
    flushLock.lock();
    try {
      Segment seg;
      int from;
      int to;
      List<DirtyRange> ranges;
      boolean dirSync;
      appendLock.lock();
      try {
        if (closing ? log.offline() : !log.online()) {
          return;
        }
        seg = log.active();
        from = dirtyFrom;
        to = seg.position();
        dirtyFrom = to;
        ranges = sealed;
        sealed = spareSealed != null ? spareSealed : new ArrayList<>();
        spareSealed = null;
        batch = pending;
        pending = spareBatch != null ? spareBatch : new ArrayDeque<>();
        spareBatch = null;
        pendingBytes = 0;
        dirSync = segmentCreated;
        segmentCreated = false;
        end = log.nextOffset();
      } finally {
        appendLock.unlock();
      }
      Throwable failure = null;
      try {
        for (DirtyRange r : ranges) {
          faults.beforeForce(r.segment().logPath());
          r.segment().force(r.from(), r.to());
          r.segment().index().force();
        }
        if (to > from) {
          faults.beforeForce(seg.logPath());
          seg.force(from, to);
        }
        if (closing) {
          seg.index().force();
        }
        if (dirSync) {
          DurableFiles.fsyncDirectory(dir);
        }
        forces.incrementAndGet();
      } catch (IOException | RuntimeException | Error e) {
        failure = e;
      }
      rolled = !ranges.isEmpty();
      ranges.clear();
      spareSealed = ranges;
      if (failure != null) {
        Throwable ex = log.failed(failure);
        for (AppendFuture f : batch) {
          f.completeExceptionally(ex);
        }
        batch.clear();
        spareBatch = batch;
        return;
      }
      log.durable(end);
    } finally {
      flushLock.unlock();
    }
    for (AppendFuture f : batch) {
      f.completeDurable();
    }
    batch.clear();
    spareBatch = batch;
    log.flushed(end, closing, rolled);
  }
}
