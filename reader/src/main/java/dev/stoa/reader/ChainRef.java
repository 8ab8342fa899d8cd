package dev.stoa.reader;

import dev.stoa.kv.chain.SessionEntry;
import dev.stoa.proto.client.Message;

/**
 * One message as a chain names it: its session, seq and msgId, and the seq and msgId of the
 * message before it in the session (0 and 0 for the first). What {@link ChainMerge} merges and
 * links. Immutable.
 */
public record ChainRef(String sessionId, long seq, long msgId, long preSeq, long preMsgId) {

  public static ChainRef of(Message m) {
    return new ChainRef(m.getSessionId(), m.getSeq(), m.getMsgId(), m.getPreSeq(), m.getPreMsgId());
  }

  public static ChainRef of(String sessionId, SessionEntry e) {
    return new ChainRef(sessionId, e.seq(), e.msgId(), e.preSeq(), e.preMsgId());
  }
}
