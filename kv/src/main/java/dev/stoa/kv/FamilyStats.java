package dev.stoa.kv;

import java.util.Map;

/**
 * What RocksDB reports about one column family since the store was opened: the background work
 * it did to keep the family's levels in shape, and how far behind that work is. An operator
 * watches these to see which family the disk and CPU go to, and whether writes are about to be
 * slowed down. Immutable.
 *
 * @param family the column family name ({@code default}, {@code bodies}, {@code dedup})
 * @param flushAndCompactionWriteBytes bytes written by flushes and compactions (RocksDB reports
 *     them in GiB with six decimals, so to about a kilobyte)
 * @param flushAndCompactionCpuSeconds CPU seconds spent merging in flushes and compactions
 * @param writeAmplification bytes written to disk per byte flushed from the memtable
 * @param pendingCompactionBytes RocksDB's estimate of the bytes compaction still has to rewrite
 * @param writeDelays times writes to this family were slowed down (a stall)
 * @param writeStops times writes to this family were stopped until compaction caught up
 */
public record FamilyStats(String family, long flushAndCompactionWriteBytes, double flushAndCompactionCpuSeconds,
    double writeAmplification, long pendingCompactionBytes, long writeDelays, long writeStops) {

  /** Reads the stats from RocksDB's {@code rocksdb.cfstats} map and pending-compaction estimate. */
  static FamilyStats of(String family, Map<String, String> cfStats, long pendingCompactionBytes) {
    return new FamilyStats(family,
        (long) (number(cfStats, "compaction.Sum.WriteGB") * 1024 * 1024 * 1024),
        number(cfStats, "compaction.Sum.CompMergeCPU"),
        number(cfStats, "compaction.Sum.WriteAmp"),
        pendingCompactionBytes,
        (long) number(cfStats, "total-delays"),
        (long) number(cfStats, "total-stops"));
  }

  private static double number(Map<String, String> stats, String key) {
    String value = stats.get(key);
    if (value == null) {
      return 0; // no flush or compaction yet: RocksDB leaves the row out
    }
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  @Override
  public String toString() {
    return String.format("%s: flush+compaction wrote %.1f MB in %.1f CPU s, write amplification %.1f, "
        + "pending %.1f MB, stalls %d delays %d stops", family, flushAndCompactionWriteBytes / 1048576.0,
        flushAndCompactionCpuSeconds, writeAmplification, pendingCompactionBytes / 1048576.0, writeDelays,
        writeStops);
  }
}
