package dev.stoa.bench.impl;

/**
 * The body of a benchmark message: {@code <intendedNanos>|<k>|<padding>}, where
 * {@code intendedNanos} is the sender's {@link System#nanoTime()} at which the message was meant
 * to leave, {@code k} the sender's message index (0, 1, ...) and the padding {@code x} characters up
 * to the body length asked for (none when the header alone is longer). Only digits, {@code -},
 * {@code |} and {@code x}, so it needs no JSON escaping. Stateless.
 */
public final class Body {
  private Body() {}

  /** Builds a body of {@code bodyBytes} characters, or just the header when that is longer. */
  public static String make(long intendedNanos, long k, int bodyBytes) {
    StringBuilder sb = new StringBuilder(Math.max(bodyBytes, 40));
    sb.append(intendedNanos).append('|').append(k).append('|');
    while (sb.length() < bodyBytes) {
      sb.append('x');
    }
    return sb.toString();
  }

  /** The intended time in a body, or throws IllegalArgumentException naming the body. */
  public static long intendedNanos(String body) {
    int bar = body.indexOf('|');
    if (bar <= 0) {
      throw new IllegalArgumentException("bench body has no '|' after the timestamp: " + abbreviate(body));
    }
    try {
      return Long.parseLong(body, 0, bar, 10);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bench body has a bad timestamp: " + abbreviate(body), e);
    }
  }

  /** The message index in a body, or throws IllegalArgumentException naming the body. */
  public static long index(String body) {
    int first = body.indexOf('|');
    int second = first < 0 ? -1 : body.indexOf('|', first + 1);
    if (second < 0) {
      throw new IllegalArgumentException("bench body has no message index: " + abbreviate(body));
    }
    try {
      return Long.parseLong(body, first + 1, second, 10);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bench body has a bad message index: " + abbreviate(body), e);
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }
}
