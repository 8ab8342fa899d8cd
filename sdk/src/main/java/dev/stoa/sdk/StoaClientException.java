package dev.stoa.sdk;

import dev.stoa.proto.client.Code;

/**
 * A failure reported by the server (an {@code error} frame, or a {@code sendAck} whose code is not
 * {@code OK}) or detected by the client (timeouts and lost connections use {@link Code#UNAVAILABLE},
 * arguments the client rejects before sending use {@link Code#BAD_REQUEST}). The message names the
 * request and the numbers involved.
 */
public final class StoaClientException extends RuntimeException {
  private final Code code;

  public StoaClientException(Code code, String message) {
    super(code + ": " + message);
    this.code = code;
  }

  /** The protocol error code (never {@link Code#OK}). */
  public Code code() {
    return code;
  }
}
