package dev.stoa.bench.impl;

/**
 * The send schedule of one client under open-loop load: slot {@code k} is due at
 * {@code startNanos + k * intervalNanos}, whatever happened to earlier sends. A caller that runs
 * late (a slow tick, a full socket) takes every slot it missed, each with its own intended time,
 * so latency measured from {@link #take()}'s return value includes the time a message waited to be
 * sent: this is what avoids coordinated omission. Slots at or after {@code endNanos} are never due.
 *
 * <p>Times are {@link System#nanoTime()} values passed in by the caller, never read here. Not
 * thread-safe: one client, one event loop.
 */
public final class OpenLoopSchedule {
  private final long startNanos;
  private final long intervalNanos;
  private final long endNanos;
  private long taken;

  /**
   * @param startNanos intended time of slot 0
   * @param intervalNanos time between slots, {@code > 0}
   * @param endNanos first intended time that is no longer scheduled
   */
  public OpenLoopSchedule(long startNanos, long intervalNanos, long endNanos) {
    if (intervalNanos <= 0) {
      throw new IllegalArgumentException("intervalNanos must be > 0, got " + intervalNanos);
    }
    this.startNanos = startNanos;
    this.intervalNanos = intervalNanos;
    this.endNanos = endNanos;
  }

  /** Intended time of the next slot not yet taken. */
  public long nextIntendedNanos() {
    return startNanos + taken * intervalNanos;
  }

  /** Whether the next slot is due at {@code nowNanos} and still inside the schedule. */
  public boolean isDue(long nowNanos) {
    long next = nextIntendedNanos();
    return next - nowNanos <= 0 && next - endNanos < 0;
  }

  /** Slots due at {@code nowNanos} and not yet taken (the backlog when the caller is late). */
  public long dueCount(long nowNanos) {
    long last = nowNanos - endNanos < 0 ? nowNanos : endNanos - 1;
    long next = nextIntendedNanos();
    if (last - next < 0) {
      return 0;
    }
    return (last - next) / intervalNanos + 1;
  }

  /** Whether every slot before {@code endNanos} has been taken. */
  public boolean isFinished() {
    return nextIntendedNanos() - endNanos >= 0;
  }

  /**
   * Takes the next slot and returns its intended time. Call only when {@link #isDue} holds; a
   * caller that takes early sends ahead of schedule.
   */
  public long take() {
    long intended = nextIntendedNanos();
    taken++;
    return intended;
  }

  /** Slots taken so far. */
  public long taken() {
    return taken;
  }
}
