package dev.stoa.kv;

import dev.stoa.common.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.ToDoubleFunction;
import java.util.logging.Logger;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;

/**
 * The embedded default {@link KvStore}: one RocksDB database in a directory, bytewise comparator
 * (unsigned lexicographic order), tuned as {@link RocksDbTuning} says.
 *
 * <p>Layout: message bodies ({@code m/}) and dedup records ({@code d/}) live in column families of
 * their own, everything else in the default one ({@link KeyFamilies} says why); callers see one
 * ordered key space. A directory created before the split (only the default family) is opened as
 * it is, everything in the default family, and stays so.
 *
 * <p>Durability: a {@link KvBatch#durable() durable} batch and a successful {@link
 * #compareAndSet} are written with {@code sync=true} (WAL fsynced before the call returns); a
 * relaxed batch goes to the WAL without fsync and survives a process crash but maybe not a power
 * loss.
 *
 * <p>Compare-and-set: RocksDB has none, so it is a read and a synced write under one of
 * {@value #CAS_STRIPES} locks chosen by the key's hash. It is therefore atomic only within this
 * object: the database directory must be owned by one process (RocksDB's LOCK file enforces it)
 * and by one {@code RocksDbKvStore}; and a key maintained by compareAndSet must not also be
 * written through {@link #write} concurrently.
 *
 * <p>Thread-safe. {@link #close()} waits for running calls, then releases the native handles;
 * later calls throw {@link KvException}. The meters of the calls are {@link MeteredKvStore}'s (wrap
 * the store in one); this class registers (in {@link Metrics#registry()}) only RocksDB's own, per
 * column family ({@link #familyStats()}):
 * {@code stoa_kv_flush_compaction_write_bytes_total{family}},
 * {@code stoa_kv_flush_compaction_cpu_seconds_total{family}},
 * {@code stoa_kv_pending_compaction_bytes{family}} and
 * {@code stoa_kv_write_stalls_total{family,kind=delay|stop}}.
 */
public final class RocksDbKvStore implements KvStore {
  static final int CAS_STRIPES = 256;
  private static final Logger LOG = Logger.getLogger(RocksDbKvStore.class.getName());

  static {
    RocksDB.loadLibrary();
  }

  private final Path dir;
  private final RocksDbTuning tuning = new RocksDbTuning();
  /** By {@link KeyFamilies} index; in a directory from before the split, all three are the default family. */
  private final ColumnFamilyHandle[] families = new ColumnFamilyHandle[KeyFamilies.NAMES.size()];
  private final List<ColumnFamilyHandle> opened = new ArrayList<>();
  /** RocksDB's id of the family holding each {@link KeyFamilies} index. */
  private final int[] familyIdOf = new int[KeyFamilies.NAMES.size()];
  private final RocksDB db;
  private final ReentrantLock[] stripes = new ReentrantLock[CAS_STRIPES];
  /** Read-held by every call, write-held by close, so no call touches a freed native handle. */
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private boolean closed;

  private final MeterRegistry registry;
  private final List<Meter> familyMeters = new ArrayList<>();

  private RocksDbKvStore(Path dir) {
    this.dir = dir;
    for (int i = 0; i < stripes.length; i++) {
      stripes[i] = new ReentrantLock();
    }
    try {
      boolean split = !isSingleFamily(dir);
      List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
      for (String name : split ? KeyFamilies.NAMES : KeyFamilies.NAMES.subList(0, 1)) {
        descriptors.add(new ColumnFamilyDescriptor(name.getBytes(StandardCharsets.UTF_8),
            descriptors.isEmpty() ? tuning.defaultFamilyOptions : tuning.familyOptions));
      }
      db = RocksDB.open(tuning.dbOptions, dir.toString(), descriptors, opened);
      for (int f = 0; f < families.length; f++) {
        families[f] = opened.get(split ? f : KeyFamilies.DEFAULT);
        familyIdOf[f] = families[f].getID();
      }
      if (!split) {
        LOG.info(() -> "kv: " + dir + " predates the column families " + KeyFamilies.NAMES.subList(1, 3)
            + "; every key stays in the default family");
      }
    } catch (RocksDBException e) {
      releaseOptions();
      throw new KvException("open: RocksDB at " + dir + " failed: " + e.getMessage(), e);
    }

    registry = Metrics.registry();
    registerFamilyMeters();
  }

