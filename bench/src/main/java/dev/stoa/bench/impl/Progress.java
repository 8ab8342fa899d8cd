package dev.stoa.bench.impl;

import java.util.concurrent.atomic.LongAdder;

/**
 * Run-wide counters the driver polls to know when the messages of the measured window have all
 * settled (delivered, or refused by the server). Written from every client event loop; thread-safe.
 */
public final class Progress {
  /** Messages written whose intended send time is in the window. */
  public final LongAdder windowSent = new LongAdder();
  /** Of those, delivered for the first time or refused by the server. */
  public final LongAdder windowSettled = new LongAdder();

  /** Window messages neither delivered nor refused yet. */
  public long outstanding() {
    return windowSent.sum() - windowSettled.sum();
  }
}
