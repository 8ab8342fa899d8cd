package dev.stoa.index.wal.impl;

import dev.stoa.index.wal.WalCorruptionException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The segments of one shard log, oldest first and never empty, with contiguous base offsets: the
 * last one is the active segment. Finds the segment holding an offset, rolls in a new active
 * segment, takes whole segments off the front for retention and off the back for truncation, and
 * closes them all (like Kafka's {@code LogSegments}). It decides nothing about durability and does
 * no deletion: the segments it takes away are returned for the log to delete.
 *
 * <p>Thread-safety: not thread-safe, ShardLog calls it under its append lock, except {@link
 * #snapshot()}, {@link #active()}, {@link #floor} and {@link #startOffset()}, which any thread may
 * call because every change publishes a new array through a volatile field.
 */
public final class SegmentList {
  /**
   * Where a truncation cut: {@code position} in {@code segment} (now the active one), whose records
   * ended at {@code oldPosition}; {@code wasActive} if it was the active segment before; the later
   * segments {@code removed}, oldest first.
   */
  public record Cut(Segment segment, int position, int oldPosition, boolean wasActive, List<Segment> removed) {}

  private final Path dir;
  private final int segmentBytes;
  private final int indexIntervalBytes;
  private volatile Segment[] segments;

  /**
   * @param segments the recovered segments, oldest first, not empty
   * @param segmentBytes capacity of each segment rolled in
   */
  public SegmentList(Path dir, List<Segment> segments, int segmentBytes, int indexIntervalBytes) {
    if (segments.isEmpty()) {
      throw new IllegalArgumentException("a shard log has at least one segment: " + dir);
    }
    this.dir = dir;
    this.segmentBytes = segmentBytes;
    this.indexIntervalBytes = indexIntervalBytes;
    this.segments = segments.toArray(Segment[]::new);
  }

  /** The segments now, oldest first; the array is never changed afterwards. */
  public Segment[] snapshot() {
    return segments;
  }

  public Segment active() {
    Segment[] segs = segments;
    return segs[segs.length - 1];
  }

  /** Base offset of the oldest segment: the log's start offset. */
  public long startOffset() {
    return segments[0].baseOffset();
  }

  public int count() {
    return segments.length;
  }

  /** Bytes used by records in all segments. */
  public long bytes() {
    long total = 0;
    for (Segment s : segments) {
      total += s.position();
    }
    return total;
  }

  /** Index in {@code segs} (ascending base offsets) of the last segment whose base is at most {@code offset}. */
  public static int floorIndex(Segment[] segs, long offset) {
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

  /** The segment that holds {@code offset}: the last one whose base offset is at most it (else the oldest). */
  public Segment floor(long offset) {
    Segment[] segs = segments;
    return segs[floorIndex(segs, offset)];
  }

  /** Forces every segment's records and index (at open, before the log is shared). */
  public void forceAll() {
    for (Segment s : segments) {
      s.force(0, s.position());
      s.index().force();
    }
  }

  /** Creates an empty segment at {@code baseOffset} (the log's next offset) and makes it the active one. */
  public Segment roll(long baseOffset) throws IOException {
    Segment next = Segment.create(dir, baseOffset, segmentBytes, indexIntervalBytes);
    Segment[] cur = segments;
    Segment[] grown = Arrays.copyOf(cur, cur.length + 1);
    grown[cur.length] = next;
    segments = grown;
    return next;
  }

  /**
   * How many segments from the oldest on retention may take now, never the active one: each must
   * hold only records below {@code below}, and either be empty or have its last record more than
   * {@code retentionMs} before {@code nowMillis}, or the segments from it on hold more than {@code
   * retentionBytes}. A negative limit is off.
   */
  public int retainable(long below, long nowMillis, long retentionMs, long retentionBytes) {
    Segment[] segs = segments;
    long total = bytes();
    int n = 0;
    while (n < segs.length - 1) {
      Segment s = segs[n];
      if (s.nextOffset() > below) {
        break;
      }
      boolean old = retentionMs >= 0 && (s.isEmpty() || nowMillis - s.lastTimestamp() > retentionMs);
      boolean big = retentionBytes >= 0 && total > retentionBytes;
      if (!old && !big) {
        break;
      }
      total -= s.position();
      n++;
    }
    return n;
  }

  /** Takes the {@code n} oldest segments off the list (fewer than all) and returns them, oldest first. */
  public List<Segment> dropOldest(int n) {
    Segment[] segs = segments;
    if (n < 0 || n >= segs.length) {
      throw new IllegalArgumentException("cannot drop " + n + " of the " + segs.length + " segments of " + dir);
    }
    segments = Arrays.copyOfRange(segs, n, segs.length);
    return List.of(Arrays.copyOf(segs, n));
  }

  /**
   * Removes the records at or after {@code offset}, which must be in the list and below its end: the
   * segment holding it is cut there (and becomes the active one), the later segments come off the
   * list and are returned in the {@link Cut} for deletion.
   *
   * @throws WalCorruptionException if the record at {@code offset} cannot be found (damaged
   *     headers); then nothing changed
   */
  public Cut truncateTo(long offset) {
    Segment[] segs = segments;
    int i = floorIndex(segs, offset);
    Segment seg = segs[i];
    int pos = seg.positionOf(offset);
    if (pos < 0) {
      throw new WalCorruptionException("shard log " + dir + ": offset " + offset + " not found in " + seg.logPath());
    }
    long lastTs = 0;
    if (offset > seg.baseOffset()) {
      int prev = seg.positionOf(offset - 1);
      lastTs = prev < 0 ? 0 : RecordFormat.timestamp(seg.memory(), prev);
    }
    int oldPos = seg.position();
    boolean wasActive = i == segs.length - 1;
    List<Segment> removed = List.of(Arrays.copyOfRange(segs, i + 1, segs.length));
    seg.truncateAt(pos, offset, lastTs);
    segments = Arrays.copyOf(segs, i + 1);
    return new Cut(seg, pos, oldPos, wasActive, removed);
  }

  /** Closes (unmaps) every segment, going on after a failure, which {@code failed} hears about. */
  public void closeAll(BiConsumer<Segment, IOException> failed) {
    for (Segment s : segments) {
      try {
        s.close();
      } catch (IOException e) {
        failed.accept(s, e);
      }
    }
  }
}
