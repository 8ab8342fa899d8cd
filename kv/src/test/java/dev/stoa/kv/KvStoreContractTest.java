package dev.stoa.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every {@link KvStore} must have (DESIGN.md §4). A backend's test extends this and
 * supplies {@link #open()} (a store on fresh, empty storage) and {@link #reopen()} (a new store on
 * the storage of the last {@code open}, called after the test has closed the previous store).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class KvStoreContractTest {

  /** A store on fresh, empty storage. */
  protected abstract KvStore open();

  /** A new store on the same storage as the last {@link #open()}; the caller closed the old one. */
  protected abstract KvStore reopen();

  protected KvStore store;

  @BeforeEach
  void openStore() {
    store = open();
  }

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  private void put(byte[] key, byte[] value) {
    store.write(KvBatch.durable().put(key, value));
  }

  private static List<String> keysOf(List<KeyValue> kvs) {
    List<String> out = new ArrayList<>();
    for (KeyValue kv : kvs) {
      out.add(new String(kv.key(), StandardCharsets.UTF_8));
    }
    return out;
  }

  @Test
  void putGetDelete() {
    assertThat(store.get(b("k"))).isNull();
    put(b("k"), b("v1"));
    assertThat(store.get(b("k"))).isEqualTo(b("v1"));
    put(b("k"), b("v2"));
    assertThat(store.get(b("k"))).isEqualTo(b("v2"));
    store.write(KvBatch.relaxed().delete(b("k")));
    assertThat(store.get(b("k"))).isNull();
  }

  @Test
  void relaxedWritesFollowedBySyncSurviveAReopen() {
    store.sync(); // nothing written yet: a no-op
    for (int i = 0; i < 100; i++) {
      store.write(KvBatch.relaxed().put(b("r" + i), b("v" + i)));
    }
    store.sync();
    store.close();
    store = reopen();
    for (int i = 0; i < 100; i++) {
      assertThat(store.get(b("r" + i))).as("key r" + i).isEqualTo(b("v" + i));
    }
  }

  @Test
  void emptyValueIsStoredAndDistinctFromAbsent() {
    put(b("k"), new byte[0]);
    assertThat(store.get(b("k"))).isNotNull().isEmpty();
  }

  @Test
  void multiGetKeepsOrderAndNulls() {
    put(b("a"), b("1"));
    put(b("c"), b("3"));
    List<byte[]> values = store.multiGet(List.of(b("c"), b("b"), b("a"), b("c")));
    assertThat(values).hasSize(4);
    assertThat(values.get(0)).isEqualTo(b("3"));
    assertThat(values.get(1)).isNull();
    assertThat(values.get(2)).isEqualTo(b("1"));
    assertThat(values.get(3)).isEqualTo(b("3"));
    assertThat(store.multiGet(List.of())).isEmpty();
  }

  @Test
  void keysOrderUnsignedLexicographic() {
    byte[] high = bytes(0x10, 0xFF);
    byte[] low = bytes(0x10, 0x01);
    byte[] prefix = bytes(0x10);
    byte[] extension = bytes(0x10, 0x00);
    byte[] after = bytes(0x11);
    store.write(KvBatch.durable().put(high, b("high")).put(after, b("after")).put(low, b("low"))
        .put(extension, b("ext")).put(prefix, b("prefix")));
    List<KeyValue> all = store.scan(new byte[0], null, 100);
    List<byte[]> keys = all.stream().map(KeyValue::key).toList();
    assertThat(keys).containsExactly(prefix, extension, low, high, after);
  }

  /**
   * Stoa's key kinds (FORMAT.md: bodies, chains, heads, dedup) side by side: a backend may store
   * kinds apart, but reads, CAS and scans see one ordered key space.
   */
  @Test
  void keysOfEveryStoaKindShareOneOrderedKeySpace() {
    List<String> kinds = List.of("c", "d/alice/phone/c-1", "d/bob/web/c-9", "hs/c2c:a:b", "l/c2c:a:b",
        "m/\u0001", "m/\u0002", "m0", "s/c2c:a:b/\u0001", "u/alice/\u0001", "z");
    KvBatch batch = KvBatch.durable();
    for (String k : kinds) {
      batch.put(b(k), b("v:" + k));
    }
    store.write(batch);

    assertThat(keysOf(store.scan(new byte[0], null, 100))).containsExactlyElementsOf(kinds);
    assertThat(keysOf(store.scan(b("d/"), b("d0"), 100)))
        .containsExactly("d/alice/phone/c-1", "d/bob/web/c-9");
    assertThat(keysOf(store.scan(b("m/"), b("m0"), 100))).containsExactly("m/\u0001", "m/\u0002");
    assertThat(keysOf(store.scan(b("d/b"), b("m/\u0002"), 100)))
        .containsExactly("d/bob/web/c-9", "hs/c2c:a:b", "l/c2c:a:b", "m/\u0001");
    assertThat(keysOf(store.scan(b("c"), null, 3))).containsExactly("c", "d/alice/phone/c-1", "d/bob/web/c-9");
    assertThat(keysOf(store.scanReverse(new byte[0], null, 100))).containsExactlyElementsOf(kinds.reversed());
    assertThat(keysOf(store.scanReverse(b("d/b"), b("m/\u0002"), 3)))
        .containsExactly("m/\u0001", "l/c2c:a:b", "hs/c2c:a:b");
    assertThat(keysOf(store.scanReverse(b("m/"), b("m0"), 1))).containsExactly("m/\u0002");
    assertThat(keysOf(store.scanReverse(b("s/c2c:a:b/"), b("s/c2c:a:b0"), 1))).containsExactly("s/c2c:a:b/\u0001");
    for (String k : kinds) {
      assertThat(store.get(b(k))).as(k).isEqualTo(b("v:" + k));
    }
    assertThat(store.multiGet(List.of(b("m/\u0002"), b("d/x/y/z"), b("d/bob/web/c-9"), b("s/c2c:a:b/\u0001"))))
        .containsExactly(b("v:m/\u0002"), null, b("v:d/bob/web/c-9"), b("v:s/c2c:a:b/\u0001"));
    assertThat(store.compareAndSet(b("d/bob/web/c-9"), b("v:d/bob/web/c-9"), b("acked"))).isTrue();
    assertThat(store.compareAndSet(b("m/\u0001"), b("wrong"), b("x"))).isFalse();
    store.write(KvBatch.durable().delete(b("m/\u0001")));

    store.close();
    store = reopen();
    assertThat(store.get(b("d/bob/web/c-9"))).isEqualTo(b("acked"));
    assertThat(store.get(b("m/\u0001"))).isNull();
    assertThat(keysOf(store.scan(b("l"), b("n"), 100))).containsExactly("l/c2c:a:b", "m/\u0002", "m0");
  }

  @Test
  void scanBounds() {
    for (String k : List.of("a", "b", "c", "d", "e")) {
      put(b(k), b(k.toUpperCase()));
    }
    assertThat(keysOf(store.scan(b("b"), b("d"), 100))).containsExactly("b", "c");
    assertThat(keysOf(store.scan(b("bb"), b("dd"), 100))).containsExactly("c", "d");
    assertThat(keysOf(store.scan(b("c"), null, 100))).containsExactly("c", "d", "e");
    assertThat(keysOf(store.scan(b("a"), null, 2))).containsExactly("a", "b");
    assertThat(keysOf(store.scan(b("a"), null, 0))).isEmpty();
    assertThat(keysOf(store.scan(b("d"), b("b"), 10))).isEmpty();
    assertThat(keysOf(store.scan(b("c"), b("c"), 10))).isEmpty();
    assertThat(keysOf(store.scan(b("f"), null, 10))).isEmpty();
    List<KeyValue> one = store.scan(b("e"), null, 10);
    assertThat(one.getFirst().value()).isEqualTo(b("E"));
  }

  @Test
  void scanReverseBounds() {
    for (String k : List.of("a", "b", "c", "d", "e")) {
      put(b(k), b(k.toUpperCase()));
    }
    assertThat(keysOf(store.scanReverse(b("b"), b("d"), 100))).containsExactly("c", "b");
    assertThat(keysOf(store.scanReverse(b("bb"), b("dd"), 100))).containsExactly("d", "c");
    assertThat(keysOf(store.scanReverse(b("c"), null, 100))).containsExactly("e", "d", "c");
    assertThat(keysOf(store.scanReverse(new byte[0], null, 2))).containsExactly("e", "d");
    assertThat(keysOf(store.scanReverse(b("a"), b("e"), 1))).containsExactly("d");
    assertThat(keysOf(store.scanReverse(b("a"), null, 0))).isEmpty();
    assertThat(keysOf(store.scanReverse(b("d"), b("b"), 10))).isEmpty();
    assertThat(keysOf(store.scanReverse(b("c"), b("c"), 10))).isEmpty();
    assertThat(keysOf(store.scanReverse(b("0"), b("a"), 10))).isEmpty();
    assertThat(store.scanReverse(b("a"), null, 10).getFirst().value()).isEqualTo(b("E"));
    assertThatThrownBy(() -> store.scanReverse(null, null, 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("start");
    assertThatThrownBy(() -> store.scanReverse(b("a"), null, -1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("limit");
  }

  @Test
  void scanReturnsCopies() {
    put(b("k"), b("value"));
    List<KeyValue> first = store.scan(b("k"), null, 1);
    first.getFirst().key()[0] = 'x';
    first.getFirst().value()[0] = 'x';
    byte[] got = store.get(b("k"));
    got[1] = 'x';
    List<KeyValue> second = store.scan(b("k"), null, 1);
    assertThat(second.getFirst().key()).isEqualTo(b("k"));
    assertThat(second.getFirst().value()).isEqualTo(b("value"));
    assertThat(store.get(b("k"))).isEqualTo(b("value"));
  }

  @Test
  void batchAppliesEveryOperation() {
    put(b("gone"), b("x"));
    KvBatch batch = KvBatch.durable();
    for (int i = 0; i < 100; i++) {
      batch.put(b("k" + i), b("v" + i));
    }
    batch.delete(b("gone"));
    batch.put(b("k7"), b("overwritten in the same batch"));
    store.write(batch);
    assertThat(store.get(b("gone"))).isNull();
    assertThat(store.get(b("k7"))).isEqualTo(b("overwritten in the same batch"));
    assertThat(store.scan(b("k"), b("l"), 1000)).hasSize(100);
  }

  @Test
  void durableBatchSurvivesReopen() {
    store.write(KvBatch.durable().put(b("a"), b("1")).put(b("b"), b("2")));
    store.write(KvBatch.relaxed().put(b("c"), b("3")));
    store.close();
    store = reopen();
    assertThat(store.get(b("a"))).isEqualTo(b("1"));
    assertThat(store.get(b("b"))).isEqualTo(b("2"));
    // an orderly close keeps relaxed writes too
    assertThat(store.get(b("c"))).isEqualTo(b("3"));
  }

  @Test
  void compareAndSet() {
    assertThat(store.compareAndSet(b("k"), null, b("1"))).isTrue();
    assertThat(store.get(b("k"))).isEqualTo(b("1"));
    assertThat(store.compareAndSet(b("k"), null, b("2"))).isFalse();
    assertThat(store.compareAndSet(b("k"), b("9"), b("2"))).isFalse();
    assertThat(store.get(b("k"))).isEqualTo(b("1"));
    assertThat(store.compareAndSet(b("k"), b("1"), b("2"))).isTrue();
    assertThat(store.get(b("k"))).isEqualTo(b("2"));
    assertThat(store.compareAndSet(b("absent"), b("2"), b("3"))).isFalse();
    assertThat(store.get(b("absent"))).isNull();
  }

  @Test
  void compareAndSetIsDurable() {
    assertThat(store.compareAndSet(b("k"), null, b("1"))).isTrue();
    store.close();
    store = reopen();
    assertThat(store.get(b("k"))).isEqualTo(b("1"));
  }

  @Test
  void concurrentCompareAndSetLosesNoUpdate() throws Exception {
    int threads = 8;
    int increments = 200;
    byte[] key = b("counter");
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Integer>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(pool.submit(() -> {
          int retries = 0;
          for (int i = 0; i < increments; i++) {
            while (true) {
              byte[] old = store.get(key);
              long value = old == null ? 0 : Long.parseLong(new String(old, StandardCharsets.UTF_8));
              if (store.compareAndSet(key, old, b(Long.toString(value + 1)))) {
                break;
              }
              if (++retries > 1_000_000) {
                throw new AssertionError("too many CAS retries");
              }
            }
          }
          return retries;
        }));
      }
      for (Future<Integer> f : futures) {
        f.get(50, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(new String(store.get(key), StandardCharsets.UTF_8)).isEqualTo("1600");
  }

  @Test
  void emptyKeyIsRejected() {
    assertThatThrownBy(() -> store.get(new byte[0])).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.compareAndSet(new byte[0], null, b("v")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.multiGet(List.of(b("a"), new byte[0])))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> KvBatch.durable().put(new byte[0], b("v")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> KvBatch.durable().delete(new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void oneMebibyteValueRoundTrips() {
    byte[] big = new byte[1024 * 1024];
    new Random(42).nextBytes(big);
    put(b("big"), big);
    assertThat(Arrays.equals(store.get(b("big")), big)).isTrue();
    store.close();
    store = reopen();
    assertThat(Arrays.equals(store.get(b("big")), big)).isTrue();
  }

  @Test
  void binaryKeysWithEveryByteValue() {
    KvBatch batch = KvBatch.durable();
    for (int i = 0; i < 256; i++) {
      batch.put(bytes(0x7A, i), bytes(i));
    }
    store.write(batch);
    List<KeyValue> all = store.scan(bytes(0x7A), bytes(0x7B), 1000);
    assertThat(all).hasSize(256);
    for (int i = 0; i < 256; i++) {
      assertThat(all.get(i).value()).isEqualTo(bytes(i));
    }
  }
}
