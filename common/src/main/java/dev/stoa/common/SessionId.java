package dev.stoa.common;

import dev.stoa.proto.client.Code;
import java.util.List;

/**
 * A parsed session id: {@code c2c:<a>:<b>} with {@code a < b} in byte order, {@code group:<gid>} or
 * {@code room:<rid>}. {@code user:<peer>} is accepted from a sender and mapped to the canonical
 * c2c id. Immutable.
 *
 * @param kind the storage path the session takes
 * @param id the canonical session id string
 * @param first for c2c the smaller user id, for group/room the group or room id
 * @param second for c2c the larger user id, otherwise null
 */
public record SessionId(Kind kind, String id, String first, String second) {

  /** Prefix of room session ids: {@code room:<roomId>}. */
  public static final String ROOM_PREFIX = "room:";

  /** The three session kinds of DESIGN.md §1. */
  public enum Kind { C2C, GROUP, ROOM }

  /** The c2c session of two users. */
  public static SessionId c2c(String a, String b) {
    if (a.equals(b)) {
      throw StoaException.badRequest("sessionId: a one-to-one session needs two different users, got '" + a + "' twice");
    }
    String lo = a.compareTo(b) < 0 ? a : b;
    String hi = lo == a ? b : a;
    return new SessionId(Kind.C2C, "c2c:" + lo + ":" + hi, lo, hi);
  }

  /** The session of room {@code roomId}; BAD_REQUEST naming roomId if it is not a valid id. */
  public static SessionId room(String roomId) {
    return new SessionId(Kind.ROOM, ROOM_PREFIX + Ids.requireId("roomId", roomId), roomId, null);
  }

  /**
   * Parses a session id sent by {@code userId}; {@code user:<peer>} becomes the c2c session of the
   * two. Throws BAD_REQUEST naming {@code field} for anything malformed.
   */
  public static SessionId parse(String field, String raw, String userId) {
    if (raw == null || raw.isEmpty()) {
      throw StoaException.badRequest(field + ": is required");
    }
    int colon = raw.indexOf(':');
    if (colon < 0) {
      throw StoaException.badRequest(field + ": must be c2c:<a>:<b>, group:<id>, room:<id> or user:<id>, got " + Ids.quote(raw));
    }
    String prefix = raw.substring(0, colon);
    String rest = raw.substring(colon + 1);
    switch (prefix) {
      case "user" -> {
        Ids.requireId(field + " (peer user id)", rest);
        return c2c(userId, rest);
      }
      case "c2c" -> {
        int second = rest.indexOf(':');
        if (second < 0) {
          throw StoaException.badRequest(field + ": c2c session must be c2c:<a>:<b>, got " + Ids.quote(raw));
        }
        String a = Ids.requireId(field + " (first user id)", rest.substring(0, second));
        String b = Ids.requireId(field + " (second user id)", rest.substring(second + 1));
        if (a.compareTo(b) >= 0) {
          throw StoaException.badRequest(field + ": c2c session must name its users in byte order (a < b), got " + Ids.quote(raw));
        }
        return new SessionId(Kind.C2C, raw, a, b);
      }
      case "group" -> {
        return new SessionId(Kind.GROUP, raw, Ids.requireId(field + " (group id)", rest), null);
      }
      case "room" -> {
        return new SessionId(Kind.ROOM, raw, Ids.requireId(field + " (room id)", rest), null);
      }
      default -> throw StoaException.badRequest(field + ": unknown session kind '" + prefix
          + "', expected c2c, group, room or user");
    }
  }

  /**
   * Checks that {@code userId} may send to and read this session: for c2c it must be one of the two
   * users (FORBIDDEN otherwise). Group sessions answer NOT_FOUND until their storage path exists;
   * room membership lives in the router's room table, so callers check rooms there and a room
   * answers NOT_FOUND here. Messages name the {@code sessionId} field.
   */
  public void requireMember(String userId) {
    switch (kind) {
      case C2C -> {
        if (!userId.equals(first) && !userId.equals(second)) {
          throw StoaException.forbidden("sessionId: user '" + userId + "' is not a member of " + id);
        }
      }
      case GROUP -> throw new StoaException(Code.NOT_FOUND, "sessionId: group '" + first + "' does not exist");
      case ROOM -> throw new StoaException(Code.NOT_FOUND, "sessionId: room '" + first + "' does not exist");
    }
  }

  /** For c2c, the two users; empty for other kinds (their members live elsewhere). */
  public List<String> c2cMembers() {
    return kind == Kind.C2C ? List.of(first, second) : List.of();
  }

  /** For c2c, the other user of the session. */
  public String peerOf(String userId) {
    if (kind != Kind.C2C) {
      throw new IllegalStateException(id + " is not a c2c session");
    }
    return userId.equals(first) ? second : first;
  }

  @Override
  public String toString() {
    return id;
  }
}
