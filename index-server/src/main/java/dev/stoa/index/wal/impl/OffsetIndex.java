package dev.stoa.index.wal.impl;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The sparse offset index of one segment, {@code <base>.index} (FORMAT.md "Index"): a preallocated,
 * memory-mapped array of 8-byte entries {@code (int relativeOffset, int position)}, little-endian,
 * ascending in both, each naming the position of a record in the segment's log file. Position 0 is
 * never indexed (it is where every lookup starts anyway), so the first entry whose position is 0
 * ends the index. Derived data: not checksummed, not forced on every commit, validated at open and
 * rebuilt from the log when in doubt (like Kafka's {@code OffsetIndex}).
 *
 * <p>Thread-safety: one writer (the appender, under the log's append lock, or recovery) and any
 * number of concurrent {@link #lookup} callers; the entry count is published with a volatile write
 * after the entry's bytes.
 */
public final class OffsetIndex implements AutoCloseable {
  public static final int ENTRY_BYTES = 8;

  private final Path path;
  private final FileChannel channel;
  private final Arena arena;
  private final MemorySegment memory;
  private final int capacity;
  private volatile int entries;

  private OffsetIndex(Path path, FileChannel channel, Arena arena, MemorySegment memory) {
    this.path = path;
    this.channel = channel;
    this.arena = arena;
    this.memory = memory;
    this.capacity = (int) (memory.byteSize() / ENTRY_BYTES);
    int n = 0;
    while (n < capacity && position(n) != 0) {
      n++;
    }
    this.entries = n;
  }

  /** Entries an index needs for a log of {@code logBytes} with one entry every {@code intervalBytes}. */
  public static int capacityFor(long logBytes, int intervalBytes) {
    return (int) (logBytes / intervalBytes) + 1;
  }

  /**
   * Opens (creating it if missing) and maps the index file with room for {@code capacityEntries}
   * entries; a file of another size is resized (a longer one is cut, a shorter one zero-extended).
   */
  public static OffsetIndex open(Path path, int capacityEntries) throws IOException {
    FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    Arena arena = null;
    try {
      long bytes = (long) capacityEntries * ENTRY_BYTES;
      if (ch.size() > bytes) {
        ch.truncate(bytes);
      }
      if (ch.size() < bytes) {
        ch.write(java.nio.ByteBuffer.allocate(1), bytes - 1); // zero-extends (sparse where supported)
      }
      arena = Arena.ofShared();
      MemorySegment m = ch.map(FileChannel.MapMode.READ_WRITE, 0, bytes, arena);
      return new OffsetIndex(path, ch, arena, m);
    } catch (IOException | RuntimeException e) {
      if (arena != null) {
        arena.close();
      }
      ch.close();
      throw e;
    }
  }

  public Path path() {
    return path;
  }

  public int entries() {
    return entries;
  }

  public int capacity() {
    return capacity;
  }

  public int relativeOffset(int i) {
    return memory.get(RecordFormat.INT, (long) i * ENTRY_BYTES);
  }

  public int position(int i) {
    return memory.get(RecordFormat.INT, (long) i * ENTRY_BYTES + 4);
  }

  /** Adds an entry if there is room; positions and offsets must ascend (not checked here). */
  public void append(int relativeOffset, int position) {
    int n = entries;
    if (n == capacity) {
      return;
    }
    long at = (long) n * ENTRY_BYTES;
    memory.set(RecordFormat.INT, at, relativeOffset);
    memory.set(RecordFormat.INT, at + 4, position);
    entries = n + 1;
  }

  /** Position of the last indexed record whose relative offset is at most {@code relativeOffset}, else 0. */
  public int lookup(long relativeOffset) {
    int lo = 0;
    int hi = entries - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (relativeOffset(mid) <= relativeOffset) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found < 0 ? 0 : position(found);
  }

  /** Keeps the first {@code n} entries and zeroes the rest. */
  public void truncateEntries(int n) {
    int old = entries;
    if (n >= old) {
      return;
    }
    entries = n;
    memory.asSlice((long) n * ENTRY_BYTES, (long) (old - n) * ENTRY_BYTES).fill((byte) 0);
  }

  /** Zeroes everything, including stray bytes past the first zero entry. */
  public void clear() {
    entries = 0;
    memory.fill((byte) 0);
  }

  public void force() {
    memory.force();
  }

  @Override
  public void close() throws IOException {
    arena.close();
    channel.close();
  }
}
