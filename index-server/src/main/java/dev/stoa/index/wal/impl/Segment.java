package dev.stoa.index.wal.impl;

import static dev.stoa.index.wal.impl.RecordFormat.HEADER_BYTES;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * One segment of a shard log: the log file {@code <base>.log} (records, see {@link RecordFormat}),
 * created at its full size and mapped read-write through its own shared {@link Arena}, plus its
 * {@link OffsetIndex}. {@link #close()} closes the arena, which unmaps the file at once.
 *
 * <p>Thread-safety: the write side ({@link #write}, the appender fields) is driven by one thread at
 * a time (the log's append lock); readers use {@link #memory()} only below the durable offset, where
 * no byte changes any more, and {@link #positionOf}.
 */
public final class Segment implements AutoCloseable {
  private final long baseOffset;
  private final Path logPath;
  private final FileChannel channel;
  private final Arena arena;
  private final MemorySegment memory;
  private final ByteBuffer crcView;
  private final OffsetIndex index;
  private final int indexIntervalBytes;

  // appender state, guarded by the log's append lock (or owned by recovery)
  private int position;
  private long nextOffset;
  private long firstTimestamp;
  private long lastTimestamp;
  private long rollAgeBase;
  private int lastIndexedPosition;

  private Segment(long baseOffset, Path logPath, FileChannel channel, Arena arena, MemorySegment memory,
      OffsetIndex index, int indexIntervalBytes) {
    this.baseOffset = baseOffset;
    this.logPath = logPath;
    this.channel = channel;
    this.arena = arena;
    this.memory = memory;
    this.crcView = memory.asByteBuffer();
    this.index = index;
    this.indexIntervalBytes = indexIntervalBytes;
    this.nextOffset = baseOffset;
  }

  public static String logFileName(long baseOffset) {
    return String.format("%020d.log", baseOffset);
  }

  public static String indexFileName(long baseOffset) {
    return String.format("%020d.index", baseOffset);
  }

  /** The base offset named by a {@code <20 digits>.log} file name, or -1 if it is not one. */
  public static long parseBaseOffset(String fileName) {
    if (fileName.length() != 24 || !fileName.endsWith(".log")) {
      return -1;
    }
    for (int i = 0; i < 20; i++) {
      if (!Character.isDigit(fileName.charAt(i))) {
        return -1;
      }
    }
    return Long.parseLong(fileName, 0, 20, 10);
  }

  /** Creates a new empty segment; fails if its log file exists. */
  public static Segment create(Path dir, long baseOffset, int capacity, int indexIntervalBytes) throws IOException {
    Path log = dir.resolve(logFileName(baseOffset));
    Files.deleteIfExists(dir.resolve(indexFileName(baseOffset)));
    FileChannel ch = FileChannel.open(log, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    return map(dir, baseOffset, log, ch, capacity, indexIntervalBytes);
  }

  /**
   * Opens an existing segment. A file shorter than {@code minCapacity} is zero-extended to it (the
   * active segment after a truncation); otherwise it is mapped at its own size.
   */
  public static Segment open(Path dir, long baseOffset, int minCapacity, int indexIntervalBytes) throws IOException {
    Path log = dir.resolve(logFileName(baseOffset));
    FileChannel ch = FileChannel.open(log, StandardOpenOption.READ, StandardOpenOption.WRITE);
    long size = ch.size();
    if (size > Integer.MAX_VALUE - 8) {
      ch.close();
      throw new IOException("segment " + log + " is " + size + " bytes, more than the " + Integer.MAX_VALUE
          + " a segment can hold");
    }
    return map(dir, baseOffset, log, ch, (int) Math.max(size & -RecordFormat.ALIGNMENT, minCapacity),
        indexIntervalBytes);
  }

  private static Segment map(Path dir, long baseOffset, Path log, FileChannel ch, int capacity,
      int indexIntervalBytes) throws IOException {
    Arena arena = null;
    OffsetIndex index = null;
    try {
      if (ch.size() < capacity) {
        // sets the length without writing the bytes: reads as zeros, like Kafka's preallocate
        ch.write(ByteBuffer.allocate(1), capacity - 1L);
      }
      arena = Arena.ofShared();
      MemorySegment m = ch.map(FileChannel.MapMode.READ_WRITE, 0, capacity, arena);
      index = OffsetIndex.open(dir.resolve(indexFileName(baseOffset)),
          OffsetIndex.capacityFor(capacity, indexIntervalBytes));
      return new Segment(baseOffset, log, ch, arena, m, index, indexIntervalBytes);
    } catch (IOException | RuntimeException e) {
      if (arena != null) {
        arena.close();
      }
      ch.close();
      throw e;
    }
  }

  public long baseOffset() {
    return baseOffset;
  }

  public Path logPath() {
    return logPath;
  }

  public MemorySegment memory() {
    return memory;
  }

  public int capacity() {
    return (int) memory.byteSize();
  }

  public OffsetIndex index() {
    return index;
  }

  /** Bytes used by records: where the next record goes. */
  public int position() {
    return position;
  }

  public long nextOffset() {
    return nextOffset;
  }

  public boolean isEmpty() {
    return nextOffset == baseOffset;
  }

  public long firstTimestamp() {
    return firstTimestamp;
  }

  public long lastTimestamp() {
    return lastTimestamp;
  }

  /**
   * Clock time the segment's age is measured from: when the log wrote its first record, or after a
   * reopen that record's timestamp.
   */
  public long rollAgeBase() {
    return rollAgeBase;
  }

  public void rollAgeBase(long millis) {
    this.rollAgeBase = millis;
  }

  public boolean fits(int framedBytes) {
    return (long) position + framedBytes <= memory.byteSize();
  }

  /**
   * Writes one record at {@link #position()} and publishes it: header and payload first, the CRC,
   * a release fence, the length last. Indexes it if {@code indexIntervalBytes} passed since the
   * last entry. The caller checked {@link #fits}.
   */
  public void write(long offset, int epoch, long timestamp, MemorySegment payload, CRC32C crc) {
    int pos = position;
    int size = (int) payload.byteSize();
    MemorySegment.copy(payload, 0, memory, pos + HEADER_BYTES, size);
    publish(pos, offset, epoch, timestamp, size, crc);
  }

  /** {@link #write(long, int, long, MemorySegment, CRC32C)} from a heap array, without wrapping it. */
  public void write(long offset, int epoch, long timestamp, byte[] payload, CRC32C crc) {
    int pos = position;
    MemorySegment.copy(payload, 0, memory, ValueLayout.JAVA_BYTE, pos + HEADER_BYTES, payload.length);
    publish(pos, offset, epoch, timestamp, payload.length, crc);
  }

  private void publish(int pos, long offset, int epoch, long timestamp, int size, CRC32C crc) {
    int len = HEADER_BYTES + size;
    writeHeaderAndCrc(pos, offset, epoch, timestamp, size, crc);
    VarHandle.releaseFence();
    memory.set(RecordFormat.INT, pos + RecordFormat.LENGTH_AT, len);
    if (pos - lastIndexedPosition >= indexIntervalBytes) {
      index.append((int) (offset - baseOffset), pos);
      lastIndexedPosition = pos;
    }
    if (nextOffset == baseOffset) {
      firstTimestamp = timestamp;
    }
    lastTimestamp = timestamp;
    position = pos + RecordFormat.align(len);
    nextOffset = offset + 1;
  }

  /**
   * Writes header, CRC and the first {@code payloadBytesWritten} payload bytes of a record at
   * {@link #position()} without publishing it or moving the position (test seam for torn writes).
   */
  public void writeTorn(long offset, int epoch, long timestamp, MemorySegment payload, int payloadBytesWritten,
      boolean publishLength, CRC32C crc) {
    int pos = position;
    int size = (int) payload.byteSize();
    MemorySegment.copy(payload, 0, memory, pos + HEADER_BYTES, size);
    writeHeaderAndCrc(pos, offset, epoch, timestamp, size, crc);
    memory.asSlice(pos + HEADER_BYTES + payloadBytesWritten, size - payloadBytesWritten).fill((byte) 0);
    if (publishLength) {
      memory.set(RecordFormat.INT, pos + RecordFormat.LENGTH_AT, HEADER_BYTES + size);
    }
  }

  private void writeHeaderAndCrc(int pos, long offset, int epoch, long timestamp, int size, CRC32C crc) {
    memory.set(RecordFormat.INT, pos + RecordFormat.EPOCH_AT, epoch);
    memory.set(RecordFormat.INT, pos + RecordFormat.ATTRIBUTES_AT, 0);
    memory.set(RecordFormat.LONG, pos + RecordFormat.OFFSET_AT, offset);
    memory.set(RecordFormat.LONG, pos + RecordFormat.TIMESTAMP_AT, timestamp);
    memory.set(RecordFormat.INT, pos + RecordFormat.CRC_AT, crcOf(crc, crcView, pos, HEADER_BYTES + size));
  }

  /** CRC32C of bytes [8, len) of the record at {@code pos}, read through {@code view} (mutated). */
  public static int crcOf(CRC32C crc, ByteBuffer view, int pos, int len) {
    crc.reset();
    view.limit(pos + len).position(pos + RecordFormat.EPOCH_AT);
    crc.update(view);
    return (int) crc.getValue();
  }

  /** A fresh byte-buffer view of the whole segment for a reader's CRC checks. */
  public ByteBuffer newView() {
    return memory.asByteBuffer();
  }

  /** Sets the appender state after recovery scanned the segment. */
  public void restore(int position, long nextOffset, long firstTimestamp, long lastTimestamp) {
    this.position = position;
    this.nextOffset = nextOffset;
    this.firstTimestamp = firstTimestamp;
    this.lastTimestamp = lastTimestamp;
    this.rollAgeBase = firstTimestamp;
    int n = index.entries();
    this.lastIndexedPosition = n == 0 ? 0 : index.position(n - 1);
  }

  /**
   * Position of the record with {@code offset}, found from the index then by walking headers; -1
   * if the walk meets a header that is not the next record (damage) or the end of the records.
   */
  public int positionOf(long offset) {
    long cap = memory.byteSize();
    long pos = index.lookup(offset - baseOffset);
    while (pos + HEADER_BYTES <= cap) {
      int len = RecordFormat.length(memory, pos);
      if (len < HEADER_BYTES || pos + len > cap) {
        return -1;
      }
      long at = RecordFormat.offset(memory, pos);
      if (at == offset) {
        return (int) pos;
      }
      if (at > offset) {
        return -1;
      }
      pos += RecordFormat.align(len);
    }
    return -1;
  }

  /**
   * Drops the records from {@code pos} on: zeroes [pos, end of the written area) and the index
   * entries at or past it. {@code nextOffset} and {@code lastTimestamp} describe what remains.
   */
  public void truncateAt(int pos, long nextOffset, long lastTimestamp) {
    if (position > pos) {
      memory.asSlice(pos, position - pos).fill((byte) 0);
    }
    int keep = 0;
    while (keep < index.entries() && index.position(keep) < pos) {
      keep++;
    }
    index.truncateEntries(keep);
    restore(pos, nextOffset, nextOffset == baseOffset ? 0 : firstTimestamp, lastTimestamp);
  }

  /** Forces bytes [from, to) of the log file to the device. */
  public void force(int from, int to) {
    if (to > from) {
      memory.asSlice(from, to - from).force();
    }
  }

  /** Unmaps and closes both files. */
  @Override
  public void close() throws IOException {
    try {
      index.close();
    } finally {
      arena.close();
      channel.close();
    }
  }

  /** Closes, then deletes both files. */
  public void delete() throws IOException {
    close();
    Files.deleteIfExists(logPath);
    Files.deleteIfExists(index.path());
  }

  @Override
  public String toString() {
    return logPath.getFileName() + "[" + baseOffset + ".." + nextOffset + ")";
  }
}
