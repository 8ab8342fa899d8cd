package dev.stoa.cluster.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AnnouncementCacheTest {
  static final UUID M1 = UUID.randomUUID();
  static final UUID M2 = UUID.randomUUID();
  final AtomicLong now = new AtomicLong(100);
  final AnnouncementCache cache = new AnnouncementCache(now::get);

  static String value(int port, UUID member) {
    return "127.0.0.1:" + port + "|" + member;
  }

  @Test
  void eventsAddUpdateAndRemove() {
    cache.put("writer/w1", value(1, M1));
    cache.put("writer/w1", value(2, M1));
    assertThat(cache.get("writer/w1").port()).isEqualTo(2);
    cache.remove("writer/w1");
    assertThat(cache.get("writer/w1")).isNull();
  }

  @Test
  void malformedEntriesAreIgnored() {
    cache.put("writer/w1", "garbage");
    cache.reconcile(Map.of("bogus", "x"), now.get());
    assertThat(cache.all()).isEmpty();
  }

  @Test
  void reconcileReplacesWhatNoNewerEventTaught() {
    cache.put("writer/old", value(1, M1));
    now.set(200);
    cache.reconcile(Map.of("writer/w2", value(2, M2)), 150);
    assertThat(cache.get("writer/old")).isNull();
    assertThat(cache.get("writer/w2").port()).isEqualTo(2);
  }

  @Test
  void aReadOlderThanAnEventDoesNotUndoIt() {
    // GIVEN a full read starts at 150, THEN events at 200 add w-new, update w-upd and remove w-gone
    cache.reconcile(Map.of("writer/w-upd", value(1, M1), "writer/w-gone", value(1, M1)), 50);
    now.set(200);
    cache.put("writer/w-new", value(3, M1));
    cache.put("writer/w-upd", value(4, M1));
    cache.remove("writer/w-gone");
    // WHEN the read (which saw the state before the events) is applied
    cache.reconcile(Map.of("writer/w-upd", value(1, M1), "writer/w-gone", value(1, M1)), 150);
    // THEN the events win
    assertThat(cache.get("writer/w-new")).isNotNull();
    assertThat(cache.get("writer/w-upd").port()).isEqualTo(4);
    assertThat(cache.get("writer/w-gone")).isNull();
    // and a later read is authoritative again
    cache.reconcile(Map.of("writer/w-gone", value(5, M1)), 300);
    assertThat(cache.get("writer/w-gone").port()).isEqualTo(5);
    assertThat(cache.get("writer/w-new")).isNull();
  }

  @Test
  void removeMemberForgetsItsEntries() {
    cache.put("writer/w1", value(1, M1));
    cache.put("state/s1", value(1, M1));
    cache.put("state/s2", value(2, M2));
    cache.removeMember(M1);
    assertThat(cache.all()).extracting(Announcement::instanceId).containsExactly("s2");
  }
}
