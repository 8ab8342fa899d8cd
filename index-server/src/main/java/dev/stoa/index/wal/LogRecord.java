package dev.stoa.index.wal;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One record read from a {@link ShardLog}; {@code payload} is this record's own copy (the one copy a
 * read makes). Equality compares the payload bytes.
 */
public record LogRecord(long offset, int epoch, long timestampMillis, byte[] payload) {
  @Override
  public boolean equals(Object o) {
    return o instanceof LogRecord r && r.offset == offset && r.epoch == epoch
        && r.timestampMillis == timestampMillis && Arrays.equals(r.payload, payload);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(offset) * 31 + Arrays.hashCode(payload);
  }

  @Override
  public String toString() {
    String hex = HexFormat.of().formatHex(payload, 0, Math.min(payload.length, 16));
    return "LogRecord[offset=" + offset + ", epoch=" + epoch + ", timestampMillis=" + timestampMillis
        + ", payload=" + payload.length + " bytes " + hex + (payload.length > 16 ? "..." : "") + "]";
  }
}
