package dev.stoa.index.wal.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.index.wal.WalCorruptionException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentListTest {
  private static final int SEGMENT_BYTES = 4096;
  private static final int INTERVAL = 128;
  private static final long T0 = 1_700_000_000_000L;
  /** Bytes each test record takes in a segment: 100 payload bytes, framed and aligned. */
  private static final int FRAMED = RecordFormat.align(RecordFormat.framedSize(100));

  @TempDir
  Path dir;

  private final CRC32C crc = new CRC32C();
  private SegmentList list;

  /** Segments [0, 3), [3, 6), [6, 9): three records each, record {@code o} stamped {@code T0 + o}. */
  @BeforeEach
  void threeSegments() throws IOException {
    list = new SegmentList(dir, List.of(Segment.create(dir, 0, SEGMENT_BYTES, INTERVAL)), SEGMENT_BYTES, INTERVAL);
    for (long o = 0; o < 9; o++) {
      if (o > 0 && o % 3 == 0) {
        list.roll(o);
      }
      list.active().write(o, 1, T0 + o, new byte[100], crc);
    }
  }

  @AfterEach
  void close() {
    List<Segment> failed = new ArrayList<>();
    list.closeAll((s, e) -> failed.add(s));
    assertThat(failed).isEmpty();
  }

  private static List<Long> bases(Segment[] segs) {
    return Arrays.stream(segs).map(Segment::baseOffset).toList();
  }

  @Test
  void findsTheSegmentHoldingAnOffset() {
    assertThat(bases(list.snapshot())).containsExactly(0L, 3L, 6L);
    assertThat(list.count()).isEqualTo(3);
    assertThat(list.startOffset()).isZero();
    assertThat(list.active().baseOffset()).isEqualTo(6);
    assertThat(list.bytes()).isEqualTo(9L * FRAMED);
    assertThat(list.floor(0).baseOffset()).isZero();
    assertThat(list.floor(2).baseOffset()).isZero();
    assertThat(list.floor(3).baseOffset()).isEqualTo(3);
    assertThat(list.floor(5).baseOffset()).isEqualTo(3);
    assertThat(list.floor(8).baseOffset()).isEqualTo(6);
    assertThat(list.floor(1_000).baseOffset()).isEqualTo(6);
    assertThat(SegmentList.floorIndex(list.snapshot(), 4)).isEqualTo(1);
    assertThat(list.floor(4).positionOf(4)).isEqualTo(FRAMED);
  }

  @Test
  void rollAddsAnEmptyActiveSegmentFileAtTheNextOffset() throws IOException {
    Segment rolled = list.roll(9);
    assertThat(list.active()).isSameAs(rolled);
    assertThat(rolled.isEmpty()).isTrue();
    assertThat(rolled.capacity()).isEqualTo(SEGMENT_BYTES);
    assertThat(dir.resolve(Segment.logFileName(9))).exists();
    assertThat(list.floor(9)).isSameAs(rolled);
    assertThat(list.floor(8).baseOffset()).isEqualTo(6);
  }

  @Test
  void retentionTakesOnlyWholeSegmentsBelowThePointAndNeverTheActiveOne() throws IOException {
    long now = T0 + 1_000;
    // by age: segment [0, 3) ends at T0 + 2, [3, 6) at T0 + 5; 997 ms keeps the second
    assertThat(list.retainable(Long.MAX_VALUE, now, 997, -1)).isEqualTo(1);
    assertThat(list.retainable(Long.MAX_VALUE, now, 990, -1)).isEqualTo(2);
    // the active segment stays even when all is old
    assertThat(list.retainable(Long.MAX_VALUE, now, 0, -1)).isEqualTo(2);
    // only segments wholly below the retention point: [3, 6) needs 6
    assertThat(list.retainable(6, now, 0, -1)).isEqualTo(2);
    assertThat(list.retainable(5, now, 0, -1)).isEqualTo(1);
    assertThat(list.retainable(3, now, 0, -1)).isEqualTo(1);
    assertThat(list.retainable(2, now, 0, -1)).isZero();
    // by size: oldest first while the segments hold more than the limit
    assertThat(list.retainable(Long.MAX_VALUE, now, -1, 9L * FRAMED)).isZero();
    assertThat(list.retainable(Long.MAX_VALUE, now, -1, 9L * FRAMED - 1)).isEqualTo(1);
    assertThat(list.retainable(Long.MAX_VALUE, now, -1, 6L * FRAMED)).isEqualTo(1);
    assertThat(list.retainable(Long.MAX_VALUE, now, -1, 6L * FRAMED - 1)).isEqualTo(2);
    assertThat(list.retainable(Long.MAX_VALUE, now, -1, 0)).isEqualTo(2);
    assertThat(list.retainable(Long.MAX_VALUE, now, -1, -1)).isZero();

    List<Segment> dropped = list.dropOldest(list.retainable(Long.MAX_VALUE, now, 997, -1));
    assertThat(bases(dropped.toArray(Segment[]::new))).containsExactly(0L);
    assertThat(bases(list.snapshot())).containsExactly(3L, 6L);
    assertThat(list.startOffset()).isEqualTo(3);
    assertThat(list.floor(0).baseOffset()).isEqualTo(3);
    assertThat(list.bytes()).isEqualTo(6L * FRAMED);
    // deleting is the log's job: the file is still there until it does
    assertThat(dir.resolve(Segment.logFileName(0))).exists();
    dropped.getFirst().delete();
    assertThat(dir.resolve(Segment.logFileName(0))).doesNotExist();
    assertThatThrownBy(() -> list.dropOldest(2)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void truncationCutsTheSegmentHoldingTheOffsetAndTakesTheLaterOnes() throws IOException {
    Segment middle = list.floor(3);
    SegmentList.Cut cut = list.truncateTo(4);
    assertThat(cut.segment()).isSameAs(middle);
    assertThat(cut.position()).isEqualTo(FRAMED);
    assertThat(cut.oldPosition()).isEqualTo(3 * FRAMED);
    assertThat(cut.wasActive()).isFalse();
    assertThat(bases(cut.removed().toArray(Segment[]::new))).containsExactly(6L);
    assertThat(bases(list.snapshot())).containsExactly(0L, 3L);
    assertThat(list.active()).isSameAs(middle);
    assertThat(middle.nextOffset()).isEqualTo(4);
    assertThat(middle.position()).isEqualTo(FRAMED);
    assertThat(middle.lastTimestamp()).isEqualTo(T0 + 3);
    assertThat(middle.positionOf(4)).isEqualTo(-1);
    assertThat(list.floor(8)).isSameAs(middle);
    assertThat(list.bytes()).isEqualTo(4L * FRAMED);
    cut.removed().getFirst().delete();

    // cutting the active segment at its base empties it
    SegmentList.Cut again = list.truncateTo(3);
    assertThat(again.wasActive()).isTrue();
    assertThat(again.removed()).isEmpty();
    assertThat(list.active().isEmpty()).isTrue();
    assertThat(list.active().lastTimestamp()).isZero();
    assertThat(list.bytes()).isEqualTo(3L * FRAMED);
  }

  @Test
  void truncationToADamagedRecordChangesNothing() throws IOException {
    Segment middle = list.floor(3);
    middle.memory().set(RecordFormat.LONG, FRAMED + RecordFormat.OFFSET_AT, 99L); // record 4 claims offset 99
    assertThatThrownBy(() -> list.truncateTo(4)).isInstanceOf(WalCorruptionException.class)
        .hasMessageContaining("offset 4 not found").hasMessageContaining(middle.logPath().toString());
    assertThat(bases(list.snapshot())).containsExactly(0L, 3L, 6L);
    assertThat(middle.nextOffset()).isEqualTo(6);
    assertThat(Files.size(dir.resolve(Segment.logFileName(6)))).isEqualTo(SEGMENT_BYTES);
  }
}
