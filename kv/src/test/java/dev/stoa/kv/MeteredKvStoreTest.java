package dev.stoa.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The call meters over a real RocksDB store, in a registry of the test's own; and the whole store
 * contract through the decorator, so metering changes no behaviour.
 */
class MeteredKvStoreTest extends KvStoreContractTest {
  @TempDir
  Path dir;

  @Override
  protected KvStore open() {
    return new MeteredKvStore(RocksDbKvStore.open(dir.resolve("contract")), new SimpleMeterRegistry());
  }

  @Override
  protected KvStore reopen() {
    return open();
  }

  @Test
  void countsAndTimesEveryCallAndCountsFailuresByOperation() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MeteredKvStore store = new MeteredKvStore(RocksDbKvStore.open(dir.resolve("kv")), registry);
    store.write(KvBatch.durable().put(b("k"), b("v")).put(b("k2"), b("v")));
    store.write(KvBatch.durable()); // empty: nothing written, nothing counted
    store.get(b("k"));
    store.multiGet(List.of(b("k"), b("k2"), b("k3")));
    store.scan(b("k"), null, 10);
    store.scanReverse(b("k"), null, 10);
    store.sync();
    assertThat(store.compareAndSet(b("k"), b("nope"), b("x"))).isFalse();
    assertThat(store.compareAndSet(b("k"), b("v"), b("x"))).isTrue();

    assertThat(registry.get("stoa_kv_writes").counter().count()).isEqualTo(1);
    assertThat(registry.get("stoa_kv_write_ops").counter().count()).isEqualTo(2);
    assertThat(registry.get("stoa_kv_write").timer().count()).isEqualTo(2);
    assertThat(registry.get("stoa_kv_reads").counter().count()).isEqualTo(4);
    assertThat(registry.get("stoa_kv_read").timer().count()).isEqualTo(2);
    assertThat(registry.get("stoa_kv_scans").counter().count()).isEqualTo(2);
    assertThat(registry.get("stoa_kv_sync").timer().count()).isEqualTo(1);
    assertThat(registry.get("stoa_kv_cas").tag("result", "mismatch").counter().count()).isEqualTo(1);
    assertThat(registry.get("stoa_kv_cas").tag("result", "set").counter().count()).isEqualTo(1);

    store.close();
    assertThatThrownBy(() -> store.get(b("k"))).isInstanceOf(KvException.class);
    assertThat(registry.get("stoa_kv_errors").tag("op", "get").counter().count()).isEqualTo(1);
    assertThat(registry.get("stoa_kv_reads").counter().count()).as("a failed read is not a read").isEqualTo(4);
  }
}
