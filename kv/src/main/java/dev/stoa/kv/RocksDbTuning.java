package dev.stoa.kv;

import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.ReadOptions;
import org.rocksdb.WriteOptions;

/**
 * How Stoa tunes its embedded RocksDB, with the reason for each choice, and the native option
 * objects that carry it: an LZ4-compressed block-based table with a {@value #BLOCK_CACHE_BYTES}-byte
 * LRU block cache and a bloom filter for point reads, a whole-key bloom filter in the memtable,
 * {@value #DEFAULT_FAMILY_LEVEL0_FILES_PER_COMPACTION} level-0 files per compaction in the default
 * family (the chains), sequential memtable inserts. One instance per open store; {@link #close}
 * releases the native objects once the database is closed. Not thread-safe to close.
 */
final class RocksDbTuning implements AutoCloseable {
  static final long BLOCK_CACHE_BYTES = 64L * 1024 * 1024;
  static final int DEFAULT_FAMILY_LEVEL0_FILES_PER_COMPACTION = 8;

  private final LRUCache cache = new LRUCache(BLOCK_CACHE_BYTES);
  private final BloomFilter bloom = new BloomFilter(10);
  /** The bodies and dedup families. */
  final ColumnFamilyOptions familyOptions;
  /** The default family: the session and user chains. */
  final ColumnFamilyOptions defaultFamilyOptions;
  final DBOptions dbOptions;
  final WriteOptions syncWrite = new WriteOptions().setSync(true);
  final WriteOptions relaxedWrite = new WriteOptions().setSync(false);
  final ReadOptions readOptions = new ReadOptions();

  RocksDbTuning() {
    BlockBasedTableConfig table = new BlockBasedTableConfig()
        .setBlockCache(cache)
        .setFilterPolicy(bloom)
        .setBlockSize(16 * 1024)
        .setCacheIndexAndFilterBlocks(false);
    familyOptions = new ColumnFamilyOptions()
        .setCompressionType(CompressionType.LZ4_COMPRESSION)
        .setBottommostCompressionType(CompressionType.LZ4_COMPRESSION)
        .setTableFormatConfig(table)
        // a bloom filter over whole keys in the memtable: the writer's dedup lookup of every send
        // misses, and without it each miss walks the memtable skip list
        .setMemtableWholeKeyFiltering(true)
        .setMemtablePrefixBloomSizeRatio(0.05);
    // The chains spread over every session and user, so each level-0 file overlaps all of level 1
    // and a level-0 compaction rewrites level 1 whole: gathering 8 files per compaction instead of
    // 4 halves how often that happens (KvWriteLoad: 9.6 -> 5.4 CPU s of flush and compaction per
    // 3M messages, 15.4 -> 13.9 us of process CPU per message), at the price of up to 8 files for
    // a chain read to merge before the first compaction
    defaultFamilyOptions = new ColumnFamilyOptions(familyOptions)
        .setLevel0FileNumCompactionTrigger(DEFAULT_FAMILY_LEVEL0_FILES_PER_COMPACTION);
    dbOptions = new DBOptions()
        .setCreateIfMissing(true)
        .setCreateMissingColumnFamilies(true)
        .setMaxBackgroundJobs(4)
        // Stoa writes mostly from one committing thread: the concurrent insert path only adds cost,
        // and the sequential one reuses its skip-list position from one insert to the next
        .setAllowConcurrentMemtableWrite(false)
        .setBytesPerSync(1024 * 1024)
        .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
        .setKeepLogFileNum(5);
  }

  @Override
  public void close() {
    readOptions.close();
    relaxedWrite.close();
    syncWrite.close();
    defaultFamilyOptions.close();
    familyOptions.close();
    dbOptions.close();
    bloom.close();
    cache.close();
  }
}
