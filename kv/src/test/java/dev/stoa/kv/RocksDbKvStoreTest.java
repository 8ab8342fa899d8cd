package dev.stoa.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.common.metrics.Metrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RocksDbKvStoreTest extends KvStoreContractTest {
  @TempDir Path tmp;
  private Path dir;

  @Override
  protected KvStore open() {
    dir = tmp.resolve("kv");
    return RocksDbKvStore.open(dir);
  }

  @Override
  protected KvStore reopen() {
    return RocksDbKvStore.open(dir);
  }

  @Test
  void openCreatesNestedDirectory() {
    Path nested = tmp.resolve("a/b/c");
    try (RocksDbKvStore s = RocksDbKvStore.open(nested)) {
      assertThat(Files.isDirectory(nested)).isTrue();
      assertThat(s.directory()).isEqualTo(nested);
    }
  }

  @Test
  void secondOpenOfTheSameDirectoryFailsWithKvException() {
    assertThatThrownBy(() -> RocksDbKvStore.open(dir))
        .isInstanceOf(KvException.class)
        .hasMessageContaining("open")
        .hasMessageContaining(dir.toString());
  }

  @Test
  void callsAfterCloseFailClearly() {
    store.close();
    store.close();
    assertThatThrownBy(() -> store.get(b("k")))
        .isInstanceOf(KvException.class)
        .hasMessageContaining("get")
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> store.write(KvBatch.durable().put(b("k"), b("v"))))
        .isInstanceOf(KvException.class);
  }

  @Test
  void countsOperationsInTheProcessRegistry() {
    double before = Metrics.registry().get("stoa_kv_writes").counter().count();
    store.write(KvBatch.durable().put(b("k"), b("v")).put(b("k2"), b("v")));
    store.get(b("k"));
    store.compareAndSet(b("k"), b("nope"), b("x"));
    assertThat(Metrics.registry().get("stoa_kv_writes").counter().count()).isEqualTo(before + 1);
    String scrape = Metrics.scrape();
    assertThat(scrape).contains("stoa_kv_writes_total", "stoa_kv_write_seconds_count",
        "stoa_kv_reads_total", "stoa_kv_cas_total{result=\"mismatch\"}");
  }

  private static List<String> familiesIn(Path dir) throws Exception {
    try (Options options = new Options()) {
      return RocksDB.listColumnFamilies(options, dir.toString()).stream()
          .map(n -> new String(n, java.nio.charset.StandardCharsets.UTF_8)).toList();
    }
  }

  @Test
  void bodiesAndDedupRecordsGetColumnFamiliesOfTheirOwn() throws Exception {
    store.write(KvBatch.durable().put(b("m/1"), b("body")).put(b("d/u/d/c"), b("ack")).put(b("s/x/1"), b("e")));
    store.close();
    assertThat(familiesIn(dir)).containsExactlyInAnyOrder("default", "bodies", "dedup");
    try (Options options = new Options(); RocksDB raw = RocksDB.openReadOnly(options, dir.toString())) {
      assertThat(raw.get(b("s/x/1"))).as("chains stay in the default family").isEqualTo(b("e"));
      assertThat(raw.get(b("m/1"))).as("a body is not in the default family").isNull();
    }
  }

  @Test
  void aDirectoryFromBeforeTheFamiliesKeepsEveryKeyInTheDefaultOne() throws Exception {
    Path old = tmp.resolve("old");
    try (Options options = new Options().setCreateIfMissing(true);
        RocksDB raw = RocksDB.open(options, old.toString())) {
      raw.put(b("m/1"), b("body"));
      raw.put(b("d/u/d/c"), b("ack"));
      raw.put(b("s/x/1"), b("e"));
    }
    try (RocksDbKvStore s = RocksDbKvStore.open(old)) {
      assertThat(s.get(b("m/1"))).isEqualTo(b("body"));
      assertThat(s.get(b("d/u/d/c"))).isEqualTo(b("ack"));
      s.write(KvBatch.durable().put(b("m/2"), b("body2")));
      assertThat(s.scan(b("m/"), b("m0"), 10)).hasSize(2);
    }
    assertThat(familiesIn(old)).containsExactly("default");
    try (RocksDbKvStore s = RocksDbKvStore.open(old)) {
      assertThat(s.get(b("m/2"))).isEqualTo(b("body2"));
    }
  }
}
