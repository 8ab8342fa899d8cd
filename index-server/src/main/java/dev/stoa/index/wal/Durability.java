package dev.stoa.index.wal;

/** When an append of a {@link ShardLog} completes. */
public enum Durability {
  /** After a force that covers the record; appends waiting at the same time share one force. */
  PER_APPEND,
  /**
   * After a force that covers the record; the flusher forces every {@code groupCommitMs} after the
   * first pending append, or as soon as {@code groupCommitBytes} are pending, whichever comes first.
   */
  GROUP,
  /**
   * At once, when the record is in the mapped file: it survives a process crash (the page cache
   * has it), not a power loss. Nothing is forced before {@link ShardLog#close()}. For tests and
   * throughput benchmarks.
   */
  NONE
}
