package dev.stoa.index.wal;

import dev.stoa.index.wal.impl.AppendFuture;
import dev.stoa.index.wal.impl.Checkpoint;
import dev.stoa.index.wal.impl.DiskFaults;
import dev.stoa.index.wal.impl.DurableWaiters;
import dev.stoa.index.wal.impl.Flusher;
import dev.stoa.index.wal.impl.LogRecovery;
import dev.stoa.index.wal.impl.RecordFormat;
import dev.stoa.index.wal.impl.RecordReader;
import dev.stoa.index.wal.impl.Segment;
import dev.stoa.index.wal.impl.SegmentList;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
  static final String LOCK_FILE = "lock";

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
  private final DurableWaiters waiters = new DurableWaiters(this::durableOffset);
  private final CompletableFuture<WalOfflineException> offline = new CompletableFuture<>();
  private final Flusher flusher;

  /** Changed under appendLock, and under the write lock of segmentsLock when segments leave it. */
  private final SegmentList segments;
  private volatile long endOffset;
  private volatile long durableOffset;
  private volatile State state = State.ONLINE;
  private volatile WalOfflineException offlineError;

  // guarded by appendLock
  private long nextOffset;
  private final CRC32C crc = new CRC32C();
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
    this.segments = new SegmentList(dir, recovered.segments(), (int) options.segmentBytes(),
        options.indexIntervalBytes());
    this.nextOffset = recovery.endOffset();
    this.endOffset = nextOffset;
    this.durableOffset = nextOffset;
    segments.forceAll();
    Checkpoint.write(dir, nextOffset);
    this.checkpointed = nextOffset;
    this.lastCheckpointNanos = System.nanoTime();
    this.flusher = new Flusher(dir, new FlusherView(), faults, durability != Durability.NONE,
        durability == Durability.GROUP, options.groupCommitMs(), options.groupCommitBytes(), appendLock, flushLock,
        segments.active().position());
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
      log.flusher.start();
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
    return segments.startOffset();
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
    return flusher.forceCount();
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
      Segment seg = segments.active();
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
        f.offset(offset);
        flusher.enqueue(f, framed);
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

  /** Under appendLock: a new active segment at the next offset; the old one's tail goes with the next force. */
  private Segment roll(int framed) throws IOException {
    Segment old = segments.active();
    if (old.isEmpty()) {
      throw new IOException("segment " + old.logPath() + " of " + old.capacity() + " bytes cannot hold a record of "
          + framed + " bytes");
    }
    Segment next = segments.roll(nextOffset);
    flusher.rolled(old);
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
      Segment[] segs = segments.snapshot();
      long start = segs[0].baseOffset();
      long end = endOffset;
      if (fromOffset < start || fromOffset > end) {
        throw new OffsetOutOfRangeException("offset " + fromOffset + " is outside [" + start + ", " + end
            + "] of shard log " + dir + (fromOffset < start ? " (deleted by retention)" : ""));
      }
      if (fromOffset >= limit) {
        return fromOffset;
      }
      return RecordReader.read(dir, segs, fromOffset, limit, maxBytes, visitor);
    } finally {
      segmentsLock.readLock().unlock();
    }
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
    return enforceRetention(Long.MAX_VALUE);
  }

  /**
   * {@link #enforceRetention()}, deleting only segments whose records are all below {@code below}:
   * the owner's derived state (the index server's heads checkpoint) covers the records below it.
   *
   * @return segments deleted
   */
  public int enforceRetention(long below) {
    List<Segment> doomed;
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
          int n = retainedAway(below);
          if (n == 0) {
            return 0;
          }
          doomed = segments.dropOldest(n);
          newStart = segments.startOffset();
          flusher.forget(doomed);
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

  /** True if {@link #enforceRetention()} would delete a segment now (a dry run; takes no file action). */
  public boolean retentionDue() {
    appendLock.lock();
    try {
      return state != State.CLOSED && retainedAway(Long.MAX_VALUE) > 0;
    } finally {
      appendLock.unlock();
    }
  }

  /** How many segments from the oldest on retention deletes now: durable ones only; under appendLock. */
  private int retainedAway(long below) {
    return segments.retainable(Math.min(durableOffset, below), clock.millis(), options.retentionMs(),
        options.retentionBytes());
  }

  /**
   * Removes every record at or after {@code offset} (leader-epoch truncation): later segments are
   * deleted, the rest of the segment holding {@code offset} is zeroed and forced, the checkpoint is
   * lowered if it was above. Appends not yet durable at or past {@code offset} fail.
   *
   * @throws OffsetOutOfRangeException if {@code offset} is outside [start, end]
   */
  public void truncateTo(long offset) {
    SegmentList.Cut cut;
    List<AppendFuture> dropped;
    segmentsLock.writeLock().lock();
    try {
      flushLock.lock();
      try {
        appendLock.lock();
        try {
          if (state != State.ONLINE) {
            throw notOnline();
          }
          long start = segments.startOffset();
          long end = nextOffset;
          if (offset < start || offset > end) {
            throw new OffsetOutOfRangeException("cannot truncate shard log " + dir + " to offset " + offset
                + ": outside [" + start + ", " + end + "]");
          }
          if (offset == end) {
            return;
          }
          cut = segments.truncateTo(offset);
          nextOffset = offset;
          endOffset = offset;
          if (durableOffset > offset) {
            durableOffset = offset;
          }
          dropped = flusher.truncated(cut.segment(), cut.wasActive(), cut.position(), cut.removed(), offset);
        } finally {
          appendLock.unlock();
        }
        Segment seg = cut.segment();
        try {
          faults.beforeForce(seg.logPath());
          seg.force(cut.position(), cut.oldPosition());
          seg.index().force();
          for (Segment s : cut.removed()) {
            s.delete();
          }
          if (!cut.removed().isEmpty()) {
            DurableFiles.fsyncDirectory(dir);
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
    LOG.info(() -> "shard " + dir + ": truncated to offset " + offset + ", " + cut.removed().size()
        + " segments deleted");
  }

  /** The log's side of the {@link Flusher} contract. */
  private final class FlusherView implements Flusher.Log {
    @Override
    public boolean online() {
      return state == State.ONLINE;
    }

    @Override
    public boolean offline() {
      return offlineError != null;
    }

    @Override
    public Segment active() {
      return segments.active();
    }

    @Override
    public long nextOffset() {
      return nextOffset;
    }

    @Override
    public void durable(long end) {
      durableOffset = end;
    }

    @Override
    public Throwable failed(Throwable cause) {
      goOffline(cause);
      return notOnline();
    }

    @Override
    public void flushed(long end, boolean closing, boolean rolled) {
      waiters.advance(end);
      long now = System.nanoTime();
      if (!closing && state == State.CLOSED) {
        return; // closed meanwhile (from a dependent stage); close wrote the checkpoint
      }
      if (closing || rolled || now - lastCheckpointNanos >= CHECKPOINT_INTERVAL_NANOS) {
        writeCheckpoint(now);
      }
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
      failed = flusher.drainPending();
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
      flusher.stop();
    } finally {
      appendLock.unlock();
    }
    flusher.join();
    if (wasOnline) {
      flusher.flushOnce(true);
    }
    release(notOnline());
    LOG.fine(() -> "closed shard log " + dir + " at offset " + endOffset);
  }

  private void release(WalException cause) {
    List<AppendFuture> left;
    appendLock.lock();
    try {
      left = flusher.drainPending();
    } finally {
      appendLock.unlock();
    }
    for (AppendFuture f : left) {
      f.completeExceptionally(cause);
    }
    waiters.failAll(cause);
    segmentsLock.writeLock().lock();
    try {
      segments.closeAll((s, e) -> LOG.log(Level.WARNING, "shard " + dir + ": closing " + s.logPath() + " failed", e));
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
      Segment active = segments.active();
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
      flusher.stop();
    } finally {
      appendLock.unlock();
    }
    flusher.join();
    release(new WalException("shard log " + dir + " crashed (test)"));
  }
}
