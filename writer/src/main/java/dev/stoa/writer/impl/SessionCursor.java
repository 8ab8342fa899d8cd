package dev.stoa.writer.impl;

import dev.stoa.kv.chain.BlockSequencer;

/**
 * What a lane knows about one session: its seq sequencer and the seq and msgId of its newest
 * sequenced message (0 and 0 before the first), which become preSeq/preMsgId of the next one.
 *
 * <p>The newest sequenced message may not be durable yet: a lane hands a send to the committer
 * and sequences the next one without waiting. If the committer cannot write a send it sets
 * {@link #failed}; from then on every send sequenced behind it through this cursor is refused by
 * the committer (its preSeq would name a message that does not exist), and the lane drops the
 * cursor and reloads the session's head from storage before sequencing again.
 *
 * <p>{@code sequencer}, {@code lastSeq} and {@code lastMsgId} are touched only by the session's
 * lane thread; {@code failed} is written by the committer thread and read by both.
 */
final class SessionCursor {
  final BlockSequencer sequencer;
  long lastSeq;
  long lastMsgId;
  volatile boolean failed;

  SessionCursor(BlockSequencer sequencer, long lastSeq, long lastMsgId) {
    this.sequencer = sequencer;
    this.lastSeq = lastSeq;
    this.lastMsgId = lastMsgId;
  }
}
