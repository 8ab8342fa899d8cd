package dev.stoa.index.wal;

import dev.stoa.index.wal.impl.AppendFuture;
import dev.stoa.index.wal.impl.Checkpoint;
import dev.stoa.index.wal.impl.DiskFaults;
import dev.stoa.index.wal.impl.DurableWaiters;
import dev.stoa.index.wal.impl.LogRecovery;
import dev.stoa.index.wal.impl.RecordFormat;
import dev.stoa.index.wal.impl.Segment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.zip.CRC32C;

/**
 * The write-ahead log of one shard: an append-only sequence of records with logical offsets
 * {@code startOffset .. endOffset-1}, stored in segment files of one directory (FORMAT.md), shaped
 * like Kafka's log.
 *
 * <p><b>Appends.</b> {@link #append} assigns the next offset, writes the record into the mapped
 * active segment (rolling to a new segment when it does not fit or when the active segment's first
 * record was written {@code segmentMaxAgeMs} ago by the log's clock; after a reopen, that
 * record's own timestamp stands in, since the write time is not stored) and returns a future that completes with the
 * offset once the record is durable under {@link WalOptions#durability()}. One flusher thread per
 * log (none under {@link Durability#NONE}) forces the dirty ranges of many appends at once and
 * completes their futures <em>on the flusher thread</em>: dependent stages must not block (use the
 * {@code *Async} variants for real work). While appends keep arriving within 300 µs of a force, the
 * flusher polls for the next one (yielding) instead of parking, which saves a thread wake-up per
 * durable append.
 *
 * <p><b>Durable offset and reads.</b> {@link #durableOffset()} is one past the last durable record
 * (under NONE every written record counts as durable). Readers see durable records only: {@link
 * #read} never returns a record at or past the durable offset, and {@link #awaitDurable} lets a
 * long-poll wait for more. Every record read is checked against its CRC32C; a mismatch is a {@link
 * WalCorruptionException}, never wrong bytes.
 *
 * <p><b>Failure.</b> Any disk error (from force, map, file creation or deletion) takes the log
 * OFFLINE at once (fail-stop): a SEVERE log naming the directory and cause, {@link #state()} becomes
 * OFFLINE, {@link #whenOffline()} completes, and every pending and later append fails with {@link
 * WalOfflineException}. Durable records stay readable.
 *
 * <p><b>Recovery.</b> {@link #open} recovers the directory ({@link #recovery()} says what it found),
 * forces what it kept and rewrites the checkpoint, so that afterwards {@code durableOffset ==
 * endOffset}. The flusher rewrites the checkpoint after a force at most once a second, after every
 * force that completes a rolled segment, after {@link #truncateTo} and at {@link #close()}.
 *
 * <p><b>Thread-safety.</b> All methods are thread-safe. Appends serialize on one lock that is never
 * held during a force or file deletion; reads run concurrently with appends and with each other;
 * {@link #enforceRetention()}, {@link #truncateTo} and {@link #close()} wait for running reads.
 * Visitors of {@link #read(long, int, RecordVisitor)} must not call back into retention, truncation
 * or close.
 */
public final class ShardLog implements AutoCloseable {
  /** Lifecycle: ONLINE → OFFLINE (disk error) → CLOSED, or ONLINE → CLOSED. */
  public enum State {
    ONLINE, OFFLINE, CLOSED
  }

  private static final Logger LOG = Logger.getLogger(ShardLog.class.getName());
  private static final long CHECKPOINT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
  /**
   * After a force the flusher polls this long for the next append (yielding the CPU to any other
   * runnable thread) before it parks, as long as appends have been coming back that fast: a writer
   * that waits for each append to be durable appends again within microseconds of being woken, and
   * waking a parked flusher costs more than the force itself on a small virtual machine.
   */
  private static final long FLUSHER_SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(300);
  static final String LOCK_FILE = "lock";

  private record DirtyRange(Segment segment, int from, int to) {}

  private final Path dir;
  private final WalOptions options;
  private final Durability durability;
  private final Clock clock;
  private final DiskFaults faults;
  private final FileChannel lockChannel;
  private final FileLock dirLock;
  private final RecoveryReport recovery;
  private final ReentrantReadWriteLock segmentsLock = new ReentrantReadWriteLock();
  private final ReentrantLock flushLock = new ReentrantLock();
  private final ReentrantLock appendLock = new ReentrantLock();
  private final Condition flushWanted = appendLock.newCondition();
  private final DurableWaiters waiters = new DurableWaiters(this::durableOffset);
  private final CompletableFuture<WalOfflineException> offline = new CompletableFuture<>();
  private final AtomicLong forces = new AtomicLong();
  private final Thread flusher;

