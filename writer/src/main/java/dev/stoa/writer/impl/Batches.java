package dev.stoa.writer.impl;

import java.util.List;
import java.util.concurrent.BlockingQueue;

/** The hand-off shared by the writer's threads (lanes, committer, syncer): take what has piled up at once. */
final class Batches {
  private Batches() {}

  /**
   * Clears {@code out}, waits for one element of {@code queue}, then moves it and up to
   * {@code max - 1} more already queued into {@code out}, in queue order.
   *
   * @return false if interrupted while waiting ({@code out} is then empty and the interrupt flag set)
   */
  static <T> boolean take(BlockingQueue<T> queue, List<T> out, int max) {
    out.clear();
    try {
      out.add(queue.take());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    queue.drainTo(out, max - 1);
    return true;
  }
}
