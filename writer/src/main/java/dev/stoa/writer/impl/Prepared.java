package dev.stoa.writer.impl;

import java.util.concurrent.CompletableFuture;

/**
 * A sequenced send handed from its lane to the {@link Committer}: seq, msgId and the link to the
 * message before it in the session are set; the user-chain numbers are assigned by the committer
 * in commit order. {@code cursor} is the lane's view of the session the link was taken from: if
 * this send is not written, the committer marks it {@linkplain SessionCursor#failed failed}, so
 * that no later send linked behind it is written either. {@code dedupKey} is the key the lane read
 * the dedup record under ({@code ChainKeys.dedup}); the committer writes the ack there. Completed
 * by the committer once the batch holding it is durable, or exceptionally if it was not written.
 */
record Prepared(ValidSend send, byte[] dedupKey, long seq, long preSeq, long msgId, long preMsgId, long sentAt,
    SessionCursor cursor, CompletableFuture<Committed> done) {}
