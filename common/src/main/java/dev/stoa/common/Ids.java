package dev.stoa.common;

/**
 * Validation of the identifiers of PROTOCOL.md: user, device, group and room ids are 1–64 chars of
 * {@code [A-Za-z0-9_.-]}; a clientMsgId is 1–64 chars of anything printable. Each check names the
 * field it rejects.
 */
public final class Ids {
  public static final int MAX_ID_LENGTH = 64;

  private Ids() {}

  /** True if {@code value} is a legal user, device, group or room id. */
  public static boolean isValidId(String value) {
    if (value == null || value.isEmpty() || value.length() > MAX_ID_LENGTH) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '_' || c == '.' || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** Returns {@code value} or throws BAD_REQUEST naming {@code field}. */
  public static String requireId(String field, String value) {
    if (!isValidId(value)) {
      throw StoaException.badRequest(field + ": must be 1-" + MAX_ID_LENGTH
          + " chars of [A-Za-z0-9_.-], got " + quote(value));
    }
    return value;
  }

  /** Returns {@code value} or throws BAD_REQUEST naming {@code field}. */
  public static String requireClientMsgId(String field, String value) {
    if (value == null || value.isEmpty() || value.length() > MAX_ID_LENGTH) {
      throw StoaException.badRequest(field + ": must be 1-" + MAX_ID_LENGTH + " chars, got " + quote(value));
    }
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        throw StoaException.badRequest(field + ": must not contain control characters");
      }
    }
    return value;
  }

  static String quote(String value) {
    if (value == null) {
      return "nothing";
    }
    String shown = value.length() > 80 ? value.substring(0, 80) + "..." : value;
    return "'" + shown + "' (" + value.length() + " chars)";
  }
}
