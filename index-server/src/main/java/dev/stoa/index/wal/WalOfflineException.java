package dev.stoa.index.wal;

import java.nio.file.Path;

/**
 * The shard log went offline after a disk error (fail-stop): every pending and later append fails
 * with this exception. Its cause is the first disk error.
 */
public final class WalOfflineException extends WalException {
  private final Path shardDir;

  public WalOfflineException(Path shardDir, Throwable cause) {
    super("shard log " + shardDir + " is OFFLINE after a disk error: " + cause, cause);
    this.shardDir = shardDir;
  }

  public Path shardDir() {
    return shardDir;
  }
}
