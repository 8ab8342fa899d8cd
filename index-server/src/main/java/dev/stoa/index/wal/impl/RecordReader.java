package dev.stoa.index.wal.impl;

import dev.stoa.index.wal.RecordVisitor;
import dev.stoa.index.wal.WalCorruptionException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Walks the records of a log's segments from one offset up to (not including) a limit, checking
 * each header and CRC32C before a visitor sees its payload; a mismatch is a {@link
 * WalCorruptionException} naming the file, position and offsets, never wrong bytes.
 *
 * <p>Stateless. The caller keeps the segments mapped for the duration of the call and passes a
 * limit at or below the durable offset, where no byte changes any more; then any thread may read.
 */
public final class RecordReader {
  private RecordReader() {}

  /**
   * Visits records from {@code fromOffset} (below {@code limit}, within the segments) while their
   * total size stays within {@code maxBytes}, and always at least one.
   *
   * @param dir the log's directory, for error messages
   * @return the offset after the last record visited
   */
  public static long read(Path dir, Segment[] segs, long fromOffset, long limit, int maxBytes,
      RecordVisitor visitor) {
    int i = SegmentList.floorIndex(segs, fromOffset);
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
  }
}
