package dev.stoa.reader;

import dev.stoa.kv.KeyValue;
import dev.stoa.kv.ForwardingKvStore;
import dev.stoa.kv.KvStore;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real store whose reads (get, multiGet, scans) can be held until released; writes and
 * compare-and-set pass through ({@link ForwardingKvStore}). {@link #readsEntered} counts reads that reached the gate.
 */
final class GatedReadsKvStore extends ForwardingKvStore {
  private volatile CountDownLatch gate = new CountDownLatch(0);
  final AtomicInteger readsEntered = new AtomicInteger();

  GatedReadsKvStore(KvStore delegate) {
    super(delegate);
  }

  void hold() {
    gate = new CountDownLatch(1);
  }

  void release() {
    gate.countDown();
  }

  private void pass() {
    readsEntered.incrementAndGet();
    try {
      if (!gate.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("test read gate not released within 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public byte[] get(byte[] key) {
    pass();
    return delegate().get(key);
  }

  @Override
  public List<byte[]> multiGet(List<byte[]> keys) {
    pass();
    return delegate().multiGet(keys);
  }

  @Override
  public List<KeyValue> scan(byte[] startInclusive, byte[] endExclusive, int limit) {
    pass();
    return delegate().scan(startInclusive, endExclusive, limit);
  }

  @Override
  public List<KeyValue> scanReverse(byte[] startInclusive, byte[] endExclusive, int limit) {
    pass();
    return delegate().scanReverse(startInclusive, endExclusive, limit);
  }
}
