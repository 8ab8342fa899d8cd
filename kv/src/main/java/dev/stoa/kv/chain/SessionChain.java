package dev.stoa.kv.chain;

import dev.stoa.kv.KeyValue;
import dev.stoa.kv.KvBatch;
import dev.stoa.kv.KvStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The merge list of one session (DESIGN.md §4): entries {@code s/<sessionId>/<seq>} holding a
 * {@link SessionEntry}, plus {@code l/<sessionId>} holding a copy of the newest entry so a writer
 * finds the head without a reverse scan. Appends go into the caller's batch, so the body, the
 * session entry and the user entries of a message are written together; keys are deterministic,
 * so re-applying the same batch is idempotent. The caller (the session's single sequencer owner)
 * must append in increasing seq order for {@link #last} to be the newest. Thread-safe (stateless
 * over a thread-safe store); every read blocks on the store.
 */
public final class SessionChain {
  private final KvStore store;

  public SessionChain(KvStore store) {
    if (store == null) {
      throw new IllegalArgumentException("store must not be null");
    }
    this.store = store;
  }

  /** Adds to {@code batch} the put of {@code e} under its seq and the put of the last pointer. */
  public void append(KvBatch batch, String sessionId, SessionEntry e) {
    byte[] value = e.encode();
    batch.put(ChainKeys.sessionEntry(sessionId, e.seq()), value);
    batch.put(ChainKeys.sessionLast(sessionId), value);
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
    byte[] value = store.get(ChainKeys.sessionLast(sessionId));
    return value == null ? Optional.empty() : Optional.of(SessionEntry.decode(value));
  }
}
