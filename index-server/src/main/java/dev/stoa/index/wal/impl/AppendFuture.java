package dev.stoa.index.wal.impl;

import java.util.concurrent.CompletableFuture;

/**
 * The future of one append, carrying its offset so that the flusher can complete it without a
 * second object per append. Completed with the offset once the record is durable.
 */
public final class AppendFuture extends CompletableFuture<Long> {
  private long offset;

  public long offset() {
    return offset;
  }

  public void offset(long offset) {
    this.offset = offset;
  }

  public void completeDurable() {
    complete(offset);
  }
}
