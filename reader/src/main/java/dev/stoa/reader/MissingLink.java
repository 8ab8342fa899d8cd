package dev.stoa.reader;

/**
 * A message whose {@code preSeq}/{@code preMsgId} do not name the message before it in a read
 * window: something between them is missing from storage (or the chain is inconsistent). Found by
 * {@link ChainMerge}; reported, never repaired. Immutable.
 *
 * @param sessionId the session of the message
 * @param seq seq of the message whose link is broken
 * @param msgId its msgId
 * @param preSeq the seq it names as its predecessor
 * @param preMsgId the msgId it names as its predecessor
 * @param foundSeq seq of the message before it in the window, or the window start (the request's
 *     afterSeq) when it is the first of its session in the window
 * @param foundMsgId msgId of the message before it in the window, 0 at the window start
 */
public record MissingLink(String sessionId, long seq, long msgId, long preSeq, long preMsgId,
    long foundSeq, long foundMsgId) {

  /** One line for logs: which message, what it links to, what was found instead. */
  public String describe() {
    String found = foundMsgId == 0
        ? "the window starts after seq " + foundSeq + " and holds nothing before it"
        : "the message before it is seq " + foundSeq + " (msgId " + Long.toUnsignedString(foundMsgId) + ")";
    return sessionId + " seq " + seq + " (msgId " + Long.toUnsignedString(msgId) + ") links to preSeq "
        + preSeq + " / preMsgId " + Long.toUnsignedString(preMsgId) + ", but " + found;
  }
}
