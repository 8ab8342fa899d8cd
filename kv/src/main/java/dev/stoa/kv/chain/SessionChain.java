package dev.stoa.kv.chain;

import dev.stoa.kv.KeyValue;
import dev.stoa.kv.KvBatch;
import dev.stoa.kv.KvStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The merge list of one session (DESIGN.md §4): entries {@code s/<sessionId>/<seq>} holding a
 * {@link SessionEntry}; the head is the last of them, found by a reverse scan (no pointer key is
 * kept: it cost every message one more write, about a tenth of the storage CPU of a send, to spare
 * the rare reverse scan of a writer loading the session). Appends go into the caller's batch, so
 * the body, the session entry and the user entries of a message are written together; keys are
 * deterministic, so re-applying the same batch is idempotent. The caller (the session's single
 * sequencer owner) must append in increasing seq order for {@link #last} to be the newest.
 * Thread-safe (stateless over a thread-safe store); every read blocks on the store.
 */
public final class SessionChain {
  private final KvStore store;

  public SessionChain(KvStore store) {
    if (store == null) {
      throw new IllegalArgumentException("store must not be null");
    }
    this.store = store;
  }

  /** Adds to {@code batch} the put of {@code e} under its seq. */
  public void append(KvBatch batch, String sessionId, SessionEntry e) {
    batch.put(ChainKeys.sessionEntry(sessionId, e.seq()), e.encode());
  }

  /** Up to {@code limit} entries with {@code seq > afterSeq}, ascending by seq. */
  public List<SessionEntry> range(String sessionId, long afterSeq, int limit) {
    if (afterSeq < 0) {
      throw new IllegalArgumentException("afterSeq: must be >= 0, got " + afterSeq);
    }
    if (limit < 0) {
      throw new IllegalArgumentException("limit: must be >= 0, got " + limit);
    }
    if (afterSeq == Long.MAX_VALUE || limit == 0) {
      return new ArrayList<>();
    }
    byte[] prefix = ChainKeys.sessionPrefix(sessionId);
    List<KeyValue> kvs = store.scan(ChainKeys.sessionEntry(sessionId, afterSeq + 1),
        ChainKeys.prefixEnd(prefix), limit);
    List<SessionEntry> out = new ArrayList<>(kvs.size());
    for (KeyValue kv : kvs) {
      out.add(SessionEntry.decode(kv.value()));
    }
    return out;
  }

  /** The newest appended entry, or empty for a session without messages. */
  public Optional<SessionEntry> last(String sessionId) {
    byte[] prefix = ChainKeys.sessionPrefix(sessionId);
    List<KeyValue> newest = store.scanReverse(prefix, ChainKeys.prefixEnd(prefix), 1);
    return newest.isEmpty() ? Optional.empty() : Optional.of(SessionEntry.decode(newest.getFirst().value()));
  }
}