  private void registerFamilyMeters() {
    for (int f = 0; f < familiesInUse(); f++) {
      String name = KeyFamilies.NAMES.get(f);
      int family = f;
      familyCounter("stoa_kv_flush_compaction_write_bytes", "bytes written by flushes and compactions",
          family, FamilyStats::flushAndCompactionWriteBytes, "family", name);
      familyCounter("stoa_kv_flush_compaction_cpu_seconds", "CPU seconds of flushes and compactions",
          family, FamilyStats::flushAndCompactionCpuSeconds, "family", name);
      familyCounter("stoa_kv_write_stalls", "writes slowed or stopped by RocksDB",
          family, FamilyStats::writeDelays, "family", name, "kind", "delay");
      familyCounter("stoa_kv_write_stalls", "writes slowed or stopped by RocksDB",
          family, FamilyStats::writeStops, "family", name, "kind", "stop");
      familyMeters.add(Gauge.builder("stoa_kv_pending_compaction_bytes", this,
              kv -> kv.familyStat(family, FamilyStats::pendingCompactionBytes))
          .description("bytes compaction still has to rewrite (RocksDB's estimate)").tag("family", name)
          .register(registry));
    }
  }

  private void familyCounter(String meter, String description, int family, ToDoubleFunction<FamilyStats> stat,
      String... tags) {
    familyMeters.add(FunctionCounter.builder(meter, this, kv -> kv.familyStat(family, stat))
        .description(description).tags(tags).register(registry));
  }

