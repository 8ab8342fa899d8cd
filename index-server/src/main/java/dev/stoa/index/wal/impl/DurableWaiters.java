package dev.stoa.index.wal.impl;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * Futures waiting for the durable offset to pass an offset (long-poll support). {@link #advance}
 * costs one volatile read while nobody waits below the new durable offset. Futures are completed
 * outside the lock, on the thread that advances. Thread-safe.
 */
public final class DurableWaiters {
  private record Waiter(long offset, CompletableFuture<Long> future) {}

  private final PriorityQueue<Waiter> queue = new PriorityQueue<>((a, b) -> Long.compare(a.offset, b.offset));
  private final LongSupplier durable;
  private volatile long lowest = Long.MAX_VALUE;
  private Throwable failure;

  /** @param durable reads the current durable offset */
  public DurableWaiters(LongSupplier durable) {
    this.durable = durable;
  }

  /** Completes with the durable offset once it is greater than {@code offset}. */
  public CompletableFuture<Long> await(long offset) {
    long now = durable.getAsLong();
    if (now > offset) {
      return CompletableFuture.completedFuture(now);
    }
    CompletableFuture<Long> f = new CompletableFuture<>();
    synchronized (this) {
      if (failure != null) {
        return CompletableFuture.failedFuture(failure);
      }
      queue.add(new Waiter(offset, f));
      lowest = queue.peek().offset;
    }
    advance(durable.getAsLong()); // the durable offset may have moved before we were queued
    return f;
  }

  /** Completes every waiter below {@code durableOffset}. */
  public void advance(long durableOffset) {
    if (durableOffset <= lowest) {
      return;
    }
    List<Waiter> ready = new ArrayList<>();
    synchronized (this) {
      while (!queue.isEmpty() && queue.peek().offset < durableOffset) {
        ready.add(queue.poll());
      }
      lowest = queue.isEmpty() ? Long.MAX_VALUE : queue.peek().offset;
    }
    for (Waiter w : ready) {
      w.future.complete(durableOffset);
    }
  }

  /** Fails every waiter, and every later {@link #await} that is not already satisfied. */
  public void failAll(Throwable cause) {
    List<Waiter> all;
    synchronized (this) {
      if (failure == null) {
        failure = cause;
      }
      all = new ArrayList<>(queue);
      queue.clear();
      lowest = Long.MAX_VALUE;
    }
    for (Waiter w : all) {
      w.future.completeExceptionally(cause);
    }
  }
}
