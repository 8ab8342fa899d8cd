package dev.stoa.writer.impl;

import java.util.concurrent.CompletableFuture;

/**
 * A sequenced send handed from its lane to the {@link Committer}: everything but the msgId and
 * the user-chain numbers, which the committer assigns in commit order. Completed by the
 * committer once the batch holding it is durable, or exceptionally if it was not written.
 */
record Prepared(ValidSend send, long seq, long preSeq, long preMsgId, long sentAt,
    CompletableFuture<Committed> done) {}
