package dev.stoa.writer.impl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.kv.KeyValue;
import dev.stoa.kv.KvBatch;
import dev.stoa.kv.RocksDbKvStore;
import dev.stoa.kv.chain.ChainKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sweep's deletes go through the commit thread and never remove a record stored anew. */
class CommitterDeletionTest {
  @TempDir
  Path dir;

  @Test
  void deletesOnlyRecordsThatStillHoldTheValueTheSweepRead() throws Exception {
    try (RocksDbKvStore kv = RocksDbKvStore.open(dir.resolve("kv"))) {
      Committer committer = new Committer(kv, 1000, 100);
      committer.start();
      byte[] unchanged = ChainKeys.dedup("alice", "d", "a-1");
      byte[] storedAnew = ChainKeys.dedup("alice", "d", "a-2");
      byte[] old = bytes("old");
      kv.write(KvBatch.durable().put(unchanged, old).put(storedAnew, bytes("new")));

      // the sweep read "old" under both keys; a-2 was stored anew since
      int deleted = committer.deleteIfUnchanged(List.of(new KeyValue(unchanged, old), new KeyValue(storedAnew, old)))
          .get(10, TimeUnit.SECONDS);

      assertThat(deleted).isEqualTo(1);
      assertThat(kv.get(unchanged)).isNull();
      assertThat(kv.get(storedAnew)).isEqualTo(bytes("new"));
      committer.close(10_000);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
