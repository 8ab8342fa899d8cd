package dev.stoa.kv.chain;

import java.nio.ByteBuffer;

/**
 * One entry of a session chain, stored under {@link ChainKeys#sessionEntry}. {@code preSeq} and
 * {@code preMsgId} name the previous message of the session, 0 for the first. Encoding
 * (FORMAT.md): version byte {@value #VERSION}, then seq, msgId, preSeq, preMsgId as 8-byte
 * big-endian numbers: {@value #ENCODED_BYTES} bytes.
 */
public record SessionEntry(long seq, long msgId, long preSeq, long preMsgId) {
  public static final byte VERSION = 1;
  public static final int ENCODED_BYTES = 1 + 4 * 8;

  public byte[] encode() {
    return ByteBuffer.allocate(ENCODED_BYTES)
        .put(VERSION).putLong(seq).putLong(msgId).putLong(preSeq).putLong(preMsgId)
        .array();
  }

  /** Decodes {@link #encode()} output; throws IllegalArgumentException naming the byte counts. */
  public static SessionEntry decode(byte[] bytes) {
    if (bytes == null) {
      throw new IllegalArgumentException("session entry: no bytes");
    }
    if (bytes.length != ENCODED_BYTES) {
      throw new IllegalArgumentException("session entry: expected " + ENCODED_BYTES
          + " bytes, got " + bytes.length);
    }
    if (bytes[0] != VERSION) {
      throw new IllegalArgumentException("session entry: unknown version " + bytes[0]
          + ", expected " + VERSION + " (" + bytes.length + " bytes)");
    }
    ByteBuffer in = ByteBuffer.wrap(bytes, 1, ENCODED_BYTES - 1);
    return new SessionEntry(in.getLong(), in.getLong(), in.getLong(), in.getLong());
  }
}
