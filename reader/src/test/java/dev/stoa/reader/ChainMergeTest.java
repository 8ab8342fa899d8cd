package dev.stoa.reader;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChainMergeTest {
  private static final String S = "c2c:alice:bob";
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ChainMerge merge = new ChainMerge(registry);

  /** Messages seq 1..n of session S with msgId 100+seq, each linked to the one before. */
  private static List<ChainRef> chain(int... seqs) {
    List<ChainRef> out = new ArrayList<>();
    for (int seq : seqs) {
      out.add(ref(S, seq, seq - 1));
    }
    return out;
  }

  private static ChainRef ref(String session, long seq, long preSeq) {
    long base = session.equals(S) ? 100 : 200;
    return new ChainRef(session, seq, base + seq, preSeq, preSeq == 0 ? 0 : base + preSeq);
  }

  private double counted() {
    return registry.get("stoa_reader_missing_links").counter().count();
  }

  @Test
  void twoChainsOfOneSessionWhereOneIsBehindMergeComplete() {
    // the TiKV case: the batch of seq 4 and 5 reached the session chain, not yet the user chain
    List<ChainRef> sessionChain = chain(1, 2, 3, 4, 5);
    List<ChainRef> userChain = chain(1, 2, 3);

    MergeResult r = merge.merge(List.of(sessionChain, userChain), Map.of(S, 0L), "test");

    assertThat(r.refs()).extracting(ChainRef::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(r.complete()).isTrue();
    assertThat(counted()).isZero();
  }

  @Test
  void eachChainFillsTheOthersHoleAndDuplicatesAreDropped() {
    MergeResult r = merge.merge(List.of(chain(1, 2, 4, 5), chain(2, 3, 4)), Map.of(S, 0L), "test");
    assertThat(r.refs()).extracting(ChainRef::msgId).containsExactly(101L, 102L, 103L, 104L, 105L);
    assertThat(r.missingLinks()).isEmpty();
  }

  @Test
  void aMessageNeitherChainHoldsIsReportedNotHidden() {
    MergeResult r = merge.merge(List.of(chain(1, 2, 4), chain(1, 2)), Map.of(S, 0L), "test");

    assertThat(r.refs()).extracting(ChainRef::seq).containsExactly(1L, 2L, 4L);
    assertThat(r.missingLinks()).containsExactly(new MissingLink(S, 4, 104, 3, 103, 2, 102));
    assertThat(r.missingLinks().get(0).describe())
        .isEqualTo(S + " seq 4 (msgId 104) links to preSeq 3 / preMsgId 103, but the message before it is seq 2 (msgId 102)");
    assertThat(counted()).isEqualTo(1);
  }

  @Test
  void aDeliberatelyBrokenLinkIsReported() {
    // seq 3 names the right preSeq but a msgId that is not the one of seq 2
    List<ChainRef> broken = new ArrayList<>(chain(1, 2));
    broken.add(new ChainRef(S, 3, 103, 2, 999));
    MergeResult r = merge.merge(List.of(broken), Map.of(), "test");
    assertThat(r.missingLinks()).containsExactly(new MissingLink(S, 3, 103, 2, 999, 2, 102));
    assertThat(counted()).isEqualTo(1);
  }

  @Test
  void theWindowStartIsCheckedWhenKnown() {
    // a pull after seq 1 whose first message names seq 2 as its predecessor: seq 2 is missing
    List<ChainRef> page = chain(3, 4);
    assertThat(ChainMerge.findMissingLinks(page, Map.of(S, 1L)))
        .containsExactly(new MissingLink(S, 3, 103, 2, 102, 1, 0));
    assertThat(ChainMerge.findMissingLinks(page, Map.of(S, 2L))).isEmpty();
    // unknown window start (a sync page): the first message of a session is not checked
    assertThat(ChainMerge.findMissingLinks(page, Map.of())).isEmpty();
  }

  @Test
  void aSeqJumpExplainedByPreSeqIsNoMissingLink() {
    // after a sequencer failover seq jumps from 3 to 1001; preSeq says so
    List<ChainRef> refs = new ArrayList<>(chain(1, 2, 3));
    refs.add(new ChainRef(S, 1001, 1101, 3, 103));
    refs.add(new ChainRef(S, 1002, 1102, 1001, 1101));
    assertThat(merge.merge(List.of(refs), Map.of(S, 0L), "test").missingLinks()).isEmpty();
    // a pull that starts inside the jump is fine too
    assertThat(ChainMerge.findMissingLinks(refs.subList(3, 5), Map.of(S, 500L))).isEmpty();
  }

  @Test
  void sessionsAreLinkedSeparatelyInAMixedPage() {
    String t = "c2c:alice:carol";
    // a user-chain page: messages of two sessions interleaved, in userSeq order
    List<ChainRef> page = List.of(ref(S, 1, 0), ref(t, 1, 0), ref(S, 2, 1), ref(t, 2, 1), ref(t, 4, 3), ref(S, 3, 2));
    MergeResult r = merge.link(page, Map.of(), "test");
    assertThat(r.refs()).isEqualTo(page);
    assertThat(r.missingLinks()).containsExactly(new MissingLink(t, 4, 204, 3, 203, 2, 202));
  }

  @Test
  void twoMessagesClaimingTheSameSeqAreReported() {
    List<ChainRef> refs = List.of(ref(S, 1, 0), new ChainRef(S, 2, 102, 1, 101), new ChainRef(S, 2, 150, 1, 101));
    assertThat(ChainMerge.findMissingLinks(refs, Map.of(S, 0L)))
        .containsExactly(new MissingLink(S, 2, 150, 1, 101, 2, 102));
  }
}
