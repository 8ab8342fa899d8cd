package dev.stoa.kv;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The meters every {@link KvStore} gets, whatever the backend: the calls made on it, their
 * latency and their failures. {@code stoa_kv_writes_total} (non-empty batches written),
 * {@code stoa_kv_write_ops_total} (their puts and deletes), {@code stoa_kv_write_seconds},
 * {@code stoa_kv_sync_seconds}, {@code stoa_kv_reads_total} (keys read by get and multiGet),
 * {@code stoa_kv_read_seconds}, {@code stoa_kv_scans_total}, {@code stoa_kv_scan_seconds},
 * {@code stoa_kv_cas_total{result=set|mismatch}} and {@code stoa_kv_errors_total{op}} (calls that
 * threw {@link KvException}). A counter counts a call that succeeded; a timer times every call.
 * Meters of one backend's internals (RocksDB's compactions) stay with that backend.
 * Thread-safe when the delegate is.
 */
public final class MeteredKvStore extends ForwardingKvStore {
  private final MeterRegistry registry;
  private final Counter writes;
  private final Counter writeOps;
  private final Timer writeTimer;
  private final Timer syncTimer;
  private final Counter reads;
  private final Timer readTimer;
  private final Counter scans;
  private final Timer scanTimer;
  private final Counter casSet;
  private final Counter casMismatch;

  public MeteredKvStore(KvStore delegate, MeterRegistry registry) {
    super(delegate);
    this.registry = registry;
    writes = Counter.builder("stoa_kv_writes").description("KV batches written").register(registry);
    writeOps = Counter.builder("stoa_kv_write_ops").description("KV puts and deletes written").register(registry);
    writeTimer = Timer.builder("stoa_kv_write").description("KV batch write latency").register(registry);
    syncTimer = Timer.builder("stoa_kv_sync").description("KV write-ahead-log sync latency").register(registry);
    reads = Counter.builder("stoa_kv_reads").description("KV keys read by get and multiGet").register(registry);
    readTimer = Timer.builder("stoa_kv_read").description("KV get/multiGet latency").register(registry);
    scans = Counter.builder("stoa_kv_scans").description("KV range scans").register(registry);
    scanTimer = Timer.builder("stoa_kv_scan").description("KV range scan latency").register(registry);
    casSet = Counter.builder("stoa_kv_cas").tag("result", "set").register(registry);
    casMismatch = Counter.builder("stoa_kv_cas").tag("result", "mismatch").register(registry);
  }

  @Override
  public byte[] get(byte[] key) {
    byte[] value = timed("get", readTimer, () -> delegate().get(key));
    reads.increment();
    return value;
  }

  @Override
  public List<byte[]> multiGet(List<byte[]> keys) {
    List<byte[]> values = timed("multiGet", readTimer, () -> delegate().multiGet(keys));
    reads.increment(keys.size());
    return values;
  }

  @Override
  public void write(KvBatch batch) {
    timed("write", writeTimer, () -> {
      delegate().write(batch);
      return null;
    });
    if (batch.size() > 0) {
      writes.increment();
      writeOps.increment(batch.size());
    }
  }

  @Override
  public void sync() {
    timed("sync", syncTimer, () -> {
      delegate().sync();
      return null;
    });
  }

  @Override
  public List<KeyValue> scan(byte[] startInclusive, byte[] endExclusive, int limit) {
    List<KeyValue> out = timed("scan", scanTimer, () -> delegate().scan(startInclusive, endExclusive, limit));
    scans.increment();
    return out;
  }

  @Override
  public List<KeyValue> scanReverse(byte[] startInclusive, byte[] endExclusive, int limit) {
    List<KeyValue> out = timed("scanReverse", scanTimer,
        () -> delegate().scanReverse(startInclusive, endExclusive, limit));
    scans.increment();
    return out;
  }

  @Override
  public boolean compareAndSet(byte[] key, byte[] expected, byte[] update) {
    try {
      boolean set = delegate().compareAndSet(key, expected, update);
      (set ? casSet : casMismatch).increment();
      return set;
    } catch (KvException e) {
      throw counted("compareAndSet", e);
    }
  }

  /** Runs one call of the delegate, timed whether it succeeds or not; a KvException is counted under {@code op}. */
  private <T> T timed(String op, Timer timer, Supplier<T> call) {
    long start = System.nanoTime();
    try {
      return call.get();
    } catch (KvException e) {
      throw counted(op, e);
    } finally {
      timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }
  }

  private KvException counted(String op, KvException e) {
    Counter.builder("stoa_kv_errors").tag("op", op).register(registry).increment();
    return e;
  }

  @Override
  public String toString() {
    return "Metered" + delegate();
  }
}
