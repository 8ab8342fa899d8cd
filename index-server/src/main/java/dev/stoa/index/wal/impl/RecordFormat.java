package dev.stoa.index.wal.impl;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The bytes of one record in a segment file (FORMAT.md "Record"). All fields little-endian; a
 * record starts at an 8-byte aligned position and the next one at
 * {@code align(position + length)}.
 *
 * <pre>
 *  0  int  length     bytes of the whole record, header included, padding excluded (&gt;= 32)
 *  4  int  crc32c     CRC32C of bytes [8, length) of the record
 *  8  int  epoch
 * 12  int  attributes 0 (reserved)
 * 16  long offset     logical offset
 * 24  long timestamp  milliseconds since the epoch, as given by the appender
 * 32  ...  payload    length - 32 bytes
 * </pre>
 *
 * A zero length ends the log: the length is published last, so a record whose length is not yet
 * written is not there. Stateless.
 */
public final class RecordFormat {
  public static final int LENGTH_AT = 0;
  public static final int CRC_AT = 4;
  public static final int EPOCH_AT = 8;
  public static final int ATTRIBUTES_AT = 12;
  public static final int OFFSET_AT = 16;
  public static final int TIMESTAMP_AT = 24;
  public static final int HEADER_BYTES = 32;
  public static final int ALIGNMENT = 8;

  public static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  public static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  private RecordFormat() {}

  /** Bytes a record with {@code payloadBytes} of payload takes in a segment, padding included. */
  public static int framedSize(int payloadBytes) {
    return align(HEADER_BYTES + payloadBytes);
  }

  public static int align(int n) {
    return (n + ALIGNMENT - 1) & -ALIGNMENT;
  }

  public static int length(MemorySegment m, long pos) {
    return m.get(INT, pos + LENGTH_AT);
  }

  public static int crc(MemorySegment m, long pos) {
    return m.get(INT, pos + CRC_AT);
  }

  public static int epoch(MemorySegment m, long pos) {
    return m.get(INT, pos + EPOCH_AT);
  }

  public static int attributes(MemorySegment m, long pos) {
    return m.get(INT, pos + ATTRIBUTES_AT);
  }

  public static long offset(MemorySegment m, long pos) {
    return m.get(LONG, pos + OFFSET_AT);
  }

  public static long timestamp(MemorySegment m, long pos) {
    return m.get(LONG, pos + TIMESTAMP_AT);
  }

  /**
   * Whether a plausible record header for {@code expectedOffset} starts at {@code pos} of a
   * segment of {@code capacity} bytes: length in range, attributes zero, offset as expected. Does
   * not check the CRC.
   */
  public static boolean headerValid(MemorySegment m, long pos, long capacity, long expectedOffset) {
    if (pos + HEADER_BYTES > capacity) {
      return false;
    }
    int len = length(m, pos);
    return len >= HEADER_BYTES && pos + len <= capacity && attributes(m, pos) == 0
        && offset(m, pos) == expectedOffset;
  }
}
