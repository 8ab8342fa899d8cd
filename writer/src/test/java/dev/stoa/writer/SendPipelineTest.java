package dev.stoa.writer;

import static dev.stoa.writer.TestSupport.await;
import static dev.stoa.writer.TestSupport.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.common.metrics.Metrics;
import dev.stoa.common.StoaException;
import dev.stoa.kv.KvStore;
import dev.stoa.kv.RocksDbKvStore;
import dev.stoa.kv.chain.ChainKeys;
import dev.stoa.kv.chain.SessionChain;
import dev.stoa.kv.chain.SessionEntry;
import dev.stoa.kv.chain.UserChain;
import dev.stoa.kv.chain.UserEntry;
import dev.stoa.proto.client.Code;
import dev.stoa.proto.client.Message;
import dev.stoa.proto.client.SendAck;
import dev.stoa.proto.internal.SendRequest;
import dev.stoa.proto.internal.SendResult;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SendPipelineTest {
  private static Vertx vertx;

  @TempDir
  Path dir;

  private KvStore rocks;
  private GatedKvStore kv;
  private final AtomicLong msgIds = new AtomicLong(1000);
  private final TestSupport.RecordingPush pushes = new TestSupport.RecordingPush();
  private SendPipeline pipeline;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() throws Exception {
    await(vertx.close());
  }

  @BeforeEach
  void open() {
    rocks = RocksDbKvStore.open(dir.resolve("kv"));
    kv = new GatedKvStore(rocks);
    pipeline = newPipeline(WriterOptions.defaults(), pushes);
  }

  @AfterEach
  void close() {
    kv.release();
    if (pipeline != null) {
      pipeline.close();
    }
    kv.close();
  }

  private final SteppingClock clock = new SteppingClock();

  private SendPipeline newPipeline(WriterOptions options, PushTrigger push) {
    return new SendPipeline(vertx, kv, msgIds::incrementAndGet, push, options, clock);
  }

  /** Pushes are triggered after the ack on the pipeline's context; waits up to 10 s for {@code n}. */
  private void awaitPushes(int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (pushes.calls.size() < n && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
  }

  private SendResult sendOk(SendRequest request) throws Exception {
    SendResult r = await(pipeline.send(request));
    assertThat(r.getAck().getCode()).as(r.getError()).isEqualTo(Code.OK);
    return r;
  }

  @Test
  void assignsSeqOneTwoThreeLinkedByPreSeqAndPreMsgId() throws Exception {
    // GIVEN alice sends three messages to user:bob
    List<SendAck> acks = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      acks.add(sendOk(send("alice", "phone", 7, "a-" + i, "user:bob", "hi " + i)).getAck());
    }
    // THEN seq 1, 2, 3 in the canonical session, each linked to the one before
    assertThat(acks).extracting(SendAck::getSessionId).containsOnly("c2c:alice:bob");
    assertThat(acks).extracting(SendAck::getSeq).containsExactly(1L, 2L, 3L);
    assertThat(acks).extracting(SendAck::getPreSeq).containsExactly(0L, 1L, 2L);
    assertThat(acks.get(0).getPreMsgId()).isZero();
    assertThat(acks.get(1).getPreMsgId()).isEqualTo(acks.get(0).getMsgId());
    assertThat(acks.get(2).getPreMsgId()).isEqualTo(acks.get(1).getMsgId());
    assertThat(acks).extracting(SendAck::getClientMsgId).containsExactly("a-1", "a-2", "a-3");
    assertThat(acks.get(2).getSentAt()).isGreaterThan(acks.get(0).getSentAt());

    // AND the session chain, both user chains and the bodies hold them
    List<SessionEntry> chain = new SessionChain(rocks).range("c2c:alice:bob", 0, 10);
    assertThat(chain).containsExactly(
        new SessionEntry(1, acks.get(0).getMsgId(), 0, 0),
        new SessionEntry(2, acks.get(1).getMsgId(), 1, acks.get(0).getMsgId()),
        new SessionEntry(3, acks.get(2).getMsgId(), 2, acks.get(1).getMsgId()));
    for (String user : List.of("alice", "bob")) {
      assertThat(new UserChain(rocks).range(user, 0, 10)).extracting(UserEntry::msgId)
          .containsExactly(acks.get(0).getMsgId(), acks.get(1).getMsgId(), acks.get(2).getMsgId());
    }
    Message body = Message.parseFrom(rocks.get(ChainKeys.body(acks.get(1).getMsgId())));
    assertThat(body.getBody()).isEqualTo("hi 2");
    assertThat(body.getFromUserId()).isEqualTo("alice");
    assertThat(body.getFromDeviceId()).isEqualTo("phone");
    assertThat(body.getSeq()).isEqualTo(2);
    assertThat(body.getPreMsgId()).isEqualTo(acks.get(0).getMsgId());
    assertThat(body.getSentAt()).isEqualTo(acks.get(1).getSentAt());
  }

  @Test
  void bothUsersWriteToTheSameCanonicalSession() throws Exception {
    SendAck a = sendOk(send("bob", "web", 1, "b-1", "user:alice", "hey")).getAck();
    SendAck b = sendOk(send("alice", "web", 2, "a-1", "c2c:alice:bob", "ho")).getAck();
    assertThat(a.getSessionId()).isEqualTo("c2c:alice:bob");
    assertThat(b.getSessionId()).isEqualTo("c2c:alice:bob");
    assertThat(b.getSeq()).isEqualTo(2);
    assertThat(b.getPreMsgId()).isEqualTo(a.getMsgId());
  }

  @Test
  void resendReturnsTheFirstAckExactlyAndStoresOneMessage() throws Exception {
    double hits = counter("stoa_writer_dedup_hits");
    SendAck first = sendOk(send("alice", "phone", 7, "a-1", "user:bob", "hi")).getAck();
    // a resend, even with another body and after other messages, answers the first ack
    sendOk(send("alice", "phone", 7, "a-2", "user:bob", "next"));
    SendAck again = sendOk(send("alice", "phone", 8, "a-1", "user:bob", "hi, again")).getAck();

    assertThat(again).isEqualTo(first);
    assertThat(new SessionChain(rocks).range("c2c:alice:bob", 0, 10)).hasSize(2);
    assertThat(new UserChain(rocks).range("bob", 0, 10)).hasSize(2);
    assertThat(counter("stoa_writer_dedup_hits")).isEqualTo(hits + 1);

    // the same clientMsgId from another device is another message
    SendAck otherDevice = sendOk(send("alice", "laptop", 9, "a-1", "user:bob", "hi")).getAck();
    assertThat(otherDevice.getMsgId()).isNotEqualTo(first.getMsgId());
    assertThat(otherDevice.getSeq()).isEqualTo(3);

    // pushes follow their acks asynchronously; the resend pushed nothing, the three messages one each
    awaitPushes(3);
    assertThat(pushes.calls).extracting(c -> c.message().getSeq()).containsExactlyInAnyOrder(1L, 2L, 3L);
  }

  @Test
  void twentyConcurrentDuplicatesWriteOneMessage() throws Exception {
    List<SendAck> acks = concurrentDuplicates(i -> "user:bob");
    assertThat(new SessionChain(rocks).range("c2c:alice:bob", 0, 100)).hasSize(1);
    assertThat(new UserChain(rocks).range("alice", 0, 100)).hasSize(1);
    assertThat(acks.get(0).getSessionId()).isEqualTo("c2c:alice:bob");
  }

  @Test
  void concurrentDuplicatesSpreadOverLanesStillWriteOneMessage() throws Exception {
    // the same clientMsgId aimed at 20 sessions lands in several lanes that run in parallel;
    // only the in-flight map keeps the later ones from writing while the first is not yet durable
    List<SendAck> acks = concurrentDuplicates(i -> "user:bob" + i);
    assertThat(new UserChain(rocks).range("alice", 0, 100)).hasSize(1);
    long stored = 0;
    for (int i = 0; i < 20; i++) {
      stored += new SessionChain(rocks).range(dev.stoa.common.SessionId.c2c("alice", "bob" + i).id(), 0, 10).size();
    }
    assertThat(stored).isEqualTo(1);
    assertThat(acks.get(0).getSessionId()).startsWith("c2c:alice:bob");
  }

  /** 20 threads send clientMsgId dup-1 from alice/phone while the first write is held. */
  private List<SendAck> concurrentDuplicates(java.util.function.IntFunction<String> sessionOf) throws Exception {
    double hits = counter("stoa_writer_dedup_hits");
    kv.hold();
    CountDownLatch go = new CountDownLatch(1);
    List<Future<SendResult>> answers = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String sessionId = sessionOf.apply(i);
      threads.add(Thread.ofPlatform().start(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          return;
        }
        Future<SendResult> f = pipeline.send(send("alice", "phone", 7, "dup-1", sessionId, "once"));
        synchronized (answers) {
          answers.add(f);
        }
      }));
    }
    go.countDown();
    for (Thread t : threads) {
      t.join(10_000);
    }
    assertThat(kv.writeEntered.await(10, TimeUnit.SECONDS)).isTrue();
    Thread.sleep(50); // let any send that escaped dedup reach the committer before the gate opens
    kv.release();

    List<SendAck> acks = new ArrayList<>();
    for (Future<SendResult> f : answers) {
      acks.add(await(f).getAck());
    }
    assertThat(acks).hasSize(20);
    assertThat(acks).allSatisfy(a -> assertThat(a).isEqualTo(acks.get(0)));
    assertThat(acks.get(0).getCode()).isEqualTo(Code.OK);
    assertThat(counter("stoa_writer_dedup_hits")).isEqualTo(hits + 19);
    return acks;
  }

  @Test
  void rejectionsNameTheFieldAndEchoWhatTheClientSent() throws Exception {
    String big = "x".repeat(40000);
    assertRejected(send("alice", "phone", 7, "", "user:bob", "hi"), Code.BAD_REQUEST, "clientMsgId: must be 1-64 chars");
    assertRejected(send("alice", "phone", 7, "c".repeat(65), "user:bob", "hi"), Code.BAD_REQUEST, "clientMsgId:");
    assertRejected(send("alice", "phone", 7, "a-1", "bob", "hi"), Code.BAD_REQUEST, "sessionId: must be c2c:<a>:<b>");
    assertRejected(send("alice", "phone", 7, "a-1", "c2c:bob:alice", "hi"), Code.BAD_REQUEST, "sessionId: c2c session must name its users in byte order");
    assertRejected(send("alice", "phone", 7, "a-1", "user:al ice", "hi"), Code.BAD_REQUEST, "sessionId (peer user id)");
    assertRejected(send("alice", "phone", 7, "a-1", "user:alice", "hi"), Code.BAD_REQUEST, "sessionId: a one-to-one session needs two different users");
    assertRejected(send("alice", "phone", 7, "a-1", "user:bob", ""), Code.BAD_REQUEST, "body: is required");
    assertRejected(send("alice", "phone", 7, "a-1", "user:bob", big), Code.TOO_LARGE, "body: 40000 bytes exceeds the limit of 32768");
    // multi-byte characters count in UTF-8 bytes: 20000 x 'é' = 40000 bytes
    assertRejected(send("alice", "phone", 7, "a-1", "user:bob", "é".repeat(20000)), Code.TOO_LARGE, "body: 40000 bytes exceeds the limit of 32768");
    assertRejected(send("alice", "phone", 7, "a-1", "c2c:bob:carol", "hi"), Code.FORBIDDEN, "sessionId: user 'alice' is not a member of c2c:bob:carol");
    assertRejected(send("alice", "phone", 7, "a-1", "group:g", "hi"), Code.NOT_FOUND, "sessionId: group 'g' does not exist");
    assertRejected(send("alice", "phone", 7, "a-1", "room:r", "hi"), Code.NOT_FOUND, "sessionId: room 'r' does not exist");
    assertRejected(send("", "phone", 7, "a-1", "user:bob", "hi"), Code.BAD_REQUEST, "userId:");
    assertRejected(send("alice", "ph/one", 7, "a-1", "user:bob", "hi"), Code.BAD_REQUEST, "deviceId:");

    // nothing was stored or pushed, and a body exactly at the limit passes
    assertThat(new SessionChain(rocks).range("c2c:alice:bob", 0, 10)).isEmpty();
    assertThat(pushes.calls).isEmpty();
    assertThat(sendOk(send("alice", "phone", 7, "a-1", "user:bob", "y".repeat(32768))).getAck().getSeq()).isEqualTo(1);
  }

  private void assertRejected(SendRequest request, Code code, String errorStart) throws Exception {
    double before = sends(code.name().toLowerCase());
    SendResult r = await(pipeline.send(request));
    assertThat(r.getAck().getCode()).as(r.getError()).isEqualTo(code);
    assertThat(r.getError()).startsWith(errorStart);
    assertThat(r.getAck().getClientMsgId()).isEqualTo(request.getSend().getClientMsgId());
    assertThat(r.getAck().getSessionId()).isEqualTo(request.getSend().getSessionId());
    assertThat(r.getAck().getMsgId()).isZero();
    assertThat(sends(code.name().toLowerCase())).isEqualTo(before + 1);
  }

  @Test
  void restartKeepsHistoryContinuesSeqAndKeepsDedup() throws Exception {
    // GIVEN three messages, then the writer and the store are closed and reopened
    List<SendAck> before = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      before.add(sendOk(send("alice", "phone", 7, "a-" + i, "user:bob", "m" + i)).getAck());
    }
    pipeline.close();
    kv.close();
    rocks = RocksDbKvStore.open(dir.resolve("kv"));
    kv = new GatedKvStore(rocks);
    msgIds.addAndGet(1_000_000); // Flake ids keep rising across a restart
    pipeline = newPipeline(WriterOptions.defaults(), pushes);

    // WHEN alice resends a-2 and sends a-4
    SendAck resent = sendOk(send("alice", "phone", 7, "a-2", "user:bob", "m2")).getAck();
    SendAck fourth = sendOk(send("alice", "phone", 7, "a-4", "user:bob", "m4")).getAck();
    SendAck fromBob = sendOk(send("bob", "tab", 3, "b-1", "user:alice", "yo")).getAck();

    // THEN the resend is the old ack, and seq continues after 3 (a jump is allowed, never reuse)
    assertThat(resent).isEqualTo(before.get(1));
    assertThat(fourth.getSeq()).isGreaterThan(3);
    assertThat(fourth.getPreSeq()).isEqualTo(3);
    assertThat(fourth.getPreMsgId()).isEqualTo(before.get(2).getMsgId());
    assertThat(fromBob.getSeq()).isEqualTo(fourth.getSeq() + 1);
    assertThat(fromBob.getPreMsgId()).isEqualTo(fourth.getMsgId());
    List<SessionEntry> chain = new SessionChain(rocks).range("c2c:alice:bob", 0, 10);
    assertThat(chain).extracting(SessionEntry::seq).containsExactly(1L, 2L, 3L, fourth.getSeq(), fromBob.getSeq());
    List<UserEntry> bobChain = new UserChain(rocks).range("bob", 0, 10);
    assertThat(bobChain).hasSize(5);
    assertThat(bobChain).extracting(UserEntry::userSeq).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void concurrentSendsInTenSessionsKeepEachSessionsOrder() throws Exception {
    int sessions = 10;
    int perSession = 30;
    Map<Integer, List<Future<SendResult>>> answers = new HashMap<>();
    List<Thread> senders = new ArrayList<>();
    CountDownLatch go = new CountDownLatch(1);
    for (int s = 0; s < sessions; s++) {
      List<Future<SendResult>> mine = new ArrayList<>();
      answers.put(s, mine);
      String user = "u" + s;
      senders.add(Thread.ofPlatform().start(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          return;
        }
        // one device sends without waiting for acks: its order must be kept
        for (int i = 0; i < perSession; i++) {
          mine.add(pipeline.send(send(user, "d", 1, user + "-" + i, "user:hub", user + " #" + i)));
        }
      }));
    }
    go.countDown();
    for (Thread t : senders) {
      t.join(10_000);
    }
    for (int s = 0; s < sessions; s++) {
      String sessionId = "c2c:hub:u" + s;
      List<SendAck> acks = new ArrayList<>();
      for (Future<SendResult> f : answers.get(s)) {
        acks.add(await(f).getAck());
      }
      assertThat(acks).extracting(SendAck::getCode).containsOnly(Code.OK);
      assertThat(acks).extracting(SendAck::getSeq).isSorted().doesNotHaveDuplicates();
      for (int i = 1; i < acks.size(); i++) {
        assertThat(acks.get(i).getPreSeq()).isEqualTo(acks.get(i - 1).getSeq());
        assertThat(acks.get(i).getPreMsgId()).isEqualTo(acks.get(i - 1).getMsgId());
      }
      List<SessionEntry> chain = new SessionChain(rocks).range(sessionId, 0, 100);
      assertThat(chain).extracting(SessionEntry::msgId)
          .containsExactlyElementsOf(acks.stream().map(SendAck::getMsgId).toList());
    }
    // the hub's user chain holds every message once, in commit order: within each session seq and
    // msgId ascend with userSeq
    List<UserEntry> hub = new UserChain(rocks).range("hub", 0, 1000);
    assertThat(hub).hasSize(sessions * perSession);
    assertThat(hub).extracting(UserEntry::msgId).doesNotHaveDuplicates();
    assertThat(hub).extracting(UserEntry::userSeq).isSorted().doesNotHaveDuplicates();
    for (int s = 0; s < sessions; s++) {
      String sessionId = "c2c:hub:u" + s;
      List<UserEntry> ofSession = hub.stream().filter(e -> e.sessionId().equals(sessionId)).toList();
      assertThat(ofSession).extracting(UserEntry::seq).hasSize(perSession).isSorted();
      assertThat(ofSession).extracting(UserEntry::msgId).isSorted();
    }
  }

  @Test
  void aFullLaneAnswersUnavailable() throws Exception {
    pipeline.close();
    // one lane that holds at most two sends not yet durable
    pipeline = newPipeline(WriterOptions.of(32768, 1000, 1, 2, 100, 100, 86_400, 1000), pushes);
    kv.hold();
    Future<SendResult> first = pipeline.send(send("alice", "d", 1, "a-1", "user:bob", "1"));
    assertThat(kv.writeEntered.await(10, TimeUnit.SECONDS)).isTrue();
    Future<SendResult> queued = pipeline.send(send("alice", "d", 1, "a-2", "user:bob", "2"));
    SendResult rejected = await(pipeline.send(send("carol", "d", 1, "c-1", "user:dave", "3")));

    assertThat(rejected.getAck().getCode()).isEqualTo(Code.UNAVAILABLE);
    assertThat(rejected.getError()).startsWith("writer overloaded, retry").contains("writer.queue.max=2");
    assertThat(rejected.getAck().getClientMsgId()).isEqualTo("c-1");
    kv.release();
    assertThat(await(first).getAck().getSeq()).isEqualTo(1);
    assertThat(await(queued).getAck().getSeq()).isEqualTo(2);
    // the rejected send was not remembered: sending it again works
    assertThat(await(pipeline.send(send("carol", "d", 1, "c-1", "user:dave", "3"))).getAck().getCode())
        .isEqualTo(Code.OK);
  }

  @Test
  void aStorageFaultFailsTheFutureAndTheSessionRecovers() throws Exception {
    SendAck one = sendOk(send("alice", "d", 1, "a-1", "user:bob", "1")).getAck();
    double errors = sends("error");
    kv.failWrites.set(true);
    Future<SendResult> failed = pipeline.send(send("alice", "d", 1, "a-2", "user:bob", "2"));
    assertThatThrownBy(() -> await(failed)).isInstanceOf(ExecutionException.class)
        .hasMessageContaining("injected storage failure");
    assertThat(codeOf(failed)).as("a storage fault is retryable").isEqualTo(Code.UNAVAILABLE);
    assertThat(sends("error")).isEqualTo(errors + 1);
    kv.failWrites.set(false);

    // the client retries: the failed send was never acknowledged, so it is stored now
    SendAck two = sendOk(send("alice", "d", 1, "a-2", "user:bob", "2")).getAck();
    assertThat(two.getSeq()).isGreaterThan(1);
    assertThat(two.getPreSeq()).isEqualTo(1);
    assertThat(two.getPreMsgId()).isEqualTo(one.getMsgId());
    assertThat(new SessionChain(rocks).range("c2c:alice:bob", 0, 10)).hasSize(2);
  }

  @Test
  void aResendOfASendWhoseSyncFailedIsAnsweredOnlyOnceItIsDurable() throws Exception {
    SendAck one = sendOk(send("alice", "d", 1, "a-1", "user:bob", "1")).getAck();
    // a-2 is written (its records are in the store, visible to reads) but its sync fails
    kv.failNextSyncs.set(2);
    Future<SendResult> failed = pipeline.send(send("alice", "d", 1, "a-2", "user:bob", "2"));
    assertThatThrownBy(() -> await(failed)).hasMessageContaining("injected sync failure");
    assertThat(codeOf(failed)).as("a sync failure is retryable").isEqualTo(Code.UNAVAILABLE);
    byte[] record = rocks.get(ChainKeys.dedup("alice", "d", "a-2"));
    assertThat(record).as("the failed round's dedup record is visible").isNotNull();

    // the resend finds that record; the store still cannot sync: it must not be answered OK
    Future<SendResult> whileBroken = pipeline.send(send("alice", "d", 1, "a-2", "user:bob", "2"));
    assertThatThrownBy(() -> await(whileBroken)).hasMessageContaining("injected sync failure");
    assertThat(codeOf(whileBroken)).isEqualTo(Code.UNAVAILABLE);

    // syncs work again: the resend is answered with the first write's ack, after a sync made it durable
    int syncsBefore = kv.syncsDone.get();
    SendAck resent = sendOk(send("alice", "d", 1, "a-2", "user:bob", "2")).getAck();
    assertThat(kv.syncsDone.get()).as("a sync ran before the resend was answered").isGreaterThan(syncsBefore);
    assertThat(resent).isEqualTo(SendAck.parseFrom(record));
    assertThat(resent.getPreMsgId()).isEqualTo(one.getMsgId());
    // once durability is re-established, a resend is answered from its record without another sync
    int syncsAfter = kv.syncsDone.get();
    assertThat(sendOk(send("alice", "d", 1, "a-1", "user:bob", "1")).getAck()).isEqualTo(one);
    assertThat(kv.syncsDone.get()).isEqualTo(syncsAfter);
    assertThat(new SessionChain(rocks).range("c2c:alice:bob", 0, 10)).extracting(SessionEntry::msgId)
        .containsExactly(one.getMsgId(), resent.getMsgId());
  }

  @Test
  void aDedupRecordOlderThanTheWindowIsNotHonouredAndTheSendIsStoredAnew() throws Exception {
    pipeline.close();
    pipeline = newPipeline(WriterOptions.defaults().withDedupWindowSeconds(60), pushes);
    SendAck first = sendOk(send("alice", "d", 1, "a-1", "user:bob", "1")).getAck();
    clock.advance(59_000);
    assertThat(sendOk(send("alice", "d", 1, "a-1", "user:bob", "1")).getAck()).as("inside the window").isEqualTo(first);

    clock.advance(1_000);
    SendAck again = sendOk(send("alice", "d", 1, "a-1", "user:bob", "1")).getAck();
    assertThat(again.getMsgId()).as("past the window: a new message").isNotEqualTo(first.getMsgId());
    assertThat(again.getPreSeq()).isEqualTo(first.getSeq());
    // the new record replaced the old one: a resend now answers the second ack
    assertThat(sendOk(send("alice", "d", 1, "a-1", "user:bob", "1")).getAck()).isEqualTo(again);
  }

  @Test
  void theSweepDeletesExpiredDedupRecordsOnlyAndReadsRecordsWithoutSentAtAsExpired() throws Exception {
    pipeline.close();
    WriterOptions options = WriterOptions.of(32768, 1000, 4, 1000, 100, 100, 60, 2); // 2 records per step
    pipeline = newPipeline(options, pushes);
    for (int i = 1; i <= 5; i++) {
      sendOk(send("alice", "d", 1, "old-" + i, "user:bob", "" + i));
    }
    // a record as an older writer might have left it: an ack without sentAt
    rocks.write(dev.stoa.kv.KvBatch.durable().put(ChainKeys.dedup("carol", "d", "c-1"),
        SendAck.newBuilder().setCode(Code.OK).setClientMsgId("c-1").setSessionId("c2c:carol:dave")
            .setMsgId(1).setSeq(1).build().toByteArray()));
    clock.advance(60_000);
    SendAck fresh = sendOk(send("alice", "d", 1, "new-1", "user:bob", "n")).getAck();
    double expired = counter("stoa_writer_dedup_expired");

    assertThat(pipeline.sweepDedup()).isEqualTo(6);
    assertThat(counter("stoa_writer_dedup_expired")).isEqualTo(expired + 6);
    for (int i = 1; i <= 5; i++) {
      assertThat(rocks.get(ChainKeys.dedup("alice", "d", "old-" + i))).as("old-" + i).isNull();
    }
    assertThat(rocks.get(ChainKeys.dedup("carol", "d", "c-1"))).isNull();
    assertThat(SendAck.parseFrom(rocks.get(ChainKeys.dedup("alice", "d", "new-1")))).isEqualTo(fresh);
    assertThat(pipeline.sweepDedup()).as("nothing left to sweep").isZero();
    // the messages themselves stay
    assertThat(new SessionChain(rocks).range("c2c:alice:bob", 0, 10)).hasSize(6);
  }

  @Test
  void sendsSequencedBehindAFailedWriteAreNotWrittenAndTheSessionRelinks() throws Exception {
    SendAck one = sendOk(send("alice", "d", 1, "a-1", "user:bob", "1")).getAck();
    kv.hold();
    kv.failNextWrites.set(1);
    // a-2 is in the write that will fail; a-3 and a-4 are sequenced behind it meanwhile
    List<Future<SendResult>> pipelined = new ArrayList<>();
    for (int i = 2; i <= 4; i++) {
      pipelined.add(pipeline.send(send("alice", "d", 1, "a-" + i, "user:bob", String.valueOf(i))));
    }
    Thread.sleep(300);
    kv.release();
    List<SendAck> acked = new ArrayList<>(List.of(one));
    int failed = 0;
    for (Future<SendResult> f : pipelined) {
      try {
        acked.add(await(f).getAck());
      } catch (ExecutionException e) {
        failed++;
      }
    }
    assertThat(failed).as("a-2 is in the failed write").isGreaterThanOrEqualTo(1);
    acked.add(sendOk(send("alice", "d", 1, "a-5", "user:bob", "5")).getAck());

    // whatever was acknowledged is stored, and every stored message names the one before it
    List<SessionEntry> chain = new SessionChain(rocks).range("c2c:alice:bob", 0, 10);
    assertThat(chain).extracting(SessionEntry::msgId)
        .containsExactlyElementsOf(acked.stream().map(SendAck::getMsgId).toList());
    for (int i = 1; i < chain.size(); i++) {
      assertThat(chain.get(i).preSeq()).as("preSeq of seq " + chain.get(i).seq()).isEqualTo(chain.get(i - 1).seq());
      assertThat(chain.get(i).preMsgId()).isEqualTo(chain.get(i - 1).msgId());
    }
  }

  @Test
  void pushFollowsTheAckAndGoesToBothMembersWithTheSendersConnection() throws Exception {
    SendAck ack = sendOk(send("alice", "phone", 42, "a-1", "user:bob", "hi")).getAck();
    awaitPushes(1);
    assertThat(pushes.calls).hasSize(1);
    TestSupport.RecordingPush.Call call = pushes.calls.get(0);
    assertThat(call.members()).containsExactly("alice", "bob");
    assertThat(call.senderConnId()).isEqualTo(42);
    Message m = call.message();
    assertThat(m.getMsgId()).isEqualTo(ack.getMsgId());
    assertThat(m.getSeq()).isEqualTo(ack.getSeq());
    assertThat(m.getSessionId()).isEqualTo("c2c:alice:bob");
    assertThat(m.getBody()).isEqualTo("hi");
    assertThat(m.getClientMsgId()).isEqualTo("a-1");
    assertThat(m).isEqualTo(Message.parseFrom(rocks.get(ChainKeys.body(ack.getMsgId()))));
  }

  @Test
  void sendsQueuedBehindABusyLaneShareOneDedupReadAndAFailedReadFailsOnlyItsOwn() throws Exception {
    kv.holdDedupReads();
    Future<SendResult> first = pipeline.send(send("alice", "phone", 7, "q-0", "user:bob", "0"));
    assertThat(kv.dedupReadEntered.await(10, TimeUnit.SECONDS)).as("the lane is inside the first read").isTrue();
    List<Future<SendResult>> queued = new ArrayList<>();
    for (int i = 1; i <= 30; i++) {
      queued.add(pipeline.send(send("alice", "phone", 7, "q-" + i, "user:bob", "" + i)));
    }
    queued.add(pipeline.send(send("alice", "phone", 7, "q-0", "user:bob", "0"))); // a resend of the first
    kv.releaseDedupReads();

    SendAck firstAck = await(first).getAck();
    assertThat(firstAck.getCode()).isEqualTo(Code.OK);
    for (int i = 0; i < 30; i++) {
      SendAck ack = await(queued.get(i)).getAck();
      assertThat(ack.getCode()).isEqualTo(Code.OK);
      assertThat(ack.getSeq()).as("seq of q-" + (i + 1)).isEqualTo(firstAck.getSeq() + i + 1);
      assertThat(ack.getPreSeq()).isEqualTo(firstAck.getSeq() + i);
    }
    assertThat(await(queued.get(30)).getAck()).as("the resend answers the first ack").isEqualTo(firstAck);
    assertThat(kv.dedupReadSizes).as("keys per dedup read: the first send alone, then the 30 queued behind it "
        + "(the resend of q-0 waited for the first's answer, not for the lane)").containsExactly(1, 30);

    kv.failNextDedupReads.set(1);
    Future<SendResult> readFailed = pipeline.send(send("alice", "phone", 7, "q-31", "user:bob", "x"));
    assertThatThrownBy(() -> await(readFailed)).hasMessageContaining("injected read failure");
    assertThat(codeOf(readFailed)).isEqualTo(Code.UNAVAILABLE);
    SendAck after = sendOk(send("alice", "phone", 7, "q-32", "user:bob", "y")).getAck();
    assertThat(after.getSeq()).as("the lane goes on; the failed send took no seq").isEqualTo(firstAck.getSeq() + 31);
  }

  @Test
  void sendsOfOneEventLoopRoundKeepTheirOrderAndOneHeldWhenTheLaneStopsIsAnswered() throws Exception {
    Context loop = vertx.getOrCreateContext();
    List<Future<SendResult>> answers = new CopyOnWriteArrayList<>();
    CountDownLatch submitted = new CountDownLatch(1);
    loop.runOnContext(v -> { // as a round of reads does: many sends before the loop runs its tasks
      for (int i = 0; i < 20; i++) {
        answers.add(pipeline.send(send("alice", "phone", 7, "r-" + i, "user:bob", "" + i)));
      }
      submitted.countDown();
    });
    assertThat(submitted.await(10, TimeUnit.SECONDS)).isTrue();
    long previousSeq = 0;
    for (Future<SendResult> answer : answers) {
      SendAck ack = await(answer).getAck();
      assertThat(ack.getCode()).isEqualTo(Code.OK);
      assertThat(ack.getSeq()).as("in submission order").isGreaterThan(previousSeq);
      previousSeq = ack.getSeq();
    }
    // how the lane batched them is the scheduler's choice; each send's dedup record is read once
    assertThat(kv.dedupReadSizes.stream().mapToInt(Integer::intValue).sum()).as("dedup reads of " + kv.dedupReadSizes)
        .isEqualTo(20);

    // a send accepted in a round whose lane stops before the round ends is answered, not dropped
    CountDownLatch late = new CountDownLatch(1);
    List<String> codes = new CopyOnWriteArrayList<>();
    loop.runOnContext(v -> {
      pipeline.send(send("alice", "phone", 7, "r-late", "user:bob", "z")).onComplete(ar -> {
        codes.add(ar.succeeded() ? ar.result().getAck().getCode().name()
            : ar.cause() instanceof StoaException e ? e.code().name() + ": " + e.getMessage() : ar.cause().toString());
        late.countDown();
      });
      pipeline.close(); // the lanes stop while the send is still held by this round
    });
    assertThat(late.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(codes.getFirst()).startsWith("UNAVAILABLE: writer lane ").contains("stopped before the send was queued");
  }

  @Test
  void theAnswerRunsOnTheCallersContextAndThePushOnTheWriterThreadThatMadeItDurable() throws Exception {
    List<String> events = new CopyOnWriteArrayList<>();
    List<String> pushThreads = new CopyOnWriteArrayList<>();
    Context caller = vertx.getOrCreateContext();
    Context otherCaller = vertx.getOrCreateContext();
    pipeline.close();
    pipeline = newPipeline(WriterOptions.defaults(), (members, conn, message) -> {
      Context now = Vertx.currentContext();
      pushThreads.add(Thread.currentThread().getName());
      events.add("push of " + message.getClientMsgId() + " on a Vert.x context=" + (now != null)
          + ", on a caller's=" + (now == caller || now == otherCaller));
      return Future.succeededFuture();
    });
    CountDownLatch carolAnswered = new CountDownLatch(1);
    otherCaller.runOnContext(v -> pipeline.send(send("carol", "phone", 43, "c-1", "user:bob", "hi"))
        .onComplete(answer -> carolAnswered.countDown()));
    assertThat(carolAnswered.await(10, TimeUnit.SECONDS)).isTrue();
    CountDownLatch done = new CountDownLatch(1);
    caller.runOnContext(v -> pipeline.send(send("alice", "phone", 42, "a-1", "user:bob", "hi"))
        .onComplete(first -> {
          events.add("answer " + (first.succeeded() ? first.result().getAck().getCode() : first.cause())
              + " on caller=" + (Vertx.currentContext() == caller));
          // a storage fault fails the caller's future, also on its context, and pushes nothing
          kv.failWrites.set(true);
          pipeline.send(send("alice", "phone", 42, "a-2", "user:bob", "x")).onComplete(second -> {
            events.add("second failed=" + second.failed() + " on caller=" + (Vertx.currentContext() == caller));
            done.countDown();
          });
        }));
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (pushThreads.size() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    Thread.sleep(50);
    assertThat(events).containsExactlyInAnyOrder("answer OK on caller=true", "second failed=true on caller=true",
        "push of a-1 on a Vert.x context=false, on a caller's=false",
        "push of c-1 on a Vert.x context=false, on a caller's=false");
    // the thread that made the send durable: the commit thread (nothing else waiting) or the sync thread
    assertThat(pushThreads).hasSize(2).allMatch(t -> t.equals("stoa-writer-commit") || t.equals("stoa-writer-sync"));
  }

  @Test
  void aFailingPushIsCountedAndTheSendStillSucceeds() throws Exception {
    pipeline.close();
    pipeline = newPipeline(WriterOptions.defaults(),
        (members, conn, message) -> Future.failedFuture(new IllegalStateException("state server down")));
    double failures = counter("stoa_writer_push_failures");
    sendOk(send("alice", "phone", 42, "a-1", "user:bob", "hi"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (counter("stoa_writer_push_failures") == failures && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(counter("stoa_writer_push_failures")).isEqualTo(failures + 1);
  }

  @Test
  void aClosedPipelineAnswersUnavailable() throws Exception {
    pipeline.close();
    SendResult r = await(pipeline.send(send("alice", "phone", 42, "a-1", "user:bob", "hi")));
    assertThat(r.getAck().getCode()).isEqualTo(Code.UNAVAILABLE);
    assertThat(r.getError()).contains("retry");
  }

  /** The code a failed send is answered with, as the gateway maps it (a non-StoaException is INTERNAL). */
  private static Code codeOf(Future<SendResult> f) {
    try {
      await(f);
    } catch (ExecutionException e) {
      return StoaException.codeOf(e.getCause());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("the send did not fail");
  }

  private static double counter(String name) {
    Counter c = Metrics.registry().find(name).counter();
    return c == null ? 0 : c.count();
  }

  private static double sends(String result) {
    Counter c = Metrics.registry().find("stoa_writer_sends").tag("result", result).counter();
    return c == null ? 0 : c.count();
  }

  /** A clock that moves one millisecond forward on every read, and as far as a test moves it. */
  static final class SteppingClock extends Clock {
    private final AtomicLong millis = new AtomicLong(1_763_800_000_000L);

    void advance(long by) {
      millis.addAndGet(by);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public long millis() {
      return millis.incrementAndGet();
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis());
    }
  }
}