  private volatile Segment[] segments;
  private volatile long startOffset;
  private volatile long endOffset;
  private volatile long durableOffset;
  private volatile State state = State.ONLINE;
  private volatile WalOfflineException offlineError;
  /** Appends so far (written under the append lock); polled by the spinning flusher without it. */
  private volatile long appendCount;

  // guarded by appendLock
  private Segment active;
  private long nextOffset;
  private final CRC32C crc = new CRC32C();
  private ArrayDeque<AppendFuture> pending = new ArrayDeque<>();
  private long pendingBytes;
  private long firstPendingNanos;
  private int dirtyFrom;
  private List<DirtyRange> sealed = new ArrayList<>();
  private boolean segmentCreated;
  private boolean flusherIdle;
  private boolean flusherTimed;
  private boolean running = true;

  // owned by whoever runs flushOnce (the flusher, or close after the flusher ended)
  private ArrayDeque<AppendFuture> spareBatch = new ArrayDeque<>();
  private List<DirtyRange> spareSealed = new ArrayList<>();
  // guarded by flushLock
  private long checkpointed;
  private long lastCheckpointNanos;

  private ShardLog(Path dir, WalOptions options, Clock clock, DiskFaults faults, FileChannel lockChannel,
      FileLock dirLock, LogRecovery.Result recovered) throws IOException {
    this.dir = dir;
    this.options = options;
    this.durability = options.durability();
    this.clock = clock;
    this.faults = faults;
    this.lockChannel = lockChannel;
    this.dirLock = dirLock;
    this.recovery = recovered.report();
    this.segments = recovered.segments().toArray(Segment[]::new);
    this.active = segments[segments.length - 1];
    this.nextOffset = recovery.endOffset();
    this.startOffset = recovery.startOffset();
    this.endOffset = nextOffset;
    this.durableOffset = nextOffset;
    this.dirtyFrom = active.position();
    for (Segment s : segments) {
      s.force(0, s.position());
      s.index().force();
    }
    Checkpoint.write(dir, nextOffset);
    this.checkpointed = nextOffset;
    this.lastCheckpointNanos = System.nanoTime();
    this.flusher = durability == Durability.NONE ? null
        : Thread.ofPlatform().name("wal-flusher-" + dir.getFileName()).daemon(true).unstarted(this::flushLoop);
  }

  /**
   * Opens (creating the directory if needed) and recovers the log of one shard; takes an exclusive
   * lock on {@code dir/lock} for as long as the log is open.
   *
   * @throws WalCorruptionException if durable data is damaged (see FORMAT.md "Recovery")
   * @throws IOException on a disk error or if another log holds the directory
   */
  public static ShardLog open(Path dir, WalOptions options, Clock clock) throws IOException {
    return open(dir, options, clock, DiskFaults.NONE);
  }