  private double familyStat(int family, ToDoubleFunction<FamilyStats> stat) {
    lifecycle.readLock().lock();
    try {
      return closed ? Double.NaN : stat.applyAsDouble(readFamilyStats(family));
    } catch (RocksDBException e) {
      return Double.NaN;
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /**
   * Flush and compaction work per column family since this store was opened, as RocksDB reports
   * it; one entry per family in use ({@code default} only for a directory from before the split).
   */
  public List<FamilyStats> familyStats() {
    enter("familyStats");
    try {
      List<FamilyStats> out = new ArrayList<>();
      for (int f = 0; f < familiesInUse(); f++) {
        out.add(readFamilyStats(f));
      }
      return out;
    } catch (RocksDBException e) {
      countError("familyStats");
      throw new KvException("familyStats: RocksDB properties failed: " + e.getMessage(), e);
    } finally {
      exit();
    }
  }

  /**
   * Writes every family's memtable into table files and waits until they are on disk, so that a
   * copy of the directory taken afterwards does not depend on replaying the write-ahead log.
   */
  public void flush() {
    enter("flush");
    try (FlushOptions options = new FlushOptions().setWaitForFlush(true)) {
      db.flush(options, Arrays.asList(families).subList(0, familiesInUse()));
    } catch (RocksDBException e) {
      countError("flush");
      throw new KvException("flush of " + dir + " failed: " + e.getMessage(), e);
    } finally {
      exit();
    }
  }

  /**
   * How many families hold keys: all of {@link KeyFamilies#NAMES}, or 1 in a directory from before
   * the split, where every index maps to the default family.
   */
  private int familiesInUse() {
    return families[KeyFamilies.BODIES] == families[KeyFamilies.DEFAULT] ? 1 : families.length;
  }

  private FamilyStats readFamilyStats(int family) throws RocksDBException {
    ColumnFamilyHandle handle = families[family];
    long pending = db.getLongProperty(handle, "rocksdb.estimate-pending-compaction-bytes");
    return FamilyStats.of(KeyFamilies.NAMES.get(family), db.getMapProperty(handle, "rocksdb.cfstats"), pending);
  }

  /** Opens (creating if needed) the database in {@code dir}, creating the directory too. */
  public static RocksDbKvStore open(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new KvException("open: cannot create directory " + dir + ": " + e.getMessage(), e);
    }
    return new RocksDbKvStore(dir);
  }

  /** The directory this store lives in. */
  public Path directory() {
    return dir;
  }

  @Override
  public byte[] get(byte[] key) {
    requireKey("get", key);
    enter("get");
    try {
      return db.get(families[KeyFamilies.of(key)], tuning.readOptions, key);
    } catch (RocksDBException e) {
      throw fail("get", key, e);
    } finally {
      exit();
    }
  }

  @Override
  public List<byte[]> multiGet(List<byte[]> keys) {
    if (keys == null) {
      throw new IllegalArgumentException("multiGet: keys must not be null");
    }
    for (int i = 0; i < keys.size(); i++) {
      byte[] key = keys.get(i);
      if (key == null || key.length == 0) {
        throw new IllegalArgumentException("multiGet: key " + i + " of " + keys.size()
            + " is " + (key == null ? "null" : "empty"));
      }
    }
    if (keys.isEmpty()) {
      return new ArrayList<>();
    }
    enter("multiGet");
    try {
      List<ColumnFamilyHandle> handles = new ArrayList<>(keys.size());
      for (byte[] key : keys) {
        handles.add(families[KeyFamilies.of(key)]);
      }
      return new ArrayList<>(db.multiGetAsList(tuning.readOptions, handles, keys));
    } catch (RocksDBException e) {
      throw new KvException("multiGet of " + keys.size() + " keys failed: " + e.getMessage(), e);
    } finally {
      exit();
    }
  }

  @Override
  public void write(KvBatch batch) {
    if (batch == null) {
      throw new IllegalArgumentException("write: batch must not be null");
    }
    if (batch.size() == 0) {
      return;
    }
    enter("write");
    List<KvBatch.Op> ops = inKeyOrder(batch.ops());
    int[] familyIds = new int[ops.size()];
    for (int i = 0; i < familyIds.length; i++) {
      familyIds[i] = familyIdOf[KeyFamilies.of(ops.get(i).key())];
    }
    try (WriteBatch wb = new WriteBatch(SerializedWriteBatch.encode(ops, familyIds))) {
      db.write(batch.isDurable() ? tuning.syncWrite : tuning.relaxedWrite, wb);
    } catch (RocksDBException e) {
      throw new KvException("write of a batch of " + batch.size() + " ops (durable="
          + batch.isDurable() + ") failed: " + e.getMessage(), e);
    } finally {
      exit();
    }
  }

  /**
   * The ops sorted by key, stable, so that puts of one key keep their order (the last one wins).
   * Applied in key order, a batch's inserts walk the memtable skip list from the position of the
   * insert before instead of from the top: the search per key touches a few nearby nodes instead
   * of one cache line per level, which under load was the largest cost of a write.
   */
  private static List<KvBatch.Op> inKeyOrder(List<KvBatch.Op> ops) {
    if (ops.size() < 2) {
      return ops;
    }
    List<KvBatch.Op> sorted = new ArrayList<>(ops);
    sorted.sort((a, b) -> Arrays.compareUnsigned(a.key(), b.key()));
    return sorted;
  }

  /** Syncs RocksDB's write-ahead log: every write that returned before is then durable. */
  @Override
  public void sync() {
    enter("sync");
    try {
      db.syncWal();
    } catch (RocksDBException e) {
      throw new KvException("sync of the write-ahead log in " + dir + " failed: " + e.getMessage(), e);
    } finally {
      exit();
    }
  }

  @Override
  public List<KeyValue> scan(byte[] startInclusive, byte[] endExclusive, int limit) {
    return scan("scan", startInclusive, endExclusive, limit, false);
  }

  @Override
  public List<KeyValue> scanReverse(byte[] startInclusive, byte[] endExclusive, int limit) {
    return scan("scanReverse", startInclusive, endExclusive, limit, true);
  }

  private List<KeyValue> scan(String op, byte[] startInclusive, byte[] endExclusive, int limit, boolean reverse) {
    if (startInclusive == null) {
      throw new IllegalArgumentException(op + ": start must not be null (use an empty array for"
          + " the first key)");
    }
    if (limit < 0) {
      throw new IllegalArgumentException(op + ": limit must be >= 0, got " + limit);
    }
    List<KeyValue> out = new ArrayList<>(Math.min(limit, 1024));
    if (limit == 0 || (endExclusive != null
        && Arrays.compareUnsigned(startInclusive, endExclusive) >= 0)) {
      return out;
    }
    enter(op);
    try {
      int[] overlapping = KeyFamilies.overlapping(startInclusive, endExclusive);
      if (overlapping.length == 1 || familiesInUse() == 1) {
        scanFamily(families[overlapping[0]], startInclusive, endExclusive, limit, reverse, out);
      } else {
        // rare: a range across families; each holds a disjoint set of keys, so merge by key
        for (int f : overlapping) {
          scanFamily(families[f], startInclusive, endExclusive, limit, reverse, out);
        }
        out.sort(reverse ? (a, b) -> Arrays.compareUnsigned(b.key(), a.key())
            : (a, b) -> Arrays.compareUnsigned(a.key(), b.key()));
        if (out.size() > limit) {
          out.subList(limit, out.size()).clear();
        }
      }
      return out;
    } catch (RocksDBException e) {
      throw fail(op, startInclusive, e);
    } finally {
      exit();
    }
  }

  /**
   * Adds to {@code out} up to {@code limit} entries of {@code family} in [start, end), ascending,
   * or descending from the last one below {@code end} when {@code reverse}.
   */
  private void scanFamily(ColumnFamilyHandle family, byte[] startInclusive, byte[] endExclusive, int limit,
      boolean reverse, List<KeyValue> out) throws RocksDBException {
    int added = 0;
    try (Slice lower = startInclusive.length == 0 ? null : new Slice(startInclusive);
        Slice upper = endExclusive == null ? null : new Slice(endExclusive);
        ReadOptions ro = new ReadOptions()) {
      if (upper != null) {
        ro.setIterateUpperBound(upper);
      }
      if (lower != null) {
        ro.setIterateLowerBound(lower);
      }
      try (RocksIterator it = db.newIterator(family, ro)) {
        if (reverse) {
          it.seekToLast(); // the last key below the upper bound
        } else {
          it.seek(startInclusive);
        }
        while (it.isValid() && added < limit) {
          out.add(new KeyValue(it.key(), it.value()));
          added++;
          if (reverse) {
            it.prev();
          } else {
            it.next();
          }
        }
        it.status();
      }
    }
  }

  @Override
  public boolean compareAndSet(byte[] key, byte[] expected, byte[] update) {
    requireKey("compareAndSet", key);
    if (update == null) {
      throw new IllegalArgumentException("compareAndSet: update must not be null (key of "
          + key.length + " bytes)");
    }
    enter("compareAndSet");
    ReentrantLock stripe = stripes[Math.floorMod(Arrays.hashCode(key), CAS_STRIPES)];
    stripe.lock();
    try {
      ColumnFamilyHandle family = families[KeyFamilies.of(key)];
      byte[] current = db.get(family, tuning.readOptions, key);
      boolean matches = expected == null ? current == null
          : current != null && Arrays.equals(current, expected);
      if (!matches) {
        return false;
      }
      db.put(family, tuning.syncWrite, key, update);
      return true;
    } catch (RocksDBException e) {
      throw fail("compareAndSet", key, e);
    } finally {
      stripe.unlock();
      exit();
    }
  }

  /** Closes the database and every native handle; idempotent. */
  @Override
  public void close() {
    lifecycle.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      familyMeters.forEach(registry::remove);
      try {
        db.syncWal();
      } catch (RocksDBException e) {
        // closing anyway; a relaxed batch may be lost, a durable one is already synced
      }
      opened.forEach(ColumnFamilyHandle::close);
      db.close();
      releaseOptions();
    } finally {
      lifecycle.writeLock().unlock();
    }
  }

