package dev.stoa.writer.impl;

import dev.stoa.common.Ids;
import dev.stoa.common.SessionId;
import dev.stoa.common.StoaException;
import dev.stoa.proto.client.Code;
import dev.stoa.proto.client.Send;
import dev.stoa.proto.internal.SendRequest;

/**
 * Checks one {@link SendRequest} before anything is read or written: user and device ids,
 * clientMsgId, session id (a {@code user:<peer>} id becomes the canonical c2c id), body present and
 * within {@code bodyMaxBytes} UTF-8 bytes, and membership of c2c sessions (the sender must be one of
 * its two users). Room membership lives in the room table and is checked by the room path; group
 * sessions answer NOT_FOUND until their storage path exists. Every rejection is a {@link StoaException} whose message names the field.
 * Stateless; thread-safe.
 */
public final class SendValidator {
  private final int bodyMaxBytes;

  public SendValidator(int bodyMaxBytes) {
    this.bodyMaxBytes = bodyMaxBytes;
  }

  public ValidSend validate(SendRequest request) {
    String userId = Ids.requireId("userId", request.getUserId());
    String deviceId = Ids.requireId("deviceId", request.getDeviceId());
    if (!request.hasSend()) {
      throw StoaException.badRequest("send: is required");
    }
    Send send = request.getSend();
    String clientMsgId = Ids.requireClientMsgId("clientMsgId", send.getClientMsgId());
    SessionId session = SessionId.parse("sessionId", send.getSessionId(), userId);
    int bodyBytes = send.getBodyBytes().size();
    if (bodyBytes == 0) {
      throw StoaException.badRequest("body: is required");
    }
    if (bodyBytes > bodyMaxBytes) {
      throw new StoaException(Code.TOO_LARGE, "body: " + bodyBytes + " bytes exceeds the limit of "
          + bodyMaxBytes);
    }
    if (session.kind() != SessionId.Kind.ROOM) {
      session.requireMember(userId);
    }
    return new ValidSend(userId, deviceId, request.getConnId(), clientMsgId, session, send.getBody());
  }
}
