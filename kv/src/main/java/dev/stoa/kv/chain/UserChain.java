package dev.stoa.kv.chain;

import dev.stoa.kv.KeyValue;
import dev.stoa.kv.KvBatch;
import dev.stoa.kv.KvStore;
import java.util.ArrayList;
import java.util.List;

/**
 * The merge list of one user (DESIGN.md §4): entries {@code u/<userId>/<userSeq>} holding a
 * {@link UserEntry}, one per message of any session the user takes part in; {@code sync} walks it
 * from a cursor. Appends go into the caller's batch; keys are deterministic, so re-applying a
 * batch is idempotent. userSeq values come from a {@link BlockSequencer} on
 * {@link ChainKeys#userHead}. Thread-safe (stateless over a thread-safe store).
 */
public final class UserChain {
  private final KvStore store;

  public UserChain(KvStore store) {
    if (store == null) {
      throw new IllegalArgumentException("store must not be null");
    }
    this.store = store;
  }

  /** Adds to {@code batch} the put of {@code e} under its userSeq. */
  public void append(KvBatch batch, String userId, UserEntry e) {
    batch.put(ChainKeys.userEntry(userId, e.userSeq()), e.encode());
  }

  /** Up to {@code limit} entries with {@code userSeq > afterUserSeq}, ascending by userSeq. */
  public List<UserEntry> range(String userId, long afterUserSeq, int limit) {
    if (afterUserSeq < 0) {
      throw new IllegalArgumentException("afterUserSeq: must be >= 0, got " + afterUserSeq);
    }
    if (limit < 0) {
      throw new IllegalArgumentException("limit: must be >= 0, got " + limit);
    }
    if (afterUserSeq == Long.MAX_VALUE || limit == 0) {
      return new ArrayList<>();
    }
    byte[] prefix = ChainKeys.userPrefix(userId);
    List<KeyValue> kvs = store.scan(ChainKeys.userEntry(userId, afterUserSeq + 1),
        ChainKeys.prefixEnd(prefix), limit);
    List<UserEntry> out = new ArrayList<>(kvs.size());
    for (KeyValue kv : kvs) {
      out.add(UserEntry.decode(kv.value()));
    }
    return out;
  }
}
