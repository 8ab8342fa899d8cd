package dev.stoa.bench.impl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The push accounting of a room member, fed frames directly (no connection). */
class RoomMemberTest {
  final RoomStats stats = new RoomStats();
  final RoomProgress progress = new RoomProgress();
  final long now = System.nanoTime();
  final RunWindow window = new RunWindow(now - 10_000_000_000L, now - 5_000_000_000L, now + 60_000_000_000L);

  RoomMember member(boolean freshRoom) {
    RoomMember m = new RoomMember("ws://127.0.0.1:1/v1/ws", "u1", "t", "d", "lobby", freshRoom, new JsonStoaCodec(),
        stats, progress, 64);
    m.measure(window);
    return m;
  }

  void push(RoomMember m, long seq) {
    m.push("room:lobby", 1000 + seq, seq, seq - 1, "pub", Body.make(System.nanoTime() - 1_000_000, seq, 64));
  }

  @Test
  void seqsOneToLastInOrderMakeACompleteMember() {
    RoomMember m = member(true);
    for (long seq = 1; seq <= 5; seq++) {
      push(m, seq);
    }

    assertThat(m.complete(5)).isTrue();
    assertThat(m.complete(6)).as("seq 6 was acked but never pushed").isFalse();
    assertThat(stats.windowDeliveries()).isEqualTo(5);
    assertThat(progress.windowDeliveries.sum()).isEqualTo(5);
    assertThat(stats.latencyMicros().getTotalCount()).isEqualTo(5);
    assertThat(stats.latencyMicros().getMinValue()).isGreaterThanOrEqualTo(1000);
    assertThat(stats.duplicates() + stats.outOfOrder() + stats.gapSeqs()).isZero();
  }

  @Test
  void gapsDuplicatesAndDisorderAreCountedAndSpoilCompleteness() {
    RoomMember m = member(true);
    push(m, 1);
    push(m, 2);
    push(m, 4); // gap of one
    push(m, 4); // duplicate
    push(m, 3); // fills the gap, out of order

    assertThat(stats.gapSeqs()).isEqualTo(1);
    assertThat(stats.duplicates()).isEqualTo(1);
    assertThat(stats.outOfOrder()).isEqualTo(1);
    assertThat(stats.windowDeliveries()).as("first pushes only").isEqualTo(4);
    assertThat(m.complete(4)).as("every seq arrived, but not in order").isFalse();
  }

  @Test
  void aMissingSeqIsNotComplete() {
    RoomMember m = member(true);
    push(m, 1);
    push(m, 3);

    assertThat(m.complete(3)).isFalse();
    assertThat(stats.gapSeqs()).isEqualTo(1);
  }

  @Test
  void inARoomOfUnknownHeadTheFirstPushIsTheBaselineAndNoMemberIsComplete() {
    RoomMember m = member(false);
    push(m, 41);
    push(m, 42);

    assertThat(stats.gapSeqs()).isZero();
    assertThat(stats.windowDeliveries()).isEqualTo(2);
    assertThat(m.complete(42)).isFalse();
  }

  @Test
  void pushesOfAnotherSessionAreErrors() {
    RoomMember m = member(true);
    m.push("room:other", 1, 1, 0, "pub", Body.make(System.nanoTime(), 0, 64));

    assertThat(stats.errors()).containsEntry("push of another session", 1L);
    assertThat(stats.windowDeliveries()).isZero();
  }
}
