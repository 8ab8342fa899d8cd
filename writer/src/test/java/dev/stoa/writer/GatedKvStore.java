package dev.stoa.writer;

import dev.stoa.kv.KvBatch;
import dev.stoa.kv.KvException;
import dev.stoa.kv.ForwardingKvStore;
import dev.stoa.kv.KvStore;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real store with test switches on {@link #write}: hold every write until released, or fail
 * writes (all, or the next n) with a storage error ({@link KvException}, as the real store
 * throws); on {@link #sync}: fail the next n (the writes stay in the store, visible to reads, as
 * after a failed fsync), and count the syncs that succeeded; and on reads of dedup records ({@code d/}
 * keys, by {@link #get} or {@link #multiGet}): hold them until released, fail the next n, and record
 * how many keys each read asked for. Other reads, compare-and-set and scans pass through.
 */
final class GatedKvStore extends ForwardingKvStore {
  private volatile CountDownLatch gate = new CountDownLatch(0);
  final CountDownLatch writeEntered = new CountDownLatch(1);
  final AtomicBoolean failWrites = new AtomicBoolean();
  /** Fails this many of the next writes, then lets writes through again. */
  final AtomicInteger failNextWrites = new AtomicInteger();
  private volatile CountDownLatch dedupReadGate = new CountDownLatch(0);
  final CountDownLatch dedupReadEntered = new CountDownLatch(1);
  final AtomicInteger failNextDedupReads = new AtomicInteger();
  /** Fails this many of the next syncs, then lets syncs through again. */
  final AtomicInteger failNextSyncs = new AtomicInteger();
  final AtomicInteger syncsDone = new AtomicInteger();
  final List<Integer> dedupReadSizes = new java.util.concurrent.CopyOnWriteArrayList<>();

  GatedKvStore(KvStore delegate) {
    super(delegate);
  }

  void hold() {
    gate = new CountDownLatch(1);
  }

  void release() {
    gate.countDown();
  }

  @Override
  public byte[] get(byte[] key) {
    gateDedupRead(List.of(key));
    return delegate().get(key);
  }

  void holdDedupReads() {
    dedupReadGate = new CountDownLatch(1);
  }

  void releaseDedupReads() {
    dedupReadGate.countDown();
  }

  @Override
  public List<byte[]> multiGet(List<byte[]> keys) {
    gateDedupRead(keys);
    return delegate().multiGet(keys);
  }

  private static void pass(CountDownLatch gate, String what) {
    try {
      if (!gate.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("test " + what + " gate not released within 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void gateDedupRead(List<byte[]> keys) {
    if (keys.isEmpty() || !keys.stream().allMatch(k -> k.length > 2 && k[0] == 'd' && k[1] == '/')) {
      return;
    }
    dedupReadSizes.add(keys.size());
    dedupReadEntered.countDown();
    pass(dedupReadGate, "dedup read");
    if (failNextDedupReads.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new KvException("injected read failure");
    }
  }

  @Override
  public void write(KvBatch batch) {
    writeEntered.countDown();
    pass(gate, "write");
    if (failWrites.get() || failNextWrites.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new KvException("injected storage failure");
    }
    delegate().write(batch);
  }

  @Override
  public void sync() {
    if (failNextSyncs.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new KvException("injected sync failure");
    }
    delegate().sync();
    syncsDone.incrementAndGet();
  }
}
