package dev.stoa.sdk.impl;

import java.util.Comparator;
import java.util.PriorityQueue;

/** {@link Timers} driven by {@link #advance}: tasks run in due order on the calling thread. */
final class ManualTimers implements Timers {
  private record Task(long id, long dueAt, Runnable body) {}

  private final PriorityQueue<Task> queue =
      new PriorityQueue<>(Comparator.comparingLong(Task::dueAt).thenComparingLong(Task::id));
  private long now;
  private long nextId = 1;

  @Override
  public long schedule(long delayMillis, Runnable task) {
    long id = nextId++;
    queue.add(new Task(id, now + Math.max(1, delayMillis), task));
    return id;
  }

  @Override
  public void cancel(long id) {
    queue.removeIf(task -> task.id() == id);
  }

  void advance(long millis) {
    long until = now + millis;
    while (!queue.isEmpty() && queue.peek().dueAt() <= until) {
      Task task = queue.poll();
      now = task.dueAt();
      task.body().run();
    }
    now = until;
  }

  int pending() {
    return queue.size();
  }
}