  private void releaseOptions() {
    tuning.close();
  }

  /**
   * Whether {@code dir} holds a database made before the column-family split: one that exists and
   * has no {@code bodies} family.
   */
  private static boolean isSingleFamily(Path dir) throws RocksDBException {
    if (!Files.exists(dir.resolve("CURRENT"))) {
      return false;
    }
    try (Options probe = new Options()) {
      byte[] bodies = KeyFamilies.NAMES.get(KeyFamilies.BODIES).getBytes(StandardCharsets.UTF_8);
      return RocksDB.listColumnFamilies(probe, dir.toString()).stream().noneMatch(n -> Arrays.equals(n, bodies));
    }
  }

  private void enter(String op) {
    lifecycle.readLock().lock();
    if (closed) {
      lifecycle.readLock().unlock();
      throw new KvException(op + ": store at " + dir + " is closed");
    }
  }

  private void exit() {
    lifecycle.readLock().unlock();
  }

  private KvException fail(String op, byte[] key, RocksDBException e) {
    return new KvException(op + " of a key of " + key.length + " bytes failed: "
        + e.getMessage(), e);
  }

  private void countError(String op) {
    Counter.builder("stoa_kv_errors").tag("op", op).register(registry).increment();
  }

  private static void requireKey(String op, byte[] key) {
    if (key == null || key.length == 0) {
      throw new IllegalArgumentException(op + ": key must be non-empty, got "
          + (key == null ? "null" : "0 bytes"));
    }
  }

  @Override
  public String toString() {
    return "RocksDbKvStore[" + dir + "]";
  }
}
