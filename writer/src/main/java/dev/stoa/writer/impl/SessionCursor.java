package dev.stoa.writer.impl;

import dev.stoa.kv.chain.BlockSequencer;

/**
 * What a lane knows about one session: its seq sequencer and the seq and msgId of its newest
 * stored message (0 and 0 before the first), which become preSeq/preMsgId of the next one.
 * Touched only by the session's lane thread.
 */
final class SessionCursor {
  final BlockSequencer sequencer;
  long lastSeq;
  long lastMsgId;

  SessionCursor(BlockSequencer sequencer, long lastSeq, long lastMsgId) {
    this.sequencer = sequencer;
    this.lastSeq = lastSeq;
    this.lastMsgId = lastMsgId;
  }
}
