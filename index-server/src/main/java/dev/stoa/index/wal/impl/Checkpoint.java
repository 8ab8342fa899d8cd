package dev.stoa.index.wal.impl;

import dev.stoa.index.wal.DurableFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The {@code checkpoint} file of a shard directory (FORMAT.md "Checkpoint"): 20 bytes,
 * little-endian: {@code int magic 0x50435453 ("STCP"), int version 1, long durableOffset,
 * int crc32c of bytes [0, 16)}. Every record below {@code durableOffset} was forced to the device
 * before the file was written. Written atomically through {@code checkpoint.tmp}
 * ({@link DurableFiles#replace}). Stateless.
 */
public final class Checkpoint {
  public static final String FILE = "checkpoint";
  public static final String TEMP_FILE = "checkpoint.tmp";
  public static final int MAGIC = 0x50435453;
  public static final int VERSION = 1;
  public static final int BYTES = 20;

  /** What {@link #read} found. */
  public enum Status {
    MISSING, VALID, CORRUPT
  }

  /** @param offset the durable offset if {@code status} is VALID, else 0 */
  public record Read(Status status, long offset, String problem) {}

  private Checkpoint() {}

  public static Read read(Path dir) throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(dir.resolve(FILE));
    } catch (NoSuchFileException e) {
      return new Read(Status.MISSING, 0, "no " + FILE + " file");
    }
    if (bytes.length != BYTES) {
      return new Read(Status.CORRUPT, 0, FILE + " is " + bytes.length + " bytes, expected " + BYTES);
    }
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, 16);
    int expected = (int) crc.getValue();
    int magic = b.getInt(0);
    int version = b.getInt(4);
    long offset = b.getLong(8);
    int found = b.getInt(16);
    if (found != expected) {
      return new Read(Status.CORRUPT, 0, FILE + " CRC32C mismatch: stored " + Integer.toHexString(found)
          + ", computed " + Integer.toHexString(expected));
    }
    if (magic != MAGIC || version != VERSION || offset < 0) {
      return new Read(Status.CORRUPT, 0, FILE + " has magic " + Integer.toHexString(magic) + " version " + version
          + " offset " + offset + ", expected magic " + Integer.toHexString(MAGIC) + " version " + VERSION);
    }
    return new Read(Status.VALID, offset, null);
  }

  public static void write(Path dir, long durableOffset) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(BYTES).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(MAGIC).putInt(VERSION).putLong(durableOffset);
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, 16);
    b.putInt((int) crc.getValue()).flip();
    DurableFiles.replace(dir, FILE, TEMP_FILE, b);
  }

}
