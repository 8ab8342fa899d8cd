package dev.stoa.index.wal.impl;

import static dev.stoa.index.wal.impl.RecordFormat.HEADER_BYTES;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * One pass over the records of a segment from a known record position, as recovery does it: stops
 * at a zero length (the end of the log), at the end of the file, at {@code limitPos}, or at the
 * first record that is not valid (bad header, wrong offset, or CRC mismatch when checking CRCs).
 * Along the way it checks or rebuilds the offset index: since an entry is written exactly when a
 * record starts {@code indexIntervalBytes} or more past the previous entry, the entries a log must
 * have are known, and any difference means the index is inconsistent. Single-threaded.
 */
public final class SegmentWalk {
  /** Why the walk stopped. */
  public enum Stop {
    ZERO, END, BAD, LIMIT
  }

  /** What to do with the offset index on the way. */
  public enum IndexMode {
    NONE, CHECK, REBUILD
  }

  public int pos;
  public long next;
  public int lastPos = -1;
  public long lastTimestamp;
  public long firstTimestamp;
  public long records;
  public Stop stop;
  public String problem;
  /** CHECK: a record that must be indexed was not, or was indexed differently. */
  public boolean indexMismatch;
  /** CHECK: index entries matched so far. */
  public int indexMatched;

  private SegmentWalk() {}

  /**
   * @param fromPos position of the record with offset {@code fromOffset} (0 and the base offset to
   *     walk the whole segment)
   * @param matched CHECK/REBUILD: index entries already accounted for before {@code fromPos}
   * @param lastIndexed position of the last of those entries, 0 if none
   */
  public static SegmentWalk run(Segment seg, int fromPos, long fromOffset, int limitPos, boolean verifyCrc,
      IndexMode mode, int matched, int lastIndexed, int indexIntervalBytes) {
    SegmentWalk w = new SegmentWalk();
    MemorySegment m = seg.memory();
    long cap = m.byteSize();
    OffsetIndex index = seg.index();
    ByteBuffer view = verifyCrc ? seg.newView() : null;
    CRC32C crc = verifyCrc ? new CRC32C() : null;
    w.pos = fromPos;
    w.next = fromOffset;
    w.indexMatched = matched;
    if (fromPos == 0) {
      w.firstTimestamp = 0;
    } else {
      w.firstTimestamp = RecordFormat.timestamp(m, 0);
    }
    while (true) {
      int pos = w.pos;
      if (pos >= limitPos) {
        w.stop = Stop.LIMIT;
        break;
      }
      if (pos + HEADER_BYTES > cap) {
        w.stop = Stop.END;
        break;
      }
      int len = RecordFormat.length(m, pos);
      if (len == 0) {
        w.stop = Stop.ZERO;
        break;
      }
      if (!RecordFormat.headerValid(m, pos, cap, w.next)) {
        w.stop = Stop.BAD;
        w.problem = "bad record header at position " + pos + " of " + seg.logPath() + ": length " + len
            + ", offset " + (pos + HEADER_BYTES <= cap ? RecordFormat.offset(m, pos) : -1) + ", attributes "
            + RecordFormat.attributes(m, pos) + ", expected offset " + w.next + " within " + cap + " bytes";
        break;
      }
      if (verifyCrc) {
        int computed = Segment.crcOf(crc, view, pos, len);
        int stored = RecordFormat.crc(m, pos);
        if (computed != stored) {
          w.stop = Stop.BAD;
          w.problem = "CRC32C mismatch for offset " + w.next + " at position " + pos + " of " + seg.logPath()
              + ": stored " + Integer.toHexString(stored) + ", computed " + Integer.toHexString(computed);
          break;
        }
      }
      if (pos - lastIndexed >= indexIntervalBytes) {
        int rel = (int) (w.next - seg.baseOffset());
        if (mode == IndexMode.REBUILD) {
          index.append(rel, pos);
        } else if (mode == IndexMode.CHECK) {
          int k = w.indexMatched;
          if (k < index.entries() && index.relativeOffset(k) == rel && index.position(k) == pos) {
            w.indexMatched = k + 1;
          } else {
            w.indexMismatch = true;
          }
        }
        lastIndexed = pos;
      }
      long ts = RecordFormat.timestamp(m, pos);
      if (w.next == seg.baseOffset()) {
        w.firstTimestamp = ts;
      }
      w.lastTimestamp = ts;
      w.lastPos = pos;
      w.records++;
      w.next++;
      w.pos = pos + RecordFormat.align(len);
    }
    if (w.lastPos < 0 && fromPos > 0) {
      w.lastTimestamp = 0;
    }
    return w;
  }

  /** Index of the first byte past the last non-zero byte at or after {@code from}, or {@code from}. */
  public static long nonZeroEnd(MemorySegment m, long from) {
    long cap = m.byteSize();
    long at = cap;
    while (at - 8 >= from && (at & 7) == 0 && m.get(RecordFormat.LONG, at - 8) == 0) {
      at -= 8;
    }
    while (at > from && m.get(java.lang.foreign.ValueLayout.JAVA_BYTE, at - 1) == 0) {
      at--;
    }
    return at;
  }
}
