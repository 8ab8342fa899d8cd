package dev.stoa.writer.impl;

import dev.stoa.common.SessionId;

/**
 * A send that passed validation and the membership check: ids well-formed, the session canonical
 * and the sender one of its members, the body within the size limit. Immutable.
 *
 * @param connId the sending connection, 0 for HTTP
 */
public record ValidSend(String userId, String deviceId, long connId, String clientMsgId,
    SessionId session, String body) {

  /** The dedup identity of this send. */
  public DedupKey dedupKey() {
    return new DedupKey(userId, deviceId, clientMsgId);
  }
}
