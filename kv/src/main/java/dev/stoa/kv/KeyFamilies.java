package dev.stoa.kv;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Which RocksDB column family holds a key: message bodies ({@code m/}) and dedup records
 * ({@code d/}) each get their own, everything else stays in the default one. Bodies are keyed by
 * time-ordered msgIds, so in a family of their own every flushed file lies above the ones before
 * and moves down the levels without being rewritten; sharing a key space with the chains, whose
 * keys spread over every session and user, each compaction rewrote them with everything else.
 * Dedup records are point-read, and scanned only by the writer's expiry sweep. Each family is one
 * contiguous key range ([{@code m/}, {@code m0}), [{@code d/}, {@code d0})), so a scan inside a
 * range touches one family and a scan across ranges merges a few. Immutable.
 */
final class KeyFamilies {
  static final int DEFAULT = 0;
  static final int BODIES = 1;
  static final int DEDUP = 2;
  /** Column family names by index; index 0 is RocksDB's default family. */
  static final List<String> NAMES = List.of("default", "bodies", "dedup");

  private static final byte SEPARATOR = '/';
  private static final byte[][] LOWER = {null, prefix('m'), prefix('d')};
  private static final byte[][] UPPER = {null, prefixEnd('m'), prefixEnd('d')};

  private KeyFamilies() {}

  /** The family of {@code key} (non-empty). */
  static int of(byte[] key) {
    if (key.length >= 2 && key[1] == SEPARATOR) {
      if (key[0] == 'm') {
        return BODIES;
      }
      if (key[0] == 'd') {
        return DEDUP;
      }
    }
    return DEFAULT;
  }

  /** The families that may hold keys in [{@code start}, {@code end}); {@code end} null = unbounded. */
  static int[] overlapping(byte[] start, byte[] end) {
    int[] out = new int[NAMES.size()];
    int n = 0;
    out[n++] = DEFAULT;
    for (int f = 1; f < NAMES.size(); f++) {
      boolean startsBelowUpper = Arrays.compareUnsigned(start, UPPER[f]) < 0;
      boolean endsAboveLower = end == null || Arrays.compareUnsigned(end, LOWER[f]) > 0;
      if (startsBelowUpper && endsAboveLower) {
        if (Arrays.compareUnsigned(start, LOWER[f]) >= 0 && end != null && Arrays.compareUnsigned(end, UPPER[f]) <= 0) {
          return new int[] {f}; // wholly inside one family's range: no other family holds such keys
        }
        out[n++] = f;
      }
    }
    return Arrays.copyOf(out, n);
  }

  private static byte[] prefix(char kind) {
    return (kind + "/").getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] prefixEnd(char kind) {
    return new byte[] {(byte) kind, SEPARATOR + 1};
  }
}
