package dev.stoa.index.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.proto.client.Message;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class SessionRingTest {
  static Message msg(long seq) {
    return Message.newBuilder().setSessionId("room:r").setSeq(seq).setMsgId(1000 + seq).build();
  }

  static List<Long> seqs(List<Message> ms) {
    return ms.stream().map(Message::getSeq).toList();
  }

  @Test
  void readsARangeAndDropsTheOldestWhenFull() {
    SessionRing ring = new SessionRing(4);
    assertThat(ring.read(0, 10)).isEmpty();
    assertThat(ring.newestSeq()).isZero();
    for (long s = 1; s <= 6; s++) {
      ring.add(msg(s));
    }
    assertThat(ring.size()).isEqualTo(4);
    assertThat(ring.oldestSeq()).isEqualTo(3);
    assertThat(ring.newestSeq()).isEqualTo(6);
    assertThat(seqs(ring.read(0, 10))).containsExactly(3L, 4L, 5L, 6L);
    assertThat(seqs(ring.read(4, 1))).containsExactly(5L);
    assertThat(ring.hasMoreAfter(4, 1)).isTrue();
    assertThat(ring.hasMoreAfter(4, 2)).isFalse();
    assertThat(ring.read(6, 10)).isEmpty();
  }

  @Test
  void keepsGapsAndRefusesSeqsThatDoNotAscend() {
    SessionRing ring = new SessionRing(8);
    ring.add(msg(1));
    ring.add(msg(5));
    assertThat(seqs(ring.read(1, 10))).containsExactly(5L);
    assertThat(seqs(ring.read(2, 10))).containsExactly(5L);
    assertThatThrownBy(() -> ring.add(msg(5))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("seq 5 is not above the newest seq 5");
  }

  /** Against a list model: any ascending seqs, any capacity, any read. */
  @Property(tries = 200)
  void matchesAListOfTheNewestMessages(@ForAll @Size(max = 60) List<@IntRange(min = 1, max = 3) Integer> steps,
      @ForAll @IntRange(min = 1, max = 16) int capacity, @ForAll @LongRange(min = 0, max = 200) long afterSeq,
      @ForAll @IntRange(min = 1, max = 20) int limit) {
    SessionRing ring = new SessionRing(capacity);
    List<Long> model = new ArrayList<>();
    long seq = 0;
    for (int step : steps) {
      seq += step;
      ring.add(msg(seq));
      model.add(seq);
      if (model.size() > capacity) {
        model.removeFirst();
      }
    }
    List<Long> expected = model.stream().filter(s -> s > afterSeq).limit(limit).toList();
    assertThat(seqs(ring.read(afterSeq, limit))).isEqualTo(expected);
    assertThat(ring.hasMoreAfter(afterSeq, expected.size()))
        .isEqualTo(model.stream().filter(s -> s > afterSeq).count() > expected.size());
  }
}
