package dev.stoa.kv.chain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.kv.KvBatch;
import dev.stoa.kv.KvStore;
import dev.stoa.kv.RocksDbKvStore;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChainsTest {
  @TempDir Path tmp;
  private KvStore store;
  private SessionChain sessions;
  private UserChain users;

  @BeforeEach
  void open() {
    store = RocksDbKvStore.open(tmp.resolve("kv"));
    sessions = new SessionChain(store);
    users = new UserChain(store);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private void appendSession(String sid, int from, int to) {
    KvBatch batch = KvBatch.durable();
    for (int seq = from; seq <= to; seq++) {
      sessions.append(batch, sid, new SessionEntry(seq, 100L * seq, seq - 1, 100L * (seq - 1)));
    }
    store.write(batch);
  }

  @Test
  void sessionRangeAfterSeqWithLimit() {
    assertThat(sessions.range("c2c:a:b", 0, 10)).isEmpty();
    assertThat(sessions.last("c2c:a:b")).isEmpty();
    appendSession("c2c:a:b", 1, 300);
    assertThat(sessions.range("c2c:a:b", 0, 5)).extracting(SessionEntry::seq)
        .containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(sessions.range("c2c:a:b", 254, 4)).extracting(SessionEntry::seq)
        .containsExactly(255L, 256L, 257L, 258L);
    assertThat(sessions.range("c2c:a:b", 298, 100)).extracting(SessionEntry::seq)
        .containsExactly(299L, 300L);
    assertThat(sessions.range("c2c:a:b", 300, 100)).isEmpty();
    assertThat(sessions.range("c2c:a:b", 0, 0)).isEmpty();
    assertThat(sessions.range("c2c:a:b", 0, 1000)).hasSize(300);
    assertThat(sessions.range("c2c:a:b", 10, 1).getFirst())
        .isEqualTo(new SessionEntry(11, 1100, 10, 1000));
    assertThat(sessions.last("c2c:a:b")).contains(new SessionEntry(300, 30_000, 299, 29_900));
  }

  @Test
  void reappendingTheSameBatchIsIdempotent() {
    appendSession("s1", 1, 3);
    appendSession("s1", 2, 3);
    assertThat(sessions.range("s1", 0, 10)).extracting(SessionEntry::seq)
        .containsExactly(1L, 2L, 3L);
  }

  @Test
  void appendPutsOnlyTheEntryAndLastFindsTheNewestBesideNeighbouringSessions() {
    KvBatch batch = KvBatch.durable();
    sessions.append(batch, "s", new SessionEntry(1, 10, 0, 0));
    assertThat(batch.size()).as("one key per message: no last pointer").isEqualTo(1);
    assertThat(sessions.last("s")).isEmpty();
    store.write(batch);
    assertThat(sessions.last("s")).contains(new SessionEntry(1, 10, 0, 0));
    appendSession("s-", 1, 9); // sorts below "s/" + "s/"
    appendSession("s:x", 1, 7); // sorts above the range of "s"
    appendSession("s", 2, 3);
    assertThat(sessions.last("s")).contains(new SessionEntry(3, 300, 2, 200));
    assertThat(sessions.last("s-")).get().extracting(SessionEntry::seq).isEqualTo(9L);
    assertThat(sessions.last("s:x")).get().extracting(SessionEntry::seq).isEqualTo(7L);
    assertThat(sessions.last("s:")).isEmpty();
  }

  @Test
  void userRangeWithLimitAndNoLeakBetweenUsers() {
    KvBatch batch = KvBatch.durable();
    for (int i = 1; i <= 50; i++) {
      users.append(batch, "bob", new UserEntry(i, i % 2 == 0 ? "c2c:alice:bob" : "group:g", i, 7L * i));
      users.append(batch, "bo", new UserEntry(i, "c2c:bo:x", i, 1_000_000L + i));
      users.append(batch, "bob.x", new UserEntry(i, "c2c:bob.x:y", i, 2_000_000L + i));
    }
    store.write(batch);
    List<UserEntry> page = users.range("bob", 0, 20);
    assertThat(page).hasSize(20);
    assertThat(page).extracting(UserEntry::userSeq).isSorted().startsWith(1L).endsWith(20L);
    assertThat(page.get(1)).isEqualTo(new UserEntry(2, "c2c:alice:bob", 2, 14));
    assertThat(users.range("bob", 20, 1000)).hasSize(30)
        .allSatisfy(e -> assertThat(e.msgId()).isLessThan(1_000_000L));
    assertThat(users.range("bo", 0, 1000)).hasSize(50)
        .allSatisfy(e -> assertThat(e.sessionId()).isEqualTo("c2c:bo:x"));
    assertThat(users.range("bob", 50, 10)).isEmpty();
    assertThat(users.range("nobody", 0, 10)).isEmpty();
  }

  @Test
  void chainsSurviveReopen() {
    appendSession("s", 1, 10);
    KvBatch batch = KvBatch.durable();
    users.append(batch, "u", new UserEntry(1, "s", 1, 100));
    store.write(batch);
    store.close();
    store = RocksDbKvStore.open(tmp.resolve("kv"));
    sessions = new SessionChain(store);
    users = new UserChain(store);
    assertThat(sessions.range("s", 0, 100)).hasSize(10);
    assertThat(sessions.last("s")).get().extracting(SessionEntry::seq).isEqualTo(10L);
    assertThat(users.range("u", 0, 100)).containsExactly(new UserEntry(1, "s", 1, 100));
  }
}
