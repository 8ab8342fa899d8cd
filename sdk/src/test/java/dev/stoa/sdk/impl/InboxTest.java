package dev.stoa.sdk.impl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.proto.client.Message;
import dev.stoa.proto.client.Messages;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * GIVEN messages fed to an {@link Inbox} WHEN pulls are answered (or not) THEN the deliveries, acks
 * and pull requests happen in the expected order. Messages are named by their seq; msgId = base of
 * the session + seq.
 */
class InboxTest {
  static final String S = "c2c:alice:bob";
  static final String G = "group:g1";

  /** Records every effect as a line, and holds each pull's promise for the test to answer. */
  static final class Recorder implements Inbox.Effects {
    final List<String> log = new ArrayList<>();
    final List<Promise<Messages>> pulls = new ArrayList<>();

    @Override
    public Future<Messages> pull(String sessionId, long afterSeq, int limit) {
      log.add("pull " + sessionId + " after " + afterSeq + " limit " + limit);
      Promise<Messages> promise = Promise.promise();
      pulls.add(promise);
      return promise.future();
    }

    @Override
    public void deliver(Message message) {
      log.add("deliver " + message.getSessionId() + " " + message.getSeq());
    }

    @Override
    public void ack(String sessionId, long msgId) {
      log.add("ack " + sessionId + " " + (msgId - base(sessionId)));
    }

    @Override
    public void gapPullFailed(String sessionId, long afterSeq, Throwable cause) {
      log.add("gap failed " + sessionId + " after " + afterSeq);
    }

    List<String> take() {
      List<String> copy = List.copyOf(log);
      log.clear();
      return copy;
    }
  }

  final Recorder effects = new Recorder();
  final Inbox inbox = new Inbox(effects, 2, 1000);

  static long base(String session) {
    return switch (session) {
      case S -> 1000;
      case G -> 2000;
      default -> 3000;
    };
  }

  static Message msg(String session, long seq, long preSeq) {
    return Message.newBuilder().setSessionId(session).setSeq(seq).setPreSeq(preSeq).setMsgId(base(session) + seq)
        .setBody("m" + seq).build();
  }

  static Message msg(long seq) {
    return msg(S, seq, seq - 1);
  }

  static Messages page(boolean hasMore, Message... messages) {
    return Messages.newBuilder().setSessionId(S).addAllMessages(List.of(messages)).setHasMore(hasMore).build();
  }

  @Test
  void inOrderPushesAreDeliveredThenAcked() {
    inbox.offerPush(msg(1));
    inbox.offerPush(msg(2));
    assertThat(effects.take()).containsExactly("deliver c2c:alice:bob 1", "ack c2c:alice:bob 1",
        "deliver c2c:alice:bob 2", "ack c2c:alice:bob 2");
    assertThat(inbox.lastSeq(S)).hasValue(2);
  }

  @Test
  void theFirstMessageOfAnUnseenSessionIsDeliveredWithoutPullingItsPast() {
    inbox.offerPush(msg(S, 41, 40));
    assertThat(effects.take()).containsExactly("deliver c2c:alice:bob 41", "ack c2c:alice:bob 41");
  }

  @Test
  void duplicatesAreAckedButNotDeliveredAgain() {
    inbox.offerPush(msg(1));
    inbox.offerPush(msg(2));
    effects.take();
    inbox.offerPush(msg(2)); // retransmit: same msgId
    inbox.offerPush(msg(S, 1, 0).toBuilder().setMsgId(5555).build()); // seq < last, msgId unknown
    inbox.offerPush(msg(S, 2, 1).toBuilder().setMsgId(6666).build()); // seq == last, msgId unknown
    assertThat(effects.take()).containsExactly("ack c2c:alice:bob 2", "ack c2c:alice:bob 4555", "ack c2c:alice:bob 5666");
  }

  @Test
  void aGapIsPulledAndDeliveredInSeqOrderBeforeThePushAndWhatQueuedBehindIt() {
    inbox.offerPush(msg(2));
    effects.take();

    inbox.offerPush(msg(5)); // preSeq 4 > last 2
    inbox.offerPush(msg(6)); // queued behind 5
    inbox.offerPush(msg(G, 1, 0)); // another session is not held up
    assertThat(effects.take()).containsExactly("pull c2c:alice:bob after 2 limit 2", "deliver group:g1 1", "ack group:g1 1");
    assertThat(inbox.whenSettled().isComplete()).isFalse();

    effects.pulls.get(0).complete(page(false, msg(4), msg(3))); // any order in the page
    assertThat(effects.take()).containsExactly(
        "deliver c2c:alice:bob 3", "deliver c2c:alice:bob 4",
        "deliver c2c:alice:bob 5", "ack c2c:alice:bob 5",
        "deliver c2c:alice:bob 6", "ack c2c:alice:bob 6");
    assertThat(inbox.whenSettled().isComplete()).isTrue();
  }

  @Test
  void aLongGapIsPulledPageByPage() {
    inbox.offerPush(msg(1));
    effects.take();
    inbox.offerPush(msg(6));
    assertThat(effects.take()).containsExactly("pull c2c:alice:bob after 1 limit 2");
    effects.pulls.get(0).complete(page(true, msg(2), msg(3)));
    assertThat(effects.take()).containsExactly("deliver c2c:alice:bob 2", "deliver c2c:alice:bob 3",
        "pull c2c:alice:bob after 3 limit 2");
    effects.pulls.get(1).complete(page(true, msg(4), msg(5)));
    assertThat(effects.take()).containsExactly("deliver c2c:alice:bob 4", "deliver c2c:alice:bob 5",
        "deliver c2c:alice:bob 6", "ack c2c:alice:bob 6");
  }

