package dev.stoa.cluster.impl;

import com.hazelcast.map.EntryProcessor;
import java.io.Serial;
import java.util.Map;

/**
 * Deletes an entry only if it still holds {@code expected}, so a process withdrawing its own
 * announcement never deletes the one of a newer incarnation under the same key. Returns whether
 * it deleted. Immutable.
 */
public record RemoveIfValue(String expected) implements EntryProcessor<String, String, Boolean> {
  @Serial
  private static final long serialVersionUID = 1L;

  @Override
  public Boolean process(Map.Entry<String, String> entry) {
    if (expected.equals(entry.getValue())) {
      entry.setValue(null);
      return true;
    }
    return false;
  }
}
