package dev.stoa.reader;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.common.metrics.Metrics;
import dev.stoa.kv.KvBatch;
import dev.stoa.kv.KvStore;
import dev.stoa.kv.RocksDbKvStore;
import dev.stoa.kv.chain.ChainKeys;
import dev.stoa.proto.client.Code;
import dev.stoa.proto.client.Message;
import dev.stoa.proto.client.Messages;
import dev.stoa.proto.client.Send;
import dev.stoa.proto.client.SendAck;
import dev.stoa.proto.client.SyncResult;
import dev.stoa.proto.internal.PullRequest;
import dev.stoa.proto.internal.PullResult;
import dev.stoa.proto.internal.SendRequest;
import dev.stoa.proto.internal.SendResult;
import dev.stoa.proto.internal.SyncReply;
import dev.stoa.proto.internal.SyncRequest;
import dev.stoa.writer.PushTrigger;
import dev.stoa.writer.SendPipeline;
import dev.stoa.writer.WriterOptions;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadPipelineTest {
  private static final String AB = "c2c:alice:bob";
  private static Vertx vertx;

  @TempDir
  Path dir;

  private KvStore kv;
  private SendPipeline writer;
  private ReadPipeline reader;
  private final AtomicLong msgIds = new AtomicLong(5000);

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
    kv = RocksDbKvStore.open(dir.resolve("kv"));
    writer = new SendPipeline(vertx, kv, msgIds::incrementAndGet, PushTrigger.NONE, WriterOptions.defaults(),
        Clock.systemUTC());
    reader = new ReadPipeline(vertx, kv, new ReaderOptions(5, 4, 4));
  }

  @AfterEach
  void close() {
    writer.close();
    reader.close();
    kv.close();
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private SendAck send(String from, String clientMsgId, String sessionId, String body) throws Exception {
    SendResult r = await(writer.send(SendRequest.newBuilder().setUserId(from).setDeviceId("d").setConnId(1)
        .setSend(Send.newBuilder().setClientMsgId(clientMsgId).setSessionId(sessionId).setBody(body)).build()));
    assertThat(r.getAck().getCode()).as(r.getError()).isEqualTo(Code.OK);
    return r.getAck();
  }

  private PullResult pull(String user, String sessionId, long afterSeq, int limit) throws Exception {
    return await(reader.pull(PullRequest.newBuilder().setUserId(user).setSessionId(sessionId)
        .setAfterSeq(afterSeq).setLimit(limit).build()));
  }

  private Messages pullOk(String user, String sessionId, long afterSeq, int limit) throws Exception {
    PullResult r = pull(user, sessionId, afterSeq, limit);
    assertThat(r.getCode()).as(r.getError()).isEqualTo(Code.OK);
    return r.getMessages();
  }

  private SyncResult syncOk(String user, long cursor, int limit) throws Exception {
    SyncReply r = await(reader.sync(SyncRequest.newBuilder().setUserId(user).setCursor(cursor).setLimit(limit).build()));
    assertThat(r.getCode()).as(r.getError()).isEqualTo(Code.OK);
    return r.getResult();
  }

  private static List<Long> seqs(List<Message> messages) {
    return messages.stream().map(Message::getSeq).toList();
  }

  @Test
  void pullPagesBySeqWithHasMore() throws Exception {
    List<SendAck> acks = new ArrayList<>();
    for (int i = 1; i <= 7; i++) {
      acks.add(send(i % 2 == 0 ? "bob" : "alice", "m-" + i, i % 2 == 0 ? "user:alice" : "user:bob", "body " + i));
    }

    Messages first = pullOk("alice", "user:bob", 0, 3);
    assertThat(first.getSessionId()).isEqualTo(AB);
    assertThat(seqs(first.getMessagesList())).containsExactly(1L, 2L, 3L);
    assertThat(first.getHasMore()).isTrue();
    Message two = first.getMessages(1);
    assertThat(two.getBody()).isEqualTo("body 2");
    assertThat(two.getFromUserId()).isEqualTo("bob");
    assertThat(two.getMsgId()).isEqualTo(acks.get(1).getMsgId());
    assertThat(two.getPreMsgId()).isEqualTo(acks.get(0).getMsgId());

    Messages second = pullOk("bob", AB, 3, 3);
    assertThat(seqs(second.getMessagesList())).containsExactly(4L, 5L, 6L);
    assertThat(second.getHasMore()).isTrue();
    Messages last = pullOk("bob", AB, 6, 3);
    assertThat(seqs(last.getMessagesList())).containsExactly(7L);
    assertThat(last.getHasMore()).isFalse();
    Messages none = pullOk("bob", AB, 7, 3);
    assertThat(none.getMessagesList()).isEmpty();
    assertThat(none.getHasMore()).isFalse();
    // limit 0 takes the default (5 here); exactly a page's worth is not "more"
    Messages byDefault = pullOk("alice", AB, 0, 0);
    assertThat(byDefault.getMessagesCount()).isEqualTo(5);
    assertThat(byDefault.getHasMore()).isTrue();
    assertThat(pullOk("alice", AB, 2, 5).getHasMore()).isFalse();
  }

  @Test
  void badPullsNameTheField() throws Exception {
    send("alice", "a-1", "user:bob", "hi");
    assertRejected(pull("alice", AB, 0, 500), Code.BAD_REQUEST, "limit: must be 1..200, got 500");
    assertRejected(pull("carol", AB, 0, 10), Code.FORBIDDEN, "sessionId: user 'carol' is not a member of c2c:alice:bob");
    assertRejected(pull("alice", "c2c:bob:alice", 0, 10), Code.BAD_REQUEST, "sessionId: c2c session must name its users in byte order");
    assertRejected(pull("alice", "bob", 0, 10), Code.BAD_REQUEST, "sessionId: must be");
    assertRejected(pull("alice", "group:g", 0, 10), Code.NOT_FOUND, "sessionId: group 'g' does not exist");
    assertRejected(pull("", AB, 0, 10), Code.BAD_REQUEST, "userId:");
    assertRejected(pull("alice", AB, -1, 10), Code.BAD_REQUEST, "afterSeq: must be below 2^63, got 18446744073709551615");
    assertRejected(pull("alice", AB, 0, -1), Code.BAD_REQUEST, "limit: must be 1..200, got 4294967295");
    assertThat(pullOk("alice", AB, 0, 200).getMessagesCount()).isEqualTo(1);

    SyncReply badSync = await(reader.sync(SyncRequest.newBuilder().setUserId("alice").setLimit(201).build()));
    assertThat(badSync.getCode()).isEqualTo(Code.BAD_REQUEST);
    assertThat(badSync.getError()).isEqualTo("limit: must be 1..200, got 201");
  }

  private static void assertRejected(PullResult r, Code code, String errorStart) {
    assertThat(r.getCode()).isEqualTo(code);
    assertThat(r.getError()).startsWith(errorStart);
    assertThat(r.getMessages().getMessagesList()).isEmpty();
  }

  @Test
  void syncWalksTheUserChainAcrossSessionsByCursor() throws Exception {
    // alice talks with bob, carol and dave, interleaved; carol also talks with dave
    List<SendAck> aliceSees = new ArrayList<>();
    aliceSees.add(send("alice", "1", "user:bob", "to bob 1"));
    aliceSees.add(send("carol", "2", "user:alice", "carol to alice"));
    send("carol", "3", "user:dave", "not for alice");
    aliceSees.add(send("alice", "4", "user:dave", "to dave"));
    aliceSees.add(send("bob", "5", "user:alice", "bob to alice"));
    aliceSees.add(send("alice", "6", "user:carol", "to carol"));
    aliceSees.add(send("alice", "7", "user:bob", "to bob 2"));
    aliceSees.add(send("dave", "8", "user:alice", "dave to alice"));
    aliceSees.add(send("alice", "9", "user:bob", "to bob 3"));

    List<Message> all = new ArrayList<>();
    long cursor = 0;
    List<Long> cursors = new ArrayList<>();
    for (int page = 0; page < 10; page++) {
      SyncResult r = syncOk("alice", cursor, 3);
      all.addAll(r.getMessagesList());
      assertThat(r.getCursor()).isGreaterThanOrEqualTo(cursor);
      cursor = r.getCursor();
      cursors.add(cursor);
      if (!r.getHasMore()) {
        break;
      }
    }
    assertThat(all).extracting(Message::getMsgId)
        .containsExactlyElementsOf(aliceSees.stream().map(SendAck::getMsgId).toList());
    assertThat(cursors).hasSize(3).doesNotHaveDuplicates();
    assertThat(all.get(1).getSessionId()).isEqualTo("c2c:alice:carol");
    assertThat(all.get(1).getBody()).isEqualTo("carol to alice");

    // an exhausted cursor answers nothing and keeps the cursor
    SyncResult end = syncOk("alice", cursor, 3);
    assertThat(end.getMessagesList()).isEmpty();
    assertThat(end.getCursor()).isEqualTo(cursor);
    assertThat(end.getHasMore()).isFalse();

    // limit 0 takes the default (4 here); dave's chain holds only his two sessions
    assertThat(syncOk("alice", 0, 0).getMessagesCount()).isEqualTo(4);
    assertThat(syncOk("dave", 0, 0).getMessagesList()).extracting(Message::getBody)
        .containsExactly("not for alice", "to dave", "dave to alice");
  }

  @Test
  void aResendLeavesNoSecondMessageInPullOrSync() throws Exception {
    SendAck first = send("alice", "a-1", "user:bob", "hi");
    SendAck again = send("alice", "a-1", "user:bob", "hi");
    send("alice", "a-2", "user:bob", "there");
    assertThat(again).isEqualTo(first);

    assertThat(seqs(pullOk("bob", AB, 0, 50).getMessagesList())).containsExactly(1L, 2L);
    assertThat(syncOk("alice", 0, 50).getMessagesList()).extracting(Message::getClientMsgId).containsExactly("a-1", "a-2");
    assertThat(syncOk("bob", 0, 50).getMessagesList()).extracting(Message::getClientMsgId).containsExactly("a-1", "a-2");
  }

  @Test
  void aMissingBodyIsReportedAndSkippedAndThePageGoesOn() throws Exception {
    List<SendAck> acks = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      acks.add(send("alice", "a-" + i, "user:bob", "m" + i));
    }
    kv.write(KvBatch.durable().delete(ChainKeys.body(acks.get(1).getMsgId())));
    double bodies = counter("stoa_reader_missing_bodies");
    double links = counter("stoa_reader_missing_links");

    Messages pulled = pullOk("bob", AB, 0, 50);
    assertThat(seqs(pulled.getMessagesList())).containsExactly(1L, 3L);
    assertThat(counter("stoa_reader_missing_bodies")).isEqualTo(bodies + 1);

    SyncResult synced = syncOk("bob", 0, 50);
    assertThat(seqs(synced.getMessagesList())).containsExactly(1L, 3L);
    assertThat(synced.getCursor()).isEqualTo(3);
    assertThat(counter("stoa_reader_missing_bodies")).isEqualTo(bodies + 2);
    // in the sync page seq 3 no longer links to the message before it
    assertThat(counter("stoa_reader_missing_links")).isEqualTo(links + 1);

    // a page whose last body is gone still moves the cursor past it
    kv.write(KvBatch.durable().delete(ChainKeys.body(acks.get(2).getMsgId())));
    SyncResult tail = syncOk("bob", 1, 50);
    assertThat(tail.getMessagesList()).isEmpty();
    assertThat(tail.getCursor()).isEqualTo(3);
  }

  @Test
  void aHoleInTheSessionChainIsReportedAsAMissingLink() throws Exception {
    for (int i = 1; i <= 4; i++) {
      send("alice", "a-" + i, "user:bob", "m" + i);
    }
    kv.write(KvBatch.durable().delete(ChainKeys.sessionEntry(AB, 2)));
    double links = counter("stoa_reader_missing_links");

    // the pull returns what is there; seq 3's preSeq tells the client 2 is missing
    Messages pulled = pullOk("alice", AB, 0, 50);
    assertThat(seqs(pulled.getMessagesList())).containsExactly(1L, 3L, 4L);
    assertThat(pulled.getMessages(1).getPreSeq()).isEqualTo(2);
    assertThat(counter("stoa_reader_missing_links")).isEqualTo(links + 1);

    // a pull that starts right before the hole: the first message is checked against afterSeq
    assertThat(seqs(pullOk("alice", AB, 1, 50).getMessagesList())).containsExactly(3L, 4L);
    assertThat(counter("stoa_reader_missing_links")).isEqualTo(links + 2);

    // the user chain still holds seq 2, so sync is complete
    assertThat(seqs(syncOk("bob", 0, 50).getMessagesList())).containsExactly(1L, 2L, 3L, 4L);
    assertThat(counter("stoa_reader_missing_links")).isEqualTo(links + 2);
  }

  private static double counter(String name) {
    Counter c = Metrics.registry().find(name).counter();
    return c == null ? 0 : c.count();
  }
}
