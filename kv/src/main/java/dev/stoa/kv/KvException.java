package dev.stoa.kv;

/**
 * A failure of the storage engine under a {@link KvStore} (I/O error, corruption, a closed store).
 * The message names the operation and the key length; the engine's own exception is the cause.
 * Unchecked. Nothing was acknowledged when it is thrown, so callers above the storage layer answer
 * it {@code UNAVAILABLE} (retryable), not {@code INTERNAL} (which is for bugs).
 */
public final class KvException extends RuntimeException {
  public KvException(String message) {
    super(message);
  }

  public KvException(String message, Throwable cause) {
    super(message, cause);
  }
}
