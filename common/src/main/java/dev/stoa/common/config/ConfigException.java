package dev.stoa.common.config;

/** A configuration that cannot be used; the message names the key, its source and the problem. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
