package dev.stoa.state.impl;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;

/**
 * The persisted pending pushes of one state server: a Chronicle Map file from (connId, msgId) to
 * a {@link PushRecord}. Key format: 16 bytes, {@code i64 connId | i64 msgId} big-endian; value:
 * {@link PushRecord#encode}. The file is created or recovered on {@link #open} and survives a
 * restart; a record that does not decode is removed and reported, never served. Puts go to a
 * memory-mapped file (no {@code force}), so an entry survives a process crash but not necessarily
 * a machine crash. Not thread-safe: confined to the state server's lane thread; its methods do
 * file I/O and never run on an event loop.
 */
public final class DeliveryState implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(DeliveryState.class.getName());
  static final int KEY_BYTES = 16;
  /** Sizing hint for the map: a typical encoded record (header, gateway id, small message). */
  static final int AVERAGE_VALUE_BYTES = 512;
  /** Room beyond the configured entries for records larger than the average. */
  private static final double MAX_BLOAT_FACTOR = 4.0;

  private final Path file;
  private final ChronicleMap<byte[], byte[]> map;

  private DeliveryState(Path file, ChronicleMap<byte[], byte[]> map) {
    this.file = file;
    this.map = map;
  }

  /**
   * Creates {@code file} (and its directory) or opens the map already in it. A file left open by a
   * process that did not {@link #close} it (a crash) is opened through Chronicle Map's recovery,
   * which rebuilds locks and counters and drops corrupt entries; a cleanly closed one is opened
   * as is (recovery is not free and is only safe with one opener). A marker file
   * {@code <file>.open} exists while the map is open. Blocking.
   */
  public static DeliveryState open(Path file, long maxEntries) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path marker = openMarker(file);
    boolean unclean = Files.exists(marker) && Files.exists(file);
    ChronicleMapBuilder<byte[], byte[]> builder = ChronicleMap.of(byte[].class, byte[].class)
        .name("stoa-state-" + file.getFileName())
        .entries(maxEntries)
        .constantKeySizeBySample(new byte[KEY_BYTES])
        .averageValueSize(AVERAGE_VALUE_BYTES)
        .maxBloatFactor(MAX_BLOAT_FACTOR);
    ChronicleMap<byte[], byte[]> map;
    if (unclean) {
      LOG.warning(() -> "state map " + file + " was not closed cleanly (" + marker + " exists); recovering it");
      map = builder.recoverPersistedTo(file.toFile(), false);
    } else {
      map = builder.createPersistedTo(file.toFile());
    }
    try {
      Files.write(marker, new byte[0]);
    } catch (IOException e) {
      map.close();
      throw e;
    }
    return new DeliveryState(file, map);
  }

  /** The marker that exists while {@code file} is open. */
  static Path openMarker(Path file) {
    return file.resolveSibling(file.getFileName() + ".open");
  }

  public Path file() {
    return file;
  }

  /** Adds or replaces the record of (connId, msgId); throws if the map has no room left. */
  public void put(long connId, long msgId, PushRecord record) {
    map.put(key(connId, msgId), record.encode());
  }

  /** The record of (connId, msgId); empty if absent or if it did not decode (then it is removed). */
  public Optional<PushRecord> get(long connId, long msgId) {
    byte[] key = key(connId, msgId);
    byte[] value = map.get(key);
    if (value == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(PushRecord.decode(value));
    } catch (IllegalArgumentException e) {
      reportCorrupt(connId, msgId, e);
      map.remove(key);
      return Optional.empty();
    }
  }

  /** Removes the record of (connId, msgId); true if there was one. */
  public boolean remove(long connId, long msgId) {
    return map.remove(key(connId, msgId)) != null;
  }

  public long size() {
    return map.longSize();
  }

  /** What {@link #forEach} hands over for each valid record. */
  public interface Visitor {
    void visit(long connId, long msgId, PushRecord record);
  }

  /**
   * Visits every record that decodes and removes every one that does not.
   *
   * @return the number of records removed as undecodable
   */
  public int forEach(Visitor visitor) {
    List<byte[]> corrupt = new ArrayList<>();
    for (Map.Entry<byte[], byte[]> entry : map.entrySet()) {
      byte[] key = entry.getKey();
      if (key.length != KEY_BYTES) {
        LOG.warning(() -> "state map " + file + ": key of " + key.length + " bytes, expected " + KEY_BYTES
            + "; removing it");
        corrupt.add(key);
        continue;
      }
      ByteBuffer k = ByteBuffer.wrap(key);
      long connId = k.getLong();
      long msgId = k.getLong();
      PushRecord record;
      try {
        record = PushRecord.decode(entry.getValue());
      } catch (IllegalArgumentException e) {
        reportCorrupt(connId, msgId, e);
        corrupt.add(key);
        continue;
      }
      visitor.visit(connId, msgId, record);
    }
    corrupt.forEach(map::remove);
    return corrupt.size();
  }

  /** Unmaps the file; entries stay in it for the next {@link #open}. */
  @Override
  public void close() {
    map.close();
    try {
      Files.deleteIfExists(openMarker(file));
    } catch (IOException e) {
      LOG.warning(() -> "state map " + file + ": cannot delete " + openMarker(file) + ": " + e
          + "; the next open will recover the map");
    }
  }

  static byte[] key(long connId, long msgId) {
    return ByteBuffer.allocate(KEY_BYTES).putLong(connId).putLong(msgId).array();
  }

  private void reportCorrupt(long connId, long msgId, IllegalArgumentException e) {
    LOG.warning(() -> "state map " + file + ": dropping undecodable record of connId " + connId + " msgId "
        + msgId + ": " + e.getMessage());
  }
}
