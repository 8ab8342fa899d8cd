package dev.stoa.proto;

/**
 * UTF-8 encoding of a {@link CharSequence} into an array of exactly its length, byte for byte what
 * {@code String.getBytes(StandardCharsets.UTF_8)} gives for the same characters (an unpaired
 * surrogate becomes {@code '?'}), without making a {@code String} first. Stateless.
 */
final class Utf8Bytes {
  private Utf8Bytes() {}

  static byte[] of(CharSequence s) {
    int n = s.length();
    int ascii = 0;
    while (ascii < n && s.charAt(ascii) < 0x80) {
      ascii++;
    }
    if (ascii == n) {
      byte[] out = new byte[n];
      for (int i = 0; i < n; i++) {
        out[i] = (byte) s.charAt(i);
      }
      return out;
    }
    byte[] out = new byte[encodedLength(s, ascii)];
    int at = 0;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        out[at++] = (byte) c;
      } else if (c < 0x800) {
        out[at++] = (byte) (0xC0 | (c >> 6));
        out[at++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
          int cp = Character.toCodePoint(c, s.charAt(++i));
          out[at++] = (byte) (0xF0 | (cp >> 18));
          out[at++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
          out[at++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
          out[at++] = (byte) (0x80 | (cp & 0x3F));
        } else {
          out[at++] = '?';
        }
      } else {
        out[at++] = (byte) (0xE0 | (c >> 12));
        out[at++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        out[at++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    return out;
  }

  /** Bytes of {@code s}, whose first {@code asciiPrefix} chars are known to be ASCII. */
  private static int encodedLength(CharSequence s, int asciiPrefix) {
    int n = s.length();
    int bytes = asciiPrefix;
    for (int i = asciiPrefix; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
          bytes += 4;
          i++;
        } else {
          bytes += 1;
        }
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }
}
