package dev.stoa.writer;

import dev.stoa.kv.KeyValue;
import dev.stoa.kv.KvBatch;
import dev.stoa.kv.KvStore;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real store with test switches on {@link #write}: hold every write until released, or fail
 * writes (all, or the next n) with a storage error; and on {@link #multiGet}: hold reads until
 * released, fail the next n, and record how many keys each one asked for. Other reads and
 * compare-and-set pass through.
 */
final class GatedKvStore implements KvStore {
  private final KvStore delegate;
  private volatile CountDownLatch gate = new CountDownLatch(0);
  final CountDownLatch writeEntered = new CountDownLatch(1);
  final AtomicBoolean failWrites = new AtomicBoolean();
  /** Fails this many of the next writes, then lets writes through again. */
  final AtomicInteger failNextWrites = new AtomicInteger();
  private volatile CountDownLatch readGate = new CountDownLatch(0);
  final CountDownLatch multiGetEntered = new CountDownLatch(1);
  final AtomicInteger failNextMultiGets = new AtomicInteger();
  final List<Integer> multiGetSizes = new java.util.concurrent.CopyOnWriteArrayList<>();

  GatedKvStore(KvStore delegate) {
    this.delegate = delegate;
  }

  void hold() {
    gate = new CountDownLatch(1);
  }

  void release() {
    gate.countDown();
  }

  @Override
  public byte[] get(byte[] key) {
    return delegate.get(key);
  }

  void holdReads() {
    readGate = new CountDownLatch(1);
  }

  void releaseReads() {
    readGate.countDown();
  }

  @Override
  public List<byte[]> multiGet(List<byte[]> keys) {
    multiGetSizes.add(keys.size());
    multiGetEntered.countDown();
    try {
      if (!readGate.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("test read gate not released within 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    if (failNextMultiGets.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new IllegalStateException("injected read failure");
    }
    return delegate.multiGet(keys);
  }

  @Override
  public void write(KvBatch batch) {
    writeEntered.countDown();
    try {
      if (!gate.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("test gate not released within 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    if (failWrites.get() || failNextWrites.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new IllegalStateException("injected storage failure");
    }
    delegate.write(batch);
  }

  @Override
  public void sync() {
    delegate.sync();
  }

  @Override
  public List<KeyValue> scan(byte[] startInclusive, byte[] endExclusive, int limit) {
    return delegate.scan(startInclusive, endExclusive, limit);
  }

  @Override
  public boolean compareAndSet(byte[] key, byte[] expected, byte[] update) {
    return delegate.compareAndSet(key, expected, update);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
