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
  void reportsFlushWorkPerFamilyAndDropsItsMetersOnClose() {
    KvBatch batch = KvBatch.durable();
    java.util.Random random = new java.util.Random(7);
    for (int i = 0; i < 2_000; i++) {
      byte[] body = new byte[200]; // random, so that compression leaves about 400 KB
      random.nextBytes(body);
      batch.put(b("m/" + (1_000_000 + i)), body);
    }
    store.write(batch);
    RocksDbKvStore kv = (RocksDbKvStore) store;
    kv.flush();
    List<FamilyStats> stats = kv.familyStats();
    assertThat(stats).extracting(FamilyStats::family).containsExactly("default", "bodies", "dedup");
    assertThat(stats.get(1).flushAndCompactionWriteBytes()).as("the bodies written").isGreaterThan(300_000L);
    assertThat(stats.get(2).flushAndCompactionWriteBytes()).as("no dedup record written").isZero();
    assertThat(stats.get(1).writeStops()).isZero();
    assertThat(Metrics.scrape()).contains("stoa_kv_flush_compaction_write_bytes_total{family=\"bodies\"}",
        "stoa_kv_pending_compaction_bytes{family=\"dedup\"}", "stoa_kv_write_stalls_total{family=\"default\",kind=\"stop\"}");
    store.close();
    assertThat(Metrics.scrape()).doesNotContain("stoa_kv_pending_compaction_bytes");
    assertThatThrownBy(kv::familyStats).isInstanceOf(KvException.class).hasMessageContaining("closed");
  }

  @Test
  void theDefaultFamilyCompactsLevelZeroInLargerGroupsThanTheOthers() throws Exception {
    Path options;
    try (var files = Files.list(dir)) {
      options = files.filter(p -> p.getFileName().toString().startsWith("OPTIONS-")).sorted().reduce((a, c) -> c)
          .orElseThrow();
    }
    String text = Files.readString(options);
    assertThat(level0Trigger(text, "default")).isEqualTo(RocksDbTuning.DEFAULT_FAMILY_LEVEL0_FILES_PER_COMPACTION);
    assertThat(level0Trigger(text, "bodies")).isEqualTo(4);
    assertThat(level0Trigger(text, "dedup")).isEqualTo(4);
  }

  /** level0_file_num_compaction_trigger of one family's section in a RocksDB OPTIONS file. */
  private static int level0Trigger(String optionsFile, String family) {
    int section = optionsFile.indexOf("[CFOptions \"" + family + "\"]");
    assertThat(section).as("section of family " + family).isNotNegative();
    int key = optionsFile.indexOf("level0_file_num_compaction_trigger=", section);
    int end = optionsFile.indexOf('\n', key);
    return Integer.parseInt(optionsFile.substring(key + "level0_file_num_compaction_trigger=".length(), end).trim());
  }

  @Test
  void aBatchSerializedInJavaHasTheBytesOfOneBuiltByRocksDb() throws Exception {
    Path raw = tmp.resolve("raw");
    List<org.rocksdb.ColumnFamilyDescriptor> descriptors = List.of(
        new org.rocksdb.ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY),
        new org.rocksdb.ColumnFamilyDescriptor(b("one")), new org.rocksdb.ColumnFamilyDescriptor(b("two")));
    List<org.rocksdb.ColumnFamilyHandle> handles = new java.util.ArrayList<>();
    try (org.rocksdb.DBOptions options = new org.rocksdb.DBOptions().setCreateIfMissing(true)
            .setCreateMissingColumnFamilies(true);
        RocksDB db = RocksDB.open(options, raw.toString(), descriptors, handles);
        org.rocksdb.WriteBatch expected = new org.rocksdb.WriteBatch()) {
      byte[] big = new byte[20_000]; // a three-byte length
      big[7] = 9;
      List<KvBatch.Op> ops = List.of(new KvBatch.Op(b("a"), b("1")), new KvBatch.Op(b("b"), null),
          new KvBatch.Op(b("c"), big), new KvBatch.Op(b("d"), new byte[0]), new KvBatch.Op(new byte[200], b("x")),
          new KvBatch.Op(b("e"), null));
      int[] family = {0, 2, 1, 2, 0, 1};
      for (int i = 0; i < ops.size(); i++) {
        KvBatch.Op op = ops.get(i);
        if (op.value() == null) {
          expected.delete(handles.get(family[i]), op.key());
        } else {
          expected.put(handles.get(family[i]), op.key(), op.value());
        }
      }
      int[] ids = java.util.Arrays.stream(family).map(f -> handles.get(f).getID()).toArray();
      byte[] ours = SerializedWriteBatch.encode(ops, ids);
      assertThat(ours).isEqualTo(expected.data());
      try (org.rocksdb.WriteBatch decoded = new org.rocksdb.WriteBatch(ours);
          org.rocksdb.WriteOptions sync = new org.rocksdb.WriteOptions().setSync(true)) {
        assertThat(decoded.count()).isEqualTo(6);
        db.write(sync, decoded);
      }
      assertThat(db.get(handles.get(1), b("c"))).isEqualTo(big);
      assertThat(db.get(handles.get(2), b("d"))).isEmpty();
      assertThat(db.get(b("c"))).as("not in the default family").isNull();
      handles.forEach(org.rocksdb.ColumnFamilyHandle::close);
    }
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
