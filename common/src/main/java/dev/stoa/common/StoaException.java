package dev.stoa.common;

import dev.stoa.proto.client.Code;

/**
 * A rejection that reaches the client as a PROTOCOL.md error code with a message naming the field
 * at fault, e.g. {@code new StoaException(Code.BAD_REQUEST, "sessionId: unknown kind 'x'")}.
 */
public final class StoaException extends RuntimeException {
  private final Code code;

  public StoaException(Code code, String message) {
    super(message, null, false, false);
    if (code == Code.OK || code == Code.UNRECOGNIZED) {
      throw new IllegalArgumentException("not an error code: " + code);
    }
    this.code = code;
  }

  public Code code() {
    return code;
  }

  public static StoaException badRequest(String message) {
    return new StoaException(Code.BAD_REQUEST, message);
  }

  public static StoaException forbidden(String message) {
    return new StoaException(Code.FORBIDDEN, message);
  }

  /** The code for any throwable: its own for a StoaException, INTERNAL otherwise. */
  public static Code codeOf(Throwable t) {
    return t instanceof StoaException se ? se.code() : Code.INTERNAL;
  }
}
