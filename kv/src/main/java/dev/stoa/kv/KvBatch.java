package dev.stoa.kv;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Puts and deletes to apply together through {@link KvStore#write}. Not thread-safe; build it on
 * one thread, then hand it over.
 */
public final class KvBatch {
  /** One operation: a put when {@code value} is non-null, a delete otherwise. */
  public record Op(byte[] key, byte[] value) {}

  private final List<Op> ops = new ArrayList<>();
  private final boolean durable;

  private KvBatch(boolean durable) {
    this.durable = durable;
  }

  /** A batch that is synced to stable storage before {@link KvStore#write} returns. */
  public static KvBatch durable() {
    return new KvBatch(true);
  }

  /** A batch that may sit in OS buffers after {@link KvStore#write} returns. */
  public static KvBatch relaxed() {
    return new KvBatch(false);
  }

  public KvBatch put(byte[] key, byte[] value) {
    if (key == null || key.length == 0 || value == null) {
      throw new IllegalArgumentException("put needs a non-empty key and a value");
    }
    ops.add(new Op(key, value));
    return this;
  }

  public KvBatch delete(byte[] key) {
    if (key == null || key.length == 0) {
      throw new IllegalArgumentException("delete needs a non-empty key");
    }
    ops.add(new Op(key, null));
    return this;
  }

  public boolean isDurable() {
    return durable;
  }

  public List<Op> ops() {
    return Collections.unmodifiableList(ops);
  }

  public int size() {
    return ops.size();
  }
}
