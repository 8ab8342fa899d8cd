package dev.stoa.sdk.impl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.proto.client.Code;
import dev.stoa.proto.client.Error;
import dev.stoa.proto.client.Frame;
import dev.stoa.proto.client.Messages;
import dev.stoa.proto.client.SyncResult;
import dev.stoa.sdk.StoaClientException;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestQueueTest {
  final ManualTimers timers = new ManualTimers();
  final RequestQueue queue = new RequestQueue(timers, 1000);
  final List<Frame> wire = new ArrayList<>();

  Future<Frame> pull(String session) {
    return queue.issue(RequestQueue.Kind.PULL, "pull{" + session + "}", ClientFrames.pull(session, 0, 10), wire::add);
  }

  Future<Frame> sync(long cursor) {
    return queue.issue(RequestQueue.Kind.SYNC, "sync{" + cursor + "}", ClientFrames.sync(cursor, 10), wire::add);
  }

  static Frame messages(String session) {
    return Frame.newBuilder().setMessages(Messages.newBuilder().setSessionId(session)).build();
  }

  static Frame syncResult(long cursor) {
    return Frame.newBuilder().setSyncResult(SyncResult.newBuilder().setCursor(cursor)).build();
  }

  @Test
  void answersGoToTheOldestRequestOfTheirKind() {
    Future<Frame> p1 = pull("a");
    Future<Frame> s1 = sync(0);
    Future<Frame> p2 = pull("b");
    assertThat(wire).hasSize(3);
    assertThat(queue.onAnswer(syncResult(9))).isTrue();
    assertThat(queue.onAnswer(messages("a"))).isTrue();
    assertThat(queue.onAnswer(messages("b"))).isTrue();
    assertThat(s1.result().getSyncResult().getCursor()).isEqualTo(9);
    assertThat(p1.result().getMessages().getSessionId()).isEqualTo("a");
    assertThat(p2.result().getMessages().getSessionId()).isEqualTo("b");
    assertThat(queue.onAnswer(messages("c"))).as("unrequested").isFalse();
  }

  @Test
  void anUncorrelatedErrorFailsTheOldestRequest() {
    Future<Frame> p1 = pull("forbidden");
    Future<Frame> s1 = sync(0);
    assertThat(queue.onUncorrelatedError(Error.newBuilder().setCode(Code.FORBIDDEN).setMessage("sessionId: not a member").build()))
        .isTrue();
    assertThat(((StoaClientException) p1.cause()).code()).isEqualTo(Code.FORBIDDEN);
    assertThat(p1.cause()).hasMessage("FORBIDDEN: sessionId: not a member (answer to pull{forbidden})");
    assertThat(s1.isComplete()).isFalse();
    queue.onAnswer(syncResult(1));
    assertThat(s1.succeeded()).isTrue();
    assertThat(queue.onUncorrelatedError(Error.newBuilder().setCode(Code.BAD_REQUEST).build())).isFalse();
  }

  @Test
  void aTimedOutRequestKeepsItsPlaceSoItsLateAnswerIsNotHandedToTheNext() {
    Future<Frame> slow = pull("a");
    timers.advance(1000);
    assertThat(slow.cause()).hasMessage("UNAVAILABLE: no messages answer to pull{a} within 1000 ms");
    Future<Frame> next = pull("b");
    assertThat(queue.onAnswer(messages("a"))).isTrue(); // the late answer, consumed by the tombstone
    assertThat(next.isComplete()).isFalse();
    queue.onAnswer(messages("b"));
    assertThat(next.result().getMessages().getSessionId()).isEqualTo("b");
    assertThat(queue.size()).isZero();
  }

  @Test
  void failAllFailsEveryOutstandingRequestAndCancelsTimers() {
    Future<Frame> p1 = pull("a");
    Future<Frame> s1 = sync(0);
    queue.failAll(new StoaClientException(Code.UNAVAILABLE, "connection lost"));
    assertThat(p1.failed()).isTrue();
    assertThat(s1.failed()).isTrue();
    assertThat(timers.pending()).isZero();
  }
}
