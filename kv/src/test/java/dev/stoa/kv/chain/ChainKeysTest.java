package dev.stoa.kv.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.kv.KvBatch;
import dev.stoa.kv.KvStore;
import dev.stoa.kv.RocksDbKvStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChainKeysTest {
  @TempDir Path tmp;

  private static int cmp(byte[] a, byte[] b) {
    return Arrays.compareUnsigned(a, b);
  }

  @Test
  void exactLayouts() {
    HexFormat hex = HexFormat.of();
    assertThat(hex.formatHex(ChainKeys.body(0x0102)))
        .isEqualTo("6d2f" + "0000000000000102");
    assertThat(hex.formatHex(ChainKeys.sessionEntry("c2c:a:b", 256)))
        .isEqualTo(hex.formatHex("s/c2c:a:b/".getBytes(StandardCharsets.US_ASCII))
            + "0000000000000100");
    assertThat(hex.formatHex(ChainKeys.userEntry("bob", 1)))
        .isEqualTo(hex.formatHex("u/bob/".getBytes(StandardCharsets.US_ASCII))
            + "0000000000000001");
    assertThat(new String(ChainKeys.sessionHead("group:g1"), StandardCharsets.UTF_8))
        .isEqualTo("hs/group:g1");
    assertThat(new String(ChainKeys.userHead("bob"), StandardCharsets.UTF_8)).isEqualTo("hu/bob");
    assertThat(new String(ChainKeys.dedup("bob", "phone", "c/1"), StandardCharsets.UTF_8))
        .isEqualTo("d/bob/phone/c/1");
    assertThat(ChainKeys.sessionEntry("é", 0)).startsWith(0x73, 0x2f, 0xc3, 0xa9, 0x2f);
  }

  @Test
  void numbersSortNumericallyInByteOrder() {
    long[] seqs = {0, 1, 255, 256, 65_535, 65_536, 1L << 32, 1L << 40, Long.MAX_VALUE};
    for (int i = 1; i < seqs.length; i++) {
      assertThat(cmp(ChainKeys.sessionEntry("s", seqs[i - 1]), ChainKeys.sessionEntry("s", seqs[i])))
          .as("%d < %d", seqs[i - 1], seqs[i]).isNegative();
      assertThat(cmp(ChainKeys.body(seqs[i - 1]), ChainKeys.body(seqs[i]))).isNegative();
      assertThat(ChainKeys.numberOf(ChainKeys.userEntry("u", seqs[i]))).isEqualTo(seqs[i]);
    }
  }

  @Test
  void sessionWhoseIdExtendsAnotherDoesNotInterleave() {
    // no entry of another session falls between the first and the last entry of "a"; '-' and '.'
    // sort before '/', ':' and '0' after it, so others sit wholly below or wholly above
    byte[] firstOfA = ChainKeys.sessionEntry("a", 0);
    byte[] lastOfA = ChainKeys.sessionEntry("a", Long.MAX_VALUE);
    for (String other : List.of("a:b", "a:", "a-b", "a.b", "a0", "ab", "a\u00e9")) {
      for (long n : new long[] {0, 1, 256, Long.MAX_VALUE}) {
        byte[] key = ChainKeys.sessionEntry(other, n);
        boolean inside = cmp(key, firstOfA) >= 0 && cmp(key, lastOfA) <= 0;
        assertThat(inside).as("%s/%d inside the range of a", other, n).isFalse();
      }
      boolean below = cmp(ChainKeys.sessionEntry(other, Long.MAX_VALUE), firstOfA) < 0;
      boolean above = cmp(ChainKeys.sessionEntry(other, 0), lastOfA) > 0;
      assertThat(below || above).as(other).isTrue();
    }
    byte[] end = ChainKeys.prefixEnd(ChainKeys.sessionPrefix("a"));
    assertThat(new String(end, StandardCharsets.US_ASCII)).isEqualTo("s/a0");
  }

  @Test
  void rangeScanOfSessionNeverReturnsAnotherSessionWithIdAsPrefix() {
    try (KvStore store = RocksDbKvStore.open(tmp.resolve("kv"))) {
      SessionChain chain = new SessionChain(store);
      KvBatch batch = KvBatch.durable();
      List<String> sessions = List.of("a", "a:b", "a:", "a-", "a0", "a.", "ab", "c2c:a:b", "c2c:a:bc");
      for (int s = 0; s < sessions.size(); s++) {
        for (long seq = 1; seq <= 300; seq++) {
          chain.append(batch, sessions.get(s), new SessionEntry(seq, s * 1000L + seq, seq - 1, 0));
        }
      }
      store.write(batch);
      for (int s = 0; s < sessions.size(); s++) {
        List<SessionEntry> got = chain.range(sessions.get(s), 0, 10_000);
        assertThat(got).as(sessions.get(s)).hasSize(300);
        for (int i = 0; i < got.size(); i++) {
          assertThat(got.get(i).msgId()).isEqualTo(s * 1000L + i + 1);
        }
        assertThat(chain.last(sessions.get(s))).get()
            .extracting(SessionEntry::msgId).isEqualTo(s * 1000L + 300);
      }
    }
  }

  @Test
  void badIdsAreRejected() {
    assertThatThrownBy(() -> ChainKeys.sessionEntry("a/b", 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sessionId");
    assertThatThrownBy(() -> ChainKeys.userEntry("", 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("userId");
    assertThatThrownBy(() -> ChainKeys.sessionHead(null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ChainKeys.dedup("u", "d/x", "c"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deviceId");
    assertThatThrownBy(() -> ChainKeys.dedup("u", "d", ""))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("clientMsgId");
    assertThatThrownBy(() -> ChainKeys.body(-1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("msgId");
  }

  @Test
  void prefixEnd() {
    assertThat(ChainKeys.prefixEnd(new byte[] {1, 2})).containsExactly(1, 3);
    assertThat(ChainKeys.prefixEnd(new byte[] {1, (byte) 0xFF})).containsExactly(2);
    assertThat(ChainKeys.prefixEnd(new byte[] {(byte) 0xFF, (byte) 0xFF})).isNull();
  }
}
