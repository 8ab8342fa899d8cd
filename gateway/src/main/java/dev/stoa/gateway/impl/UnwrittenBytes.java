package dev.stoa.gateway.impl;

import io.vertx.core.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes handed to one socket and not yet taken by the kernel: what
 * {@code gateway.write.queue.max.bytes} limits. Counted here instead of asking Vert.x's
 * {@code writeQueueFull()}, which in Vert.x 5 also turns true when more than 16 writes from other
 * threads wait for the event loop to pick them up: pushes come from state-server threads in bursts,
 * so a healthy client was kicked as a slow consumer whenever the event loop fell a little behind
 * (a cold JVM at 2,000 messages/s did it to every connection). A frame's bytes are added when it is
 * written and taken off when Vert.x reports the write done (or failed). Thread-safe.
 */
final class UnwrittenBytes {
  private final long limit;
  private final AtomicLong unwritten = new AtomicLong();

  UnwrittenBytes(long limit) {
    this.limit = limit;
  }

  /** Counts {@code bytes} until {@code write} completes. */
  void track(Future<Void> write, int bytes) {
    unwritten.addAndGet(bytes);
    write.onComplete(ar -> unwritten.addAndGet(-bytes));
  }

  /** Whether more than the limit is waiting to be written. */
  boolean overLimit() {
    return unwritten.get() > limit;
  }
}
