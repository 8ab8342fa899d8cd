package dev.stoa.kv.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.kv.KvBatch;
import dev.stoa.kv.KvStore;
import dev.stoa.kv.RocksDbKvStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BlockSequencerTest {
  @TempDir Path tmp;

  @Test
  void countsFromOneAndAllocatesInBlocks() {
    try (KvStore store = RocksDbKvStore.open(tmp.resolve("kv"))) {
      byte[] head = ChainKeys.sessionHead("s");
      BlockSequencer seq = new BlockSequencer(store, head, 10);
      assertThat(seq.peekAllocatedLimit()).isZero();
      assertThat(store.get(head)).isNull();
      for (long i = 1; i <= 10; i++) {
        assertThat(seq.next()).isEqualTo(i);
      }
      assertThat(seq.peekAllocatedLimit()).isEqualTo(10);
      assertThat(store.get(head)).isEqualTo(BlockSequencer.encode(10));
      assertThat(seq.next()).isEqualTo(11);
      assertThat(seq.peekAllocatedLimit()).isEqualTo(20);
      assertThat(store.get(head)).isEqualTo(BlockSequencer.encode(20));
    }
  }

  @Test
  void uniqueAndIncreasingUnderFourThreads() throws Exception {
    try (KvStore store = RocksDbKvStore.open(tmp.resolve("kv"))) {
      BlockSequencer seq = new BlockSequencer(store, ChainKeys.userHead("u"), 7);
      ExecutorService pool = Executors.newFixedThreadPool(4);
      List<Future<List<Long>>> futures = new ArrayList<>();
      try {
        for (int t = 0; t < 4; t++) {
          futures.add(pool.submit(() -> {
            List<Long> got = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
              got.add(seq.next());
            }
            return got;
          }));
        }
        Set<Long> all = new HashSet<>();
        for (Future<List<Long>> f : futures) {
          List<Long> got = f.get(30, TimeUnit.SECONDS);
          assertThat(got).as("each thread sees increasing numbers").isSorted();
          all.addAll(got);
        }
        assertThat(all).hasSize(8_000);
        assertThat(all).allSatisfy(n -> assertThat(n).isBetween(1L, 8_000L));
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void newInstanceOnTheSameKeyJumpsForwardAndNeverReuses() {
    try (KvStore store = RocksDbKvStore.open(tmp.resolve("kv"))) {
      byte[] head = ChainKeys.sessionHead("s");
      BlockSequencer first = new BlockSequencer(store, head, 100);
      assertThat(first.next()).isEqualTo(1);
      assertThat(first.next()).isEqualTo(2);
      // "crash": first is abandoned with 98 numbers unused
      BlockSequencer second = new BlockSequencer(store, head, 100);
      assertThat(second.next()).isEqualTo(101);
      // two live owners never hand out the same number
      Set<Long> seen = new HashSet<>(List.of(1L, 2L, 101L));
      for (int i = 0; i < 500; i++) {
        assertThat(seen.add(first.next())).isTrue();
        assertThat(seen.add(second.next())).isTrue();
      }
    }
  }

  @Test
  void reopeningTheDatabaseJumpsForward() {
    byte[] head = ChainKeys.sessionHead("c2c:a:b");
    long lastBefore;
    try (KvStore store = RocksDbKvStore.open(tmp.resolve("kv"))) {
      BlockSequencer seq = new BlockSequencer(store, head, 32);
      long n = 0;
      for (int i = 0; i < 40; i++) {
        n = seq.next();
      }
      lastBefore = n;
      assertThat(lastBefore).isEqualTo(40);
    }
    try (KvStore store = RocksDbKvStore.open(tmp.resolve("kv"))) {
      BlockSequencer seq = new BlockSequencer(store, head, 32);
      long next = seq.next();
      assertThat(next).isGreaterThan(lastBefore).isEqualTo(65);
    }
  }

  @Test
  void differentKeysAreIndependent() {
    try (KvStore store = RocksDbKvStore.open(tmp.resolve("kv"))) {
      BlockSequencer a = new BlockSequencer(store, ChainKeys.sessionHead("a"), 5);
      BlockSequencer b = new BlockSequencer(store, ChainKeys.sessionHead("a:b"), 5);
      assertThat(a.next()).isEqualTo(1);
      assertThat(b.next()).isEqualTo(1);
    }
  }

  @Test
  void corruptHeadIsReported() {
    try (KvStore store = RocksDbKvStore.open(tmp.resolve("kv"))) {
      byte[] head = ChainKeys.sessionHead("s");
      store.write(KvBatch.durable().put(head, new byte[] {1, 2, 3}));
      BlockSequencer seq = new BlockSequencer(store, head, 5);
      assertThatThrownBy(seq::next).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("hs/s").hasMessageContaining("expected 8 bytes, got 3");
    }
  }

  @Test
  void rejectsBadArguments() {
    try (KvStore store = RocksDbKvStore.open(tmp.resolve("kv"))) {
      assertThatThrownBy(() -> new BlockSequencer(store, new byte[] {1}, 0))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blockSize");
      assertThatThrownBy(() -> new BlockSequencer(store, new byte[0], 5))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
