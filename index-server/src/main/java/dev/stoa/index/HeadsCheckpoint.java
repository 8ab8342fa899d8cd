package dev.stoa.index;

import dev.stoa.index.wal.DurableFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The {@code heads} file of a shard directory (FORMAT.md "Heads checkpoint"): every session's newest
 * seq and msgId as of log offset {@code coveredOffset}, so that a room's seq never goes back when
 * retention deletes the segments that held its records. Little-endian:
 * {@code int magic 0x53485453 ("STHS"), int version 1, long coveredOffset, int count}, then per
 * session {@code short idBytes, idBytes of UTF-8 sessionId, long lastSeq, long lastMsgId}, then
 * {@code int crc32c} of every byte before it. Written atomically ({@code heads.tmp}, fsync, rename
 * over {@code heads}, fsync of the directory). Stateless.
 */
public final class HeadsCheckpoint {
  public static final String FILE = "heads";
  public static final String TEMP_FILE = "heads.tmp";
  public static final int MAGIC = 0x53485453;
  public static final int VERSION = 1;
  private static final int HEADER_BYTES = 20;

  /** A session's head: its newest seq and that message's msgId. */
  public record Head(long lastSeq, long lastMsgId) {}

  /**
   * What {@link #read} found.
   *
   * @param coveredOffset every log record below it is reflected in {@code heads}
   * @param heads by session id, in file order; empty if the file is missing
   */
  public record Contents(boolean present, long coveredOffset, Map<String, Head> heads) {}

  private HeadsCheckpoint() {}

  /**
   * Reads {@code dir/heads}; a missing file is {@code present == false}.
   *
   * @throws IOException naming the file and what is wrong if it is damaged (size, magic, version,
   *     CRC32C), or on a read error
   */
  public static Contents read(Path dir) throws IOException {
    Path file = dir.resolve(FILE);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return new Contents(false, 0, Map.of());
    }
    if (bytes.length < HEADER_BYTES + 4) {
      throw new IOException(file + " is " + bytes.length + " bytes, shorter than its " + (HEADER_BYTES + 4)
          + "-byte header and CRC");
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int stored = b.getInt(bytes.length - 4);
    if (stored != (int) crc.getValue()) {
      throw new IOException(file + " CRC32C mismatch: stored " + Integer.toHexString(stored) + ", computed "
          + Integer.toHexString((int) crc.getValue()));
    }
    int magic = b.getInt();
    int version = b.getInt();
    long covered = b.getLong();
    int count = b.getInt();
    if (magic != MAGIC || version != VERSION || covered < 0 || count < 0) {
      throw new IOException(file + " has magic " + Integer.toHexString(magic) + " version " + version + " offset "
          + covered + " count " + count + ", expected magic " + Integer.toHexString(MAGIC) + " version " + VERSION);
    }
    Map<String, Head> heads = new LinkedHashMap<>();
    try {
      for (int i = 0; i < count; i++) {
        int len = Short.toUnsignedInt(b.getShort());
        String id = new String(bytes, b.position(), len, StandardCharsets.UTF_8);
        b.position(b.position() + len);
        heads.put(id, new Head(b.getLong(), b.getLong()));
      }
    } catch (RuntimeException e) {
      throw new IOException(file + ": entry list does not match its count " + count + ": " + e, e);
    }
    if (b.position() != bytes.length - 4) {
      throw new IOException(file + ": " + (bytes.length - 4 - b.position()) + " bytes after the " + count
          + " entries");
    }
    return new Contents(true, covered, heads);
  }

  /** Replaces {@code dir/heads} atomically with {@code heads} as of {@code coveredOffset}. */
  public static void write(Path dir, long coveredOffset, Map<String, Head> heads) throws IOException {
    int size = HEADER_BYTES + 4;
    Map<byte[], Head> encoded = new LinkedHashMap<>();
    for (Map.Entry<String, Head> e : heads.entrySet()) {
      byte[] id = e.getKey().getBytes(StandardCharsets.UTF_8);
      if (id.length > 0xFFFF) {
        throw new IllegalArgumentException("session id of " + id.length + " bytes does not fit the heads file");
      }
      encoded.put(id, e.getValue());
      size += 2 + id.length + 16;
    }
    ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(MAGIC).putInt(VERSION).putLong(coveredOffset).putInt(encoded.size());
    encoded.forEach((id, h) -> b.putShort((short) id.length).put(id).putLong(h.lastSeq()).putLong(h.lastMsgId()));
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, b.position());
    b.putInt((int) crc.getValue()).flip();
    DurableFiles.replace(dir, FILE, TEMP_FILE, b);
  }
}
