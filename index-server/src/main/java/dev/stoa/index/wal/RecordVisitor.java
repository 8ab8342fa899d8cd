package dev.stoa.index.wal;

import java.lang.foreign.MemorySegment;

/**
 * Receives records from {@link ShardLog#read(long, int, RecordVisitor)} without a copy:
 * {@code payload} is a read-only view of the mapped file, valid only during the call.
 */
@FunctionalInterface
public interface RecordVisitor {
  void visit(long offset, int epoch, long timestampMillis, MemorySegment payload);
}
