package dev.stoa.router.impl;

import com.hazelcast.query.Predicate;
import java.io.Serial;
import java.util.Map;

/**
 * A Hazelcast predicate selecting the entries whose String key starts with {@code prefix} (a
 * room's entries, keyed {@code <roomId> NUL <userId>}). Evaluated on the members that own the
 * entries. Immutable; Java-serialised.
 */
public record KeyPrefix(String prefix) implements Predicate<String, byte[]> {
  @Serial
  private static final long serialVersionUID = 1L;

  @Override
  public boolean apply(Map.Entry<String, byte[]> entry) {
    return entry.getKey().startsWith(prefix);
  }
}
