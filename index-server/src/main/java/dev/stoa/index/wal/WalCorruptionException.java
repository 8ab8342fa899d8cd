package dev.stoa.index.wal;

/**
 * Data that was durable does not read back as written: a damaged record at or below the
 * checkpoint found while opening, a broken chain of segments, or a record whose CRC32C fails when
 * read. Never handled by silently dropping data; the message names the file, position and offsets.
 */
public final class WalCorruptionException extends WalException {
  public WalCorruptionException(String message) {
    super(message);
  }
}
