package dev.stoa.sdk.impl;

/**
 * A server frame the client cannot decode: bad JSON, bad protobuf, a malformed varint length, or a
 * length over the configured maximum. The connection it came from is closed (a byte stream cannot be
 * resynchronised, and a lost answer would misalign the request queues).
 */
public final class FrameDecodeException extends Exception {
  public FrameDecodeException(String message) {
    super(message);
  }

  public FrameDecodeException(String message, Throwable cause) {
    super(message, cause);
  }
}
