package dev.stoa.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.common.metrics.Metrics;
import java.nio.file.Files;
import java.nio.file.Path;
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
}
