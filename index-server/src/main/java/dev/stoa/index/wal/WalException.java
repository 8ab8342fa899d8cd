package dev.stoa.index.wal;

/** A failure of a {@link ShardLog}; the message names the shard directory and the numbers. */
public class WalException extends RuntimeException {
  public WalException(String message) {
    super(message);
  }

  public WalException(String message, Throwable cause) {
    super(message, cause);
  }
}