  @Test
  void aPulledPageThatAlsoHoldsThePushDeliversItOnceAndStillAcksIt() {
    inbox.offerPush(msg(1));
    effects.take();
    inbox.offerPush(msg(3));
    effects.pulls.get(0).complete(page(false, msg(2), msg(3)));
    assertThat(effects.take()).containsExactly("pull c2c:alice:bob after 1 limit 2",
        "deliver c2c:alice:bob 2", "deliver c2c:alice:bob 3", "ack c2c:alice:bob 3");
  }

  @Test
  void aSeqJumpAfterSequencerFailoverCostsOneEmptyPullNotALoop() {
    inbox.offerPush(msg(7));
    effects.take();
    inbox.offerPush(msg(S, 1001, 1000)); // the sequencer jumped; seq 8..1000 never existed
    effects.pulls.get(0).complete(page(false));
    assertThat(effects.take()).containsExactly("pull c2c:alice:bob after 7 limit 2",
        "deliver c2c:alice:bob 1001", "ack c2c:alice:bob 1001");
    inbox.offerPush(msg(1002));
    assertThat(effects.take()).containsExactly("deliver c2c:alice:bob 1002", "ack c2c:alice:bob 1002");
  }

  @Test
  void aFailedGapPullDropsTheWaitingPushesUnackedAndTheNextPushPullsAgain() {
    inbox.offerPush(msg(1));
    effects.take();
    inbox.offerPush(msg(4));
    inbox.offerPush(msg(5));
    effects.pulls.get(0).fail(new IllegalStateException("connection lost"));
    assertThat(effects.take()).containsExactly("pull c2c:alice:bob after 1 limit 2", "gap failed c2c:alice:bob after 1");
    assertThat(inbox.lastSeq(S)).hasValue(1);
    assertThat(inbox.whenSettled().isComplete()).isTrue();

    inbox.offerPush(msg(5)); // the server retransmits the unacked push
    effects.pulls.get(1).complete(page(false, msg(2), msg(3), msg(4)));
    assertThat(effects.take()).containsExactly("pull c2c:alice:bob after 1 limit 2",
        "deliver c2c:alice:bob 2", "deliver c2c:alice:bob 3", "deliver c2c:alice:bob 4",
        "deliver c2c:alice:bob 5", "ack c2c:alice:bob 5");
  }

  @Test
  void syncPagesAreDeliveredWithoutAcksInSeqOrderPerSessionAndDeduplicated() {
    inbox.offerPush(msg(1));
    effects.take();
    // user-chain order S3 G2 S2 G1 S1 becomes S1(dup) G1 S2 G2 S3: each session sorted in its own slots
    inbox.offerSynced(List.of(msg(3), msg(G, 2, 1), msg(2), msg(G, 1, 0), msg(1)));
    assertThat(effects.take()).containsExactly(
        "deliver group:g1 1", "deliver c2c:alice:bob 2", "deliver group:g1 2", "deliver c2c:alice:bob 3");
    inbox.offerSynced(List.of(msg(3), msg(4)));
    assertThat(effects.take()).containsExactly("deliver c2c:alice:bob 4");
  }

  @Test
  void aSyncedMessageAheadOfAKnownSessionPullsTheGapToo() {
    inbox.offerPush(msg(1));
    effects.take();
    inbox.offerSynced(List.of(msg(4)));
    assertThat(effects.take()).containsExactly("pull c2c:alice:bob after 1 limit 2");
    Future<Void> settled = inbox.whenSettled();
    effects.pulls.get(0).complete(page(false, msg(2), msg(3)));
    assertThat(effects.take()).containsExactly("deliver c2c:alice:bob 2", "deliver c2c:alice:bob 3", "deliver c2c:alice:bob 4");
    assertThat(settled.succeeded()).isTrue();
  }

  @Test
  void aNotifyPullsUpToTheLatestSeq() {
    inbox.offerPush(msg(1));
    effects.take();
    inbox.onNotify(S, 3);
    effects.pulls.get(0).complete(page(true, msg(2), msg(3)));
    assertThat(effects.take()).containsExactly("pull c2c:alice:bob after 1 limit 2",
        "deliver c2c:alice:bob 2", "deliver c2c:alice:bob 3");
    inbox.onNotify(S, 3); // nothing new
    assertThat(effects.take()).isEmpty();
  }

  @Test
  void aNotifyForAnUnseenSessionPullsOnlyTheRecentPage() {
    inbox.onNotify("room:r1", 500);
    assertThat(effects.take()).containsExactly("pull room:r1 after 498 limit 2");
  }

  @Test
  void stoppedInboxDeliversNothing() {
    inbox.offerPush(msg(1));
    inbox.offerPush(msg(3));
    effects.take();
    inbox.stop();
    effects.pulls.get(0).complete(page(false, msg(2)));
    inbox.offerPush(msg(4));
    assertThat(effects.take()).isEmpty();
  }

  @Test
  void orderedWithinSessionsKeepsEachSessionsSlots() {
    List<Message> page = List.of(msg(9), msg(G, 5, 4), msg(7), msg(8), msg(G, 4, 3));
    assertThat(Inbox.orderedWithinSessions(page)).extracting(m -> m.getSessionId().charAt(0) + "" + m.getSeq())
        .containsExactly("c7", "g4", "c8", "c9", "g5");
  }
}
