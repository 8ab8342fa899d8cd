package dev.stoa.sdk.impl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.proto.client.Code;
import dev.stoa.proto.client.Error;
import dev.stoa.proto.client.Frame;
import dev.stoa.proto.client.SendAck;
import dev.stoa.sdk.StoaClientException;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PendingSendsTest {
  final ManualTimers timers = new ManualTimers();
  final PendingSends sends = new PendingSends(timers, 1000, 3);
  final List<Frame> wire = new ArrayList<>();

  static SendAck ack(String clientMsgId, Code code) {
    return SendAck.newBuilder().setClientMsgId(clientMsgId).setSessionId("c2c:a:b").setMsgId(77).setSeq(1).setCode(code).build();
  }

  List<String> sentIds() {
    return wire.stream().map(f -> f.getSend().getClientMsgId()).toList();
  }

  @Test
  void resendsTheSameClientMsgIdOnTimeoutUntilAcked() {
    sends.attach(wire::add);
    Future<SendAck> result = sends.submit("d-x-1", "user:b", "hi");
    timers.advance(999);
    assertThat(sentIds()).containsExactly("d-x-1");
    timers.advance(1);
    assertThat(sentIds()).containsExactly("d-x-1", "d-x-1");
    assertThat(sends.onSendAck(ack("d-x-1", Code.OK))).isTrue();
    assertThat(result.result().getMsgId()).isEqualTo(77);
    timers.advance(10_000);
    assertThat(sentIds()).hasSize(2);
    assertThat(sends.onSendAck(ack("d-x-1", Code.OK))).as("the second ack of a resend").isFalse();
  }

  @Test
  void failsAfterMaxAttemptsTimeouts() {
    sends.attach(wire::add);
    Future<SendAck> result = sends.submit("d-x-1", "user:b", "hi");
    timers.advance(3000);
    assertThat(result.failed()).isTrue();
    assertThat(result.cause()).isInstanceOf(StoaClientException.class)
        .hasMessage("UNAVAILABLE: no sendAck for clientMsgId 'd-x-1' in session 'user:b' after 3 attempts of 1000 ms (3 writes)");
    assertThat(sends.size()).isZero();
    assertThat(timers.pending()).isZero();
  }

  @Test
  void waitsWhileDetachedAndResendsInOrderOnAttachWithoutCountingTheLostAttempt() {
    Future<SendAck> first = sends.submit("d-x-1", "user:b", "one");
    sends.submit("d-x-2", "user:b", "two");
    timers.advance(60_000);
    assertThat(wire).isEmpty();
    sends.attach(wire::add);
    assertThat(sentIds()).containsExactly("d-x-1", "d-x-2");
    timers.advance(2000); // two timeouts
    sends.detach();
    timers.advance(60_000);
    sends.attach(wire::add);
    timers.advance(999);
    assertThat(first.isComplete()).as("the write cut short by the disconnect does not count").isFalse();
    timers.advance(1);
    assertThat(first.failed()).isTrue();
  }

  @Test
  void aServerErrorNamingTheClientMsgIdFailsWithItsCode() {
    sends.attach(wire::add);
    Future<SendAck> result = sends.submit("d-x-1", "group:g", "hi");
    boolean matched = sends.onError(Error.newBuilder().setCode(Code.FORBIDDEN).setMessage("sessionId: not a member")
        .setClientMsgId("d-x-1").build());
    assertThat(matched).isTrue();
    assertThat(((StoaClientException) result.cause()).code()).isEqualTo(Code.FORBIDDEN);
    assertThat(result.cause()).hasMessageContaining("not a member").hasMessageContaining("d-x-1");
    assertThat(sends.onError(Error.newBuilder().setCode(Code.FORBIDDEN).setClientMsgId("other").build())).isFalse();
  }

  @Test
  void unavailableIsRetriedAndOtherAckCodesFail() {
    sends.attach(wire::add);
    Future<SendAck> retried = sends.submit("d-x-1", "user:b", "hi");
    Future<SendAck> refused = sends.submit("d-x-2", "user:b", "x".repeat(10));
    sends.onError(Error.newBuilder().setCode(Code.UNAVAILABLE).setMessage("writer restarting").setClientMsgId("d-x-1").build());
    sends.onSendAck(ack("d-x-2", Code.TOO_LARGE));
    assertThat(retried.isComplete()).isFalse();
    assertThat(((StoaClientException) refused.cause()).code()).isEqualTo(Code.TOO_LARGE);
    timers.advance(1000);
    assertThat(sentIds()).containsExactly("d-x-1", "d-x-2", "d-x-1");
    sends.onSendAck(ack("d-x-1", Code.OK));
    assertThat(retried.succeeded()).isTrue();
  }

  @Test
  void resubmittingAPendingIdJoinsItButAConflictingOneIsRejected() {
    sends.attach(wire::add);
    Future<SendAck> a = sends.submit("d-x-1", "user:b", "hi");
    assertThat(sends.submit("d-x-1", "user:b", "hi")).isSameAs(a);
    Future<SendAck> conflict = sends.submit("d-x-1", "user:b", "other body");
    assertThat(((StoaClientException) conflict.cause()).code()).isEqualTo(Code.BAD_REQUEST);
    assertThat(sentIds()).containsExactly("d-x-1");
  }

  @Test
  void failAllFailsEverything() {
    Future<SendAck> a = sends.submit("d-x-1", "user:b", "hi");
    sends.failAll(new StoaClientException(Code.UNAVAILABLE, "client closed"));
    assertThat(a.cause()).hasMessage("UNAVAILABLE: client closed");
    assertThat(sends.size()).isZero();
  }
}