  static ShardLog open(Path dir, WalOptions options, Clock clock, DiskFaults faults) throws IOException {
    Files.createDirectories(dir);
    FileChannel lockChannel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = lockChannel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      lockChannel.close();
      throw new IOException("shard directory " + dir + " is already open (its " + LOCK_FILE + " file is locked)");
    }
    try {
      LogRecovery.Result r = LogRecovery.recover(dir, (int) options.segmentBytes(), options.indexIntervalBytes());
      ShardLog log;
      try {
        log = new ShardLog(dir, options, clock, faults, lockChannel, lock, r);
      } catch (IOException | RuntimeException e) {
        for (Segment s : r.segments()) {
          s.close();
        }
        throw e;
      }
      if (log.flusher != null) {
        log.flusher.start();
      }
      RecoveryReport rep = log.recovery;
      LOG.info(() -> "opened shard log " + dir + ": offsets [" + rep.startOffset() + ", " + rep.endOffset() + ") in "
          + rep.segments() + " segments, " + rep.recordsScanned() + " records scanned, " + rep.bytesDropped()
          + " bytes dropped, checkpoint " + rep.checkpoint() + " " + rep.checkpointOffset() + ", durability "
          + log.durability);
      return log;
    } catch (IOException | RuntimeException | Error e) {
      lock.release();
      lockChannel.close();
      throw e;
    }
  }

  /** What recovery found when this log was opened. */
  public RecoveryReport recovery() {
    return recovery;
  }

  public Path dir() {
    return dir;
  }

  public WalOptions options() {
    return options;
  }

  public State state() {
    return state;
  }

  /** Completes (with the error that took it offline) when the log goes OFFLINE. */
  public CompletableFuture<WalOfflineException> whenOffline() {
    return offline.copy();
  }

  /** First offset still in the log; moves forward with retention. */
  public long startOffset() {
    return startOffset;
  }

  /** Offset the next append gets. */
  public long endOffset() {
    return endOffset;
  }

  /** One past the last durable record; readers see records below it only. */
  public long durableOffset() {
    return durableOffset;
  }

  /** Forces done by the flusher since open (one covers many appends under group commit). */
  public long forceCount() {
    return forces.get();
  }

  /** {@link #append(int, long, MemorySegment)} of a heap array. */
  public CompletableFuture<Long> append(int epoch, long timestampMillis, byte[] payload) {
    return append(epoch, timestampMillis, payload, null, payload.length);
  }

  /**
   * Appends one record; thread-safe. Returns the future of its offset, completed when the record is
   * durable under the policy, or failed with {@link WalOfflineException} (disk error), {@link
   * WalException} (closed, or removed by {@link #truncateTo} before it was durable). As in any log,
   * a failed append's record may still be found after a reopen (it was written, its force failed).
   *
   * @param payload copied into the log; at most {@link WalOptions#maxRecordBytes()} bytes
   * @throws IllegalArgumentException if the payload is too large
   */
  public CompletableFuture<Long> append(int epoch, long timestampMillis, MemorySegment payload) {
    return append(epoch, timestampMillis, null, payload, payload.byteSize());
  }

  /** One of {@code array} and {@code segment} is the payload. */
  private CompletableFuture<Long> append(int epoch, long timestampMillis, byte[] array, MemorySegment segment,
      long size) {
    if (size > options.maxRecordBytes()) {
      throw new IllegalArgumentException("record payload of " + size + " bytes exceeds the maximum of "
          + options.maxRecordBytes() + " bytes (" + WalOptions.MAX_RECORD_BYTES.name() + ") of shard log " + dir);
    }
    int framed = RecordFormat.framedSize((int) size);
    AppendFuture f = durability == Durability.NONE ? null : new AppendFuture();
    long offset;
    Throwable failure = null;
    appendLock.lock();
    try {
      if (state != State.ONLINE) {
        return CompletableFuture.failedFuture(notOnline());
      }
      Segment seg = active;
      long now = clock.millis();
      if (!seg.fits(framed) || (!seg.isEmpty() && now - seg.rollAgeBase() >= options.segmentMaxAgeMs())) {
        seg = roll(framed);
      }
      if (seg.isEmpty()) {
        seg.rollAgeBase(now);
      }
      offset = nextOffset;
      if (array != null) {
        seg.write(offset, epoch, timestampMillis, array, crc);
      } else {
        seg.write(offset, epoch, timestampMillis, segment, crc);
      }
      nextOffset = offset + 1;
      endOffset = offset + 1;
      if (f == null) {
        durableOffset = offset + 1;
      } else {
        appendCount = appendCount + 1;
        f.offset(offset);
        if (pending.isEmpty()) {
          firstPendingNanos = System.nanoTime();
        }
        pending.addLast(f);
        pendingBytes += framed;
        if (flusherIdle || (flusherTimed && pendingBytes >= options.groupCommitBytes())) {
          flushWanted.signal();
        }
      }
    } catch (IOException | UncheckedIOException | InternalError e) {
      failure = e;
      offset = -1;
    } finally {
      appendLock.unlock();
    }
    if (failure != null) {
      goOffline(failure);
      return CompletableFuture.failedFuture(notOnline());
    }
    if (f == null) {
      waiters.advance(offset + 1);
      return CompletableFuture.completedFuture(offset);
    }
    return f;
  }

  private Segment roll(int framed) throws IOException {
    Segment old = active;
    if (old.isEmpty()) {
      throw new IOException("segment " + old.logPath() + " of " + old.capacity() + " bytes cannot hold a record of "
          + framed + " bytes");
    }
    Segment next = Segment.create(dir, nextOffset, (int) options.segmentBytes(), options.indexIntervalBytes());
    sealed.add(new DirtyRange(old, dirtyFrom, old.position()));
    dirtyFrom = 0;
    segmentCreated = true;
    Segment[] cur = segments;
    Segment[] grown = Arrays.copyOf(cur, cur.length + 1);
    grown[cur.length] = next;
    segments = grown;
    active = next;
    LOG.fine(() -> "shard " + dir + ": rolled to " + next.logPath().getFileName() + " after " + old);
    return next;
  }

  private WalException notOnline() {
    WalOfflineException e = offlineError;
    return e != null ? e : new WalException("shard log " + dir + " is closed");
  }

  /** Completes with the durable offset once it is greater than {@code offset} (long-poll). */
  public CompletableFuture<Long> awaitDurable(long offset) {
    return waiters.await(offset);
  }

  /**
   * Durable records from {@code fromOffset} on, in offset order, each with its own payload copy:
   * records while their total size (header included) stays within {@code maxBytes}, and always at
   * least one if {@code fromOffset} is below the durable offset. Empty at the durable offset.
   *
   * @throws OffsetOutOfRangeException if {@code fromOffset} is below the start offset or past the end
   * @throws WalCorruptionException if a record does not match its CRC32C
   */
  public List<LogRecord> read(long fromOffset, int maxBytes) {
    List<LogRecord> out = new ArrayList<>();
    read(fromOffset, maxBytes, (offset, epoch, ts, payload) ->
        out.add(new LogRecord(offset, epoch, ts, payload.toArray(ValueLayout.JAVA_BYTE))));
    return out;
  }

  /**
   * Like {@link #read(long, int)} without copies: the visitor sees a read-only view of each payload
   * in the mapped file, valid during the call only.
   *
   * @return the offset after the last record visited (the {@code fromOffset} of the next read)
   */
  public long read(long fromOffset, int maxBytes, RecordVisitor visitor) {
    segmentsLock.readLock().lock();
    try {
      if (state == State.CLOSED) {
        throw new WalException("shard log " + dir + " is closed");
      }
      long limit = durableOffset;
      Segment[] segs = segments;
      long start = startOffset;
      long end = endOffset;
      if (fromOffset < start || fromOffset > end) {
        throw new OffsetOutOfRangeException("offset " + fromOffset + " is outside [" + start + ", " + end
            + "] of shard log " + dir + (fromOffset < start ? " (deleted by retention)" : ""));
      }
      if (fromOffset >= limit) {
        return fromOffset;
      }
      int i = segmentIndexOf(segs, fromOffset);
      Segment seg = segs[i];
      int pos = seg.positionOf(fromOffset);
      if (pos < 0) {
        throw new WalCorruptionException("shard log " + dir + ": offset " + fromOffset + " not found in "
            + seg.logPath() + " (headers damaged), durable offset " + limit);
      }
      MemorySegment m = seg.memory();
      ByteBuffer view = seg.newView();
      CRC32C check = new CRC32C();
      long offset = fromOffset;
      long bytes = 0;
      while (offset < limit) {
        if (pos + RecordFormat.HEADER_BYTES > m.byteSize() || RecordFormat.length(m, pos) == 0) {
          i++;
          if (i >= segs.length || segs[i].baseOffset() != offset) {
            throw new WalCorruptionException("shard log " + dir + ": " + seg.logPath() + " ends at position " + pos
                + " before durable offset " + offset + " and no segment starts there");
          }
          seg = segs[i];
          m = seg.memory();
          view = seg.newView();
          pos = 0;
          continue;
        }
        int len = RecordFormat.length(m, pos);
        if (!RecordFormat.headerValid(m, pos, m.byteSize(), offset)) {
          throw new WalCorruptionException("shard log " + dir + ": bad record header for offset " + offset
              + " at position " + pos + " of " + seg.logPath() + " (length " + len + ", offset "
              + RecordFormat.offset(m, pos) + ")");
        }
        int computed = Segment.crcOf(check, view, pos, len);
        int stored = RecordFormat.crc(m, pos);
        if (computed != stored) {
          throw new WalCorruptionException("shard log " + dir + ": CRC32C mismatch for offset " + offset
              + " at position " + pos + " of " + seg.logPath() + ": stored " + Integer.toHexString(stored)
              + ", computed " + Integer.toHexString(computed));
        }
        if (bytes > 0 && bytes + len > maxBytes) {
          break;
        }
        visitor.visit(offset, RecordFormat.epoch(m, pos), RecordFormat.timestamp(m, pos),
            m.asSlice(pos + RecordFormat.HEADER_BYTES, len - RecordFormat.HEADER_BYTES).asReadOnly());
        bytes += len;
        offset++;
        pos += RecordFormat.align(len);
      }
      return offset;
    } finally {
      segmentsLock.readLock().unlock();
    }
  }

  private static int segmentIndexOf(Segment[] segs, long offset) {
    int lo = 0;
    int hi = segs.length - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (segs[mid].baseOffset() <= offset) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /**
   * Deletes whole closed segments from the oldest on while the oldest is durable and either its last
   * record is older than {@code retentionMs} (by the clock) or the log holds more than {@code
   * retentionBytes} of records. The start offset moves to the first remaining record. The active
   * segment is never deleted. Called periodically by the owner of the log.
   *
   * @return segments deleted
   */
  public int enforceRetention() {
    List<Segment> doomed = new ArrayList<>();
    long newStart;
    segmentsLock.writeLock().lock();
    try {
      flushLock.lock();
      try {
        appendLock.lock();
        try {
          if (state == State.CLOSED) {
            throw new WalException("shard log " + dir + " is closed");
          }
          Segment[] segs = segments;
          long now = clock.millis();
          long total = 0;
          for (Segment s : segs) {
            total += s.position();
          }
          long durable = durableOffset;
          int n = 0;
          while (n < segs.length - 1) {
            Segment s = segs[n];
            if (s.nextOffset() > durable) {
              break;
            }
            boolean old = options.retentionMs() >= 0 && (s.isEmpty() || now - s.lastTimestamp() > options.retentionMs());
            boolean big = options.retentionBytes() >= 0 && total > options.retentionBytes();
            if (!old && !big) {
              break;
            }
            total -= s.position();
            doomed.add(s);
            n++;
          }
          if (n == 0) {
            return 0;
          }
          segments = Arrays.copyOfRange(segs, n, segs.length);
          newStart = segments[0].baseOffset();
          startOffset = newStart;
          sealed.removeIf(r -> doomed.contains(r.segment()));
        } finally {
          appendLock.unlock();
        }
        IOException failure = null;
        for (Segment s : doomed) {
          try {
            s.delete();
          } catch (IOException e) {
            failure = e;
          }
        }
        if (failure != null) {
          goOffline(failure);
        }
      } finally {
        flushLock.unlock();
      }
    } finally {
      segmentsLock.writeLock().unlock();
    }
    LOG.info(() -> "shard " + dir + ": retention deleted " + doomed.size() + " segments, start offset now " + newStart);
    return doomed.size();
  }

  /**
   * Removes every record at or after {@code offset} (leader-epoch truncation): later segments are
   * deleted, the rest of the segment holding {@code offset} is zeroed and forced, the checkpoint is
   * lowered if it was above. Appends not yet durable at or past {@code offset} fail.
   *
   * @throws OffsetOutOfRangeException if {@code offset} is outside [start, end]
   */
  public void truncateTo(long offset) {
    List<Segment> doomed = new ArrayList<>();
    List<AppendFuture> dropped = new ArrayList<>();
    segmentsLock.writeLock().lock();
    try {
      flushLock.lock();
      try {
        Segment seg;
        int pos;
        int oldPos;
        appendLock.lock();
        try {
          if (state != State.ONLINE) {
            throw notOnline();
          }
          long start = startOffset;
          long end = nextOffset;
          if (offset < start || offset > end) {
            throw new OffsetOutOfRangeException("cannot truncate shard log " + dir + " to offset " + offset
                + ": outside [" + start + ", " + end + "]");
          }
          if (offset == end) {
            return;
          }
          Segment[] segs = segments;
          int i = segmentIndexOf(segs, offset);
          seg = segs[i];
          pos = seg.positionOf(offset);
          if (pos < 0) {
            throw new WalCorruptionException("shard log " + dir + ": offset " + offset + " not found in "
                + seg.logPath());
          }
          long lastTs = 0;
          if (offset > seg.baseOffset()) {
            int prev = seg.positionOf(offset - 1);
            lastTs = prev < 0 ? 0 : RecordFormat.timestamp(seg.memory(), prev);
          }
          oldPos = seg.position();
          doomed.addAll(Arrays.asList(segs).subList(i + 1, segs.length));
          boolean wasActive = seg == active;
          seg.truncateAt(pos, offset, lastTs);
          segments = Arrays.copyOf(segs, i + 1);
          active = seg;
          dirtyFrom = wasActive ? Math.min(dirtyFrom, pos) : pos;
          sealed.removeIf(r -> doomed.contains(r.segment()));
          nextOffset = offset;
          endOffset = offset;
          if (durableOffset > offset) {
            durableOffset = offset;
          }
          while (!pending.isEmpty() && pending.peekLast().offset() >= offset) {
            dropped.add(pending.pollLast());
          }
          if (pending.isEmpty()) {
            pendingBytes = 0;
          }
        } finally {
          appendLock.unlock();
        }
        try {
          faults.beforeForce(seg.logPath());
          seg.force(pos, oldPos);
          seg.index().force();
          for (Segment s : doomed) {
            s.delete();
          }
          if (!doomed.isEmpty()) {
            Checkpoint.fsyncDirectory(dir);
          }
          if (checkpointed > durableOffset) {
            Checkpoint.write(dir, durableOffset);
            checkpointed = durableOffset;
          }
        } catch (IOException | UncheckedIOException e) {
          goOffline(e);
          throw notOnline();
        }
      } finally {
        flushLock.unlock();
      }
    } finally {
      segmentsLock.writeLock().unlock();
    }
    WalException removed = new WalException("record removed by truncateTo(" + offset + ") of shard log " + dir
        + " before it was durable");
    for (AppendFuture f : dropped) {
      f.completeExceptionally(removed);
    }
    LOG.info(() -> "shard " + dir + ": truncated to offset " + offset + ", " + doomed.size() + " segments deleted");
  }

  private void flushLoop() {
    try {
      long groupNanos = TimeUnit.MILLISECONDS.toNanos(options.groupCommitMs());
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
          while (running && state == State.ONLINE && pending.isEmpty() && sealed.isEmpty()) {
            flusherIdle = true;
            long parkedAt = System.nanoTime();
            flushWanted.await();
            appendsComeBackFast = System.nanoTime() - parkedAt < FLUSHER_SPIN_NANOS;
          }
          flusherIdle = false;
          if (!running || state != State.ONLINE) {
            return;
          }
          if (durability == Durability.GROUP) {
            flusherTimed = true;
            long deadline = firstPendingNanos + groupNanos;
            while (running && pendingBytes < options.groupCommitBytes()) {
              long wait = deadline - System.nanoTime();
              if (wait <= 0) {
                break;
              }
              flushWanted.awaitNanos(wait);
            }
            flusherTimed = false;
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
      goOffline(e);
    } catch (Throwable t) {
      goOffline(t);
    }
  }

  /**
   * Forces everything appended so far in one round and completes the appends it covers. The
   * closing call runs after the flusher ended and skips the state check.
   */
  private void flushOnce(boolean closing) {
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
        if (closing ? offlineError != null : state != State.ONLINE) {
          return;
        }
        seg = active;
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
        end = nextOffset;
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
          Checkpoint.fsyncDirectory(dir);
        }
        forces.incrementAndGet();
      } catch (IOException | RuntimeException | Error e) {
        failure = e;
      }
      rolled = !ranges.isEmpty();
      ranges.clear();
      spareSealed = ranges;
      if (failure != null) {
        goOffline(failure);
        WalException ex = notOnline();
        for (AppendFuture f : batch) {
          f.completeExceptionally(ex);
        }
        batch.clear();
        spareBatch = batch;
        return;
      }
      durableOffset = end;
    } finally {
      flushLock.unlock();
    }
    for (AppendFuture f : batch) {
      f.completeDurable();
    }
    batch.clear();
    spareBatch = batch;
    waiters.advance(end);
    long now = System.nanoTime();
    if (!closing && state == State.CLOSED) {
      return; // closed meanwhile (from a dependent stage); close wrote the checkpoint
    }
    if (closing || rolled || now - lastCheckpointNanos >= CHECKPOINT_INTERVAL_NANOS) {
      writeCheckpoint(now);
    }
  }

  private void writeCheckpoint(long nowNanos) {
    flushLock.lock();
    try {
      long cp = durableOffset;
      lastCheckpointNanos = nowNanos;
      if (cp == checkpointed || offlineError != null) {
        return;
      }
      Checkpoint.write(dir, cp);
      checkpointed = cp;
    } catch (IOException | UncheckedIOException e) {
      goOffline(e);
    } finally {
      flushLock.unlock();
    }
  }

  private void goOffline(Throwable cause) {
    List<AppendFuture> failed;
    WalOfflineException ex;
    appendLock.lock();
    try {
      if (offlineError != null) {
        return;
      }
      ex = new WalOfflineException(dir, cause);
      offlineError = ex;
      if (state == State.ONLINE) {
        state = State.OFFLINE;
      }
      failed = new ArrayList<>(pending);
      pending.clear();
      pendingBytes = 0;
      flushWanted.signalAll();
    } finally {
      appendLock.unlock();
    }
    LOG.log(Level.SEVERE, "shard log " + dir + " is OFFLINE after a disk error; " + failed.size()
        + " pending appends fail and so will every later one: " + cause, cause);
    for (AppendFuture f : failed) {
      f.completeExceptionally(ex);
    }
    waiters.failAll(ex);
    offline.complete(ex);
  }

  /**
   * Stops the flusher, forces what was appended and writes the checkpoint (unless OFFLINE), then
   * unmaps every segment and releases the directory. Idempotent.
   */
  @Override
  public void close() {
    boolean wasOnline;
    appendLock.lock();
    try {
      if (state == State.CLOSED) {
        return;
      }
      wasOnline = state == State.ONLINE;
      state = State.CLOSED;
      running = false;
      flushWanted.signalAll();
    } finally {
      appendLock.unlock();
    }
    joinFlusher();
    if (wasOnline) {
      flushOnce(true);
    }
    release(notOnline());
    LOG.fine(() -> "closed shard log " + dir + " at offset " + endOffset);
  }

  private void joinFlusher() {
    if (flusher == null || !flusher.isAlive() || Thread.currentThread() == flusher) {
      return; // closed from a dependent stage of an append: the flusher sees running == false and ends
    }
    boolean interrupted = false;
    while (true) {
      try {
        flusher.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void release(WalException cause) {
    List<AppendFuture> left;
    appendLock.lock();
    try {
      left = new ArrayList<>(pending);
      pending.clear();
    } finally {
      appendLock.unlock();
    }
    for (AppendFuture f : left) {
      f.completeExceptionally(cause);
    }
    waiters.failAll(cause);
    segmentsLock.writeLock().lock();
    try {
      for (Segment s : segments) {
        try {
          s.close();
        } catch (IOException e) {
          LOG.log(Level.WARNING, "shard " + dir + ": closing " + s.logPath() + " failed", e);
        }
      }
    } finally {
      segmentsLock.writeLock().unlock();
    }
    try {
      dirLock.release();
      lockChannel.close();
    } catch (IOException e) {
      LOG.log(Level.WARNING, "shard " + dir + ": releasing the directory lock failed", e);
    }
  }

  /**
   * Test seam: writes a record at the end of the active segment the way a process that dies in the
   * middle of an append leaves it (header, CRC and {@code payloadBytesWritten} payload bytes; the
   * length only if {@code publishLength}), without making it part of the log.
   */
  void writeTornRecordForTest(int epoch, long timestampMillis, byte[] payload, int payloadBytesWritten,
      boolean publishLength) {
    appendLock.lock();
    try {
      if (!active.fits(RecordFormat.framedSize(payload.length))) {
        throw new IllegalStateException("torn record of " + payload.length + " bytes does not fit in " + active);
      }
      active.writeTorn(nextOffset, epoch, timestampMillis, MemorySegment.ofArray(payload), payloadBytesWritten,
          publishLength, crc);
    } finally {
      appendLock.unlock();
    }
  }

  /**
   * Test seam: an in-process crash. Stops the flusher without a final force or checkpoint, fails
   * pending appends and unmaps everything; what was written stays in the page cache as after a
   * killed process.
   */
  void crashForTest() {
    appendLock.lock();
    try {
      if (state == State.CLOSED) {
        return;
      }
      state = State.CLOSED;
      running = false;
      flushWanted.signalAll();
    } finally {
      appendLock.unlock();
    }
    joinFlusher();
    release(new WalException("shard log " + dir + " crashed (test)"));
  }
}
