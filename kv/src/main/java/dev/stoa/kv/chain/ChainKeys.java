package dev.stoa.kv.chain;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The keys of the merge lists and their companions (layout in {@code kv/FORMAT.md}). A key is an
 * ASCII kind prefix, UTF-8 ids each followed by {@code '/'}, and for list entries an 8-byte
 * big-endian number, so byte order is numeric order within one list. Ids must be non-empty and
 * must not contain {@code '/'}: that is what keeps the list of session {@code a} apart from the
 * list of session {@code a:b} (their prefixes {@code s/a/} and {@code s/a:b/} differ before the
 * number starts). Numbers are non-negative. Stateless; thread-safe.
 */
public final class ChainKeys {
  /** Bytes of the big-endian number at the end of a list entry key. */
  public static final int NUMBER_BYTES = 8;

  private ChainKeys() {}

  /** {@code "m/" + 8B BE msgId}: the message body. */
  public static byte[] body(long msgId) {
    return withNumber(ascii("m/"), "msgId", msgId);
  }

  /** {@code "s/" + sessionId + "/" + 8B BE seq}: one session-chain entry. */
  public static byte[] sessionEntry(String sessionId, long seq) {
    return withNumber(sessionPrefix(sessionId), "seq", seq);
  }

  /** {@code "s/" + sessionId + "/"}: every entry of one session chain starts with these bytes. */
  public static byte[] sessionPrefix(String sessionId) {
    return concat(ascii("s/"), id("sessionId", sessionId), ascii("/"));
  }

  /** {@code "u/" + userId + "/" + 8B BE userSeq}: one user-chain entry. */
  public static byte[] userEntry(String userId, long userSeq) {
    return withNumber(userPrefix(userId), "userSeq", userSeq);
  }

  /** {@code "u/" + userId + "/"}: every entry of one user chain starts with these bytes. */
  public static byte[] userPrefix(String userId) {
    return concat(ascii("u/"), id("userId", userId), ascii("/"));
  }

  /** {@code "hs/" + sessionId}: the session sequencer's block limit (8B BE). */
  public static byte[] sessionHead(String sessionId) {
    return concat(ascii("hs/"), id("sessionId", sessionId));
  }

  /** {@code "hu/" + userId}: the user-chain sequencer's block limit (8B BE). */
  public static byte[] userHead(String userId) {
    return concat(ascii("hu/"), id("userId", userId));
  }

  /**
   * {@code "d/" + userId + "/" + deviceId + "/" + clientMsgId}: the dedup record of one send.
   * The clientMsgId is last, so it may contain {@code '/'}; it must be non-empty.
   */
  public static byte[] dedup(String userId, String deviceId, String clientMsgId) {
    if (clientMsgId == null || clientMsgId.isEmpty()) {
      throw new IllegalArgumentException("clientMsgId: must be non-empty");
    }
    return concat(ascii("d/"), id("userId", userId), ascii("/"), id("deviceId", deviceId),
        ascii("/"), clientMsgId.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The smallest key greater than every key starting with {@code prefix} (last byte that is not
   * 0xFF incremented, the rest dropped), or null if there is none (all 0xFF).
   */
  public static byte[] prefixEnd(byte[] prefix) {
    for (int i = prefix.length - 1; i >= 0; i--) {
      if (prefix[i] != (byte) 0xFF) {
        byte[] end = Arrays.copyOf(prefix, i + 1);
        end[i]++;
        return end;
      }
    }
    return null;
  }

  /** The big-endian number in the last {@value #NUMBER_BYTES} bytes of a list entry key. */
  public static long numberOf(byte[] key) {
    if (key.length < NUMBER_BYTES) {
      throw new IllegalArgumentException("list entry key: need at least " + NUMBER_BYTES
          + " bytes, got " + key.length);
    }
    long v = 0;
    for (int i = key.length - NUMBER_BYTES; i < key.length; i++) {
      v = (v << 8) | (key[i] & 0xFF);
    }
    return v;
  }

  static byte[] withNumber(byte[] prefix, String field, long n) {
    if (n < 0) {
      throw new IllegalArgumentException(field + ": must be >= 0, got " + n);
    }
    byte[] key = Arrays.copyOf(prefix, prefix.length + NUMBER_BYTES);
    for (int i = 0; i < NUMBER_BYTES; i++) {
      key[prefix.length + i] = (byte) (n >>> (56 - 8 * i));
    }
    return key;
  }

  private static byte[] id(String field, String value) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(field + ": must be non-empty, got "
          + (value == null ? "null" : "''"));
    }
    if (value.indexOf('/') >= 0) {
      throw new IllegalArgumentException(field + ": must not contain '/', got '" + value + "'");
    }
    return value.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}
