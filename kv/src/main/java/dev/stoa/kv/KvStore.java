package dev.stoa.kv;

import java.util.List;

/**
 * The narrow ordered key-value store every Stoa storage path sits on (DESIGN.md §4): byte keys
 * ordered by unsigned lexicographic comparison, point reads, batched writes, range scans both ways
 * and compare-and-set. Implementations: {@code RocksDbKvStore} (embedded default) and, later,
 * TiKV RawKV; both pass {@code KvStoreContractTest}.
 *
 * <p>Every method blocks on I/O: call it from a worker or virtual thread, never an event loop.
 * Implementations are thread-safe.
 */
public interface KvStore extends AutoCloseable {

  /** The value under {@code key}, or null. Keys are non-empty: an empty key is rejected. */
  byte[] get(byte[] key);

  /** Values in the order of {@code keys}, null where absent. */
  List<byte[]> multiGet(List<byte[]> keys);

  /**
   * Applies every put and delete of {@code batch}. Atomic on RocksDB; on backends that are not
   * atomic across regions the caller's keys must make a retry idempotent. When
   * {@link KvBatch#isDurable()} the call returns only after the batch is on stable storage.
   */
  void write(KvBatch batch);

  /**
   * Makes every write that returned before this call durable, relaxed ones included, and returns
   * once they are on stable storage. With it a caller can write relaxed batches back to back and
   * pay for one flush per group of them (a pipelined group commit); until the sync returns those
   * writes are visible to reads but would not survive a crash. A no-op on a backend whose writes
   * are durable when they return.
   */
  void sync();

  /**
   * Up to {@code limit} entries with {@code startInclusive <= key < endExclusive}, ascending.
   * {@code endExclusive} null means no upper bound; an empty {@code startInclusive} means from the
   * first key; {@code limit} 0 returns nothing, a negative one is rejected. The returned arrays
   * are fresh copies.
   */
  List<KeyValue> scan(byte[] startInclusive, byte[] endExclusive, int limit);

  /**
   * As {@link #scan}, but the entries nearest {@code endExclusive} first (descending): the newest
   * entries of a range whose keys end in a big-endian number, such as the head of a chain.
   */
  List<KeyValue> scanReverse(byte[] startInclusive, byte[] endExclusive, int limit);

  /**
   * Atomically sets {@code key} to {@code update} if its current value equals {@code expected}
   * (null expected: the key must be absent). Durable when it returns true. Atomic against other
   * compareAndSet calls on the same key; a key maintained by compareAndSet must not also be
   * written through {@link #write} concurrently (the embedded store serialises CAS only among
   * CAS calls, TiKV requires all writes of such keys to go through its atomic mode).
   *
   * @return true if the value was set
   */
  boolean compareAndSet(byte[] key, byte[] expected, byte[] update);

  @Override
  void close();
}
