package dev.stoa.kv;

import java.util.List;

/**
 * A {@link KvStore} that hands every call to another one: the base of decorators that change a
 * few calls (metrics, fault injection in tests) and pass the rest through unchanged. Thread-safe
 * when the delegate is.
 */
public abstract class ForwardingKvStore implements KvStore {
  private final KvStore delegate;

  protected ForwardingKvStore(KvStore delegate) {
    this.delegate = delegate;
  }

  protected final KvStore delegate() {
    return delegate;
  }

  @Override
  public byte[] get(byte[] key) {
    return delegate.get(key);
  }

  @Override
  public List<byte[]> multiGet(List<byte[]> keys) {
    return delegate.multiGet(keys);
  }

  @Override
  public void write(KvBatch batch) {
    delegate.write(batch);
  }

  @Override
  public void sync() {
    delegate.sync();
  }

  @Override
  public List<KeyValue> scan(byte[] startInclusive, byte[] endExclusive, int limit) {
    return delegate.scan(startInclusive, endExclusive, limit);
  }

  @Override
  public List<KeyValue> scanReverse(byte[] startInclusive, byte[] endExclusive, int limit) {
    return delegate.scanReverse(startInclusive, endExclusive, limit);
  }

  @Override
  public boolean compareAndSet(byte[] key, byte[] expected, byte[] update) {
    return delegate.compareAndSet(key, expected, update);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
