package dev.stoa.kv.chain;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * One entry of a user chain, stored under {@link ChainKeys#userEntry}: message {@code msgId} with
 * {@code seq} in session {@code sessionId} is the user's {@code userSeq}-th message. Encoding
 * (FORMAT.md): version byte {@value #VERSION}, userSeq, seq, msgId as 8-byte big-endian numbers,
 * a 2-byte big-endian length, then the UTF-8 sessionId (1..{@value #MAX_SESSION_ID_BYTES} bytes).
 */
public record UserEntry(long userSeq, String sessionId, long seq, long msgId) {
  public static final byte VERSION = 1;
  /** Bytes before the session id. */
  public static final int FIXED_BYTES = 1 + 3 * 8 + 2;
  public static final int MAX_SESSION_ID_BYTES = 1024;

  public UserEntry {
    if (sessionId == null || sessionId.isEmpty()) {
      throw new IllegalArgumentException("user entry: sessionId must be non-empty");
    }
  }

  public byte[] encode() {
    byte[] sid = sessionId.getBytes(StandardCharsets.UTF_8);
    if (sid.length > MAX_SESSION_ID_BYTES) {
      throw new IllegalArgumentException("user entry: sessionId of " + sid.length
          + " bytes exceeds " + MAX_SESSION_ID_BYTES);
    }
    return ByteBuffer.allocate(FIXED_BYTES + sid.length)
        .put(VERSION).putLong(userSeq).putLong(seq).putLong(msgId)
        .putShort((short) sid.length).put(sid)
        .array();
  }

  /** Decodes {@link #encode()} output; throws IllegalArgumentException naming the byte counts. */
  public static UserEntry decode(byte[] bytes) {
    if (bytes == null) {
      throw new IllegalArgumentException("user entry: no bytes");
    }
    if (bytes.length < FIXED_BYTES + 1) {
      throw new IllegalArgumentException("user entry: expected at least " + (FIXED_BYTES + 1)
          + " bytes, got " + bytes.length);
    }
    if (bytes[0] != VERSION) {
      throw new IllegalArgumentException("user entry: unknown version " + bytes[0]
          + ", expected " + VERSION + " (" + bytes.length + " bytes)");
    }
    ByteBuffer in = ByteBuffer.wrap(bytes, 1, bytes.length - 1);
    long userSeq = in.getLong();
    long seq = in.getLong();
    long msgId = in.getLong();
    int sidLength = Short.toUnsignedInt(in.getShort());
    if (sidLength == 0 || sidLength > MAX_SESSION_ID_BYTES
        || FIXED_BYTES + sidLength != bytes.length) {
      throw new IllegalArgumentException("user entry: sessionId length field says " + sidLength
          + " bytes, so expected " + (FIXED_BYTES + sidLength) + " bytes in all, got "
          + bytes.length);
    }
    String sessionId;
    try {
      sessionId = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, FIXED_BYTES, sidLength))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("user entry: sessionId of " + sidLength
          + " bytes is not valid UTF-8");
    }
    return new UserEntry(userSeq, sessionId, seq, msgId);
  }
}
