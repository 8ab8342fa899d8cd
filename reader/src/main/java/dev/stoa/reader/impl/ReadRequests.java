package dev.stoa.reader.impl;

import dev.stoa.common.Ids;
import dev.stoa.common.SessionId;
import dev.stoa.common.StoaException;
import dev.stoa.proto.internal.PullRequest;
import dev.stoa.proto.internal.SyncRequest;
import dev.stoa.reader.ReaderOptions;

/**
 * Validation of pull and sync requests; every rejection is a {@link StoaException} naming the
 * field. Membership: a user reads only its own c2c sessions; group and room sessions are NOT_FOUND
 * until their storage paths exist. Stateless; thread-safe.
 */
public final class ReadRequests {
  private final ReaderOptions options;

  public ReadRequests(ReaderOptions options) {
    this.options = options;
  }

  /** A validated pull. */
  public record Pull(String userId, SessionId session, long afterSeq, int limit) {}

  /** A validated sync. */
  public record Sync(String userId, long cursor, int limit) {}

  public Pull pull(PullRequest request) {
    String userId = Ids.requireId("userId", request.getUserId());
    SessionId session = SessionId.parse("sessionId", request.getSessionId(), userId);
    if (session.kind() != SessionId.Kind.ROOM) {
      session.requireMember(userId); // room membership is in the room table: RoomReader checks it
    }
    long afterSeq = requireSigned("afterSeq", request.getAfterSeq());
    int limit = limit(request.getLimit(), options.pullLimitDefault());
    return new Pull(userId, session, afterSeq, limit);
  }

  public Sync sync(SyncRequest request) {
    String userId = Ids.requireId("userId", request.getUserId());
    long cursor = requireSigned("cursor", request.getCursor());
    int limit = limit(request.getLimit(), options.syncLimitDefault());
    return new Sync(userId, cursor, limit);
  }

  /** 0 means {@code defaultLimit}; otherwise 1..{@value ReaderOptions#MAX_LIMIT}. */
  static int limit(int rawUnsigned, int defaultLimit) {
    long limit = Integer.toUnsignedLong(rawUnsigned);
    if (limit == 0) {
      return defaultLimit;
    }
    if (limit > ReaderOptions.MAX_LIMIT) {
      throw StoaException.badRequest("limit: must be 1.." + ReaderOptions.MAX_LIMIT + ", got " + limit);
    }
    return (int) limit;
  }

  /** A uint64 field that must fit a signed long (every seq and userSeq does). */
  private static long requireSigned(String field, long rawUnsigned) {
    if (rawUnsigned < 0) {
      throw StoaException.badRequest(field + ": must be below 2^63, got " + Long.toUnsignedString(rawUnsigned));
    }
    return rawUnsigned;
  }
}
