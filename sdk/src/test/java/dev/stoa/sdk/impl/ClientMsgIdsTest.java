package dev.stoa.sdk.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientMsgIdsTest {

  @Test
  void idsAreUniqueAcrossThreadsAndValidForTheProtocol() throws Exception {
    ClientMsgIds ids = new ClientMsgIds("phone-1", new Random(7));
    Set<String> seen = ConcurrentHashMap.newKeySet();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> jobs = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        jobs.add(pool.submit(() -> {
          for (int i = 0; i < 50_000; i++) {
            seen.add(ids.next());
          }
        }));
      }
      for (Future<?> job : jobs) {
        job.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(seen).hasSize(200_000);
    assertThat(seen).allMatch(id -> id.matches("phone-1-[0-9a-z]+-[0-9a-z]+") && id.length() <= 64);
  }

  @Test
  void twoInstancesOfOneDeviceDoNotCollide() {
    ClientMsgIds before = new ClientMsgIds("phone-1", new Random(1));
    ClientMsgIds after = new ClientMsgIds("phone-1", new Random(2));
    Set<String> all = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      all.add(before.next());
      all.add(after.next());
    }
    assertThat(all).hasSize(2000);
  }

  @Test
  void theLongestDeviceIdStillGivesIdsWithin64Chars() {
    ClientMsgIds ids = new ClientMsgIds("d".repeat(64), new Random(3) {
      @Override
      public long nextLong() {
        return -1L; // the longest tag
      }
    });
    for (int i = 0; i < 10; i++) {
      ids.next();
    }
    String id = ids.next();
    assertThat(id).startsWith("d".repeat(24) + "-").hasSizeLessThanOrEqualTo(64);
    // the counter at its largest value still fits: 24 + 1 + 10 + 1 + 13
    assertThat(24 + 1 + Long.toString(-1L >>> 14, 36).length() + 1 + Long.toString(Long.MAX_VALUE, 36).length())
        .isLessThanOrEqualTo(64);
  }

  @Test
  void anUnknownDeviceIdUsesAPlaceholderPrefix() {
    assertThat(new ClientMsgIds(null, new Random(4)).next()).startsWith("c-");
    assertThat(new ClientMsgIds("bad id!", new Random(4)).next()).startsWith("c-");
  }
}
