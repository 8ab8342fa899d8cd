package dev.stoa.index.wal;

/** An offset outside {@code [startOffset, endOffset]} of a shard log; the message names all three. */
public final class OffsetOutOfRangeException extends WalException {
  public OffsetOutOfRangeException(String message) {
    super(message);
  }
}
