package dev.stoa.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.index.wal.Durability;
import dev.stoa.index.wal.WalOptions;
import dev.stoa.proto.client.Code;
import dev.stoa.proto.client.Message;
import dev.stoa.proto.client.Send;
import dev.stoa.proto.client.SendAck;
import dev.stoa.proto.internal.AppendRequest;
import dev.stoa.proto.internal.AppendResult;
import dev.stoa.proto.internal.CloseRoomRequest;
import dev.stoa.proto.internal.FetchRequest;
import dev.stoa.proto.internal.FetchResult;
import dev.stoa.proto.internal.IndexRecord;
import dev.stoa.proto.internal.ReadRequest;
import dev.stoa.proto.internal.ReadResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The index server over real shard logs in a temp directory, durable group commit. */
class IndexServerTest {
  @TempDir
  Path dir;
  Vertx vertx;
  IndexServer server;
  final AtomicLong msgIds = new AtomicLong(5000);

  static final IndexOptions OPTIONS = IndexOptions.defaults()
      .withWal(new WalOptions(1 << 20, 3_600_000, 4096, 64 * 1024, Durability.GROUP, 2, 1 << 20, 86_400_000, -1));

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    server = open(OPTIONS);
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      await(server.stop());
    }
    await(vertx.close());
  }

  IndexServer open(IndexOptions options) throws Exception {
    IndexServer s = new IndexServer(vertx, "ix-1", dir, options, msgIds::incrementAndGet, Clock.systemUTC());
    await(s.start());
    return s;
  }

  void restart() throws Exception {
    await(server.stop());
    msgIds.addAndGet(1_000_000);
    server = open(OPTIONS);
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static AppendRequest append(String user, String clientMsgId, String session, String body) {
    return AppendRequest.newBuilder().setUserId(user).setDeviceId("d1").setConnId(3)
        .setSend(Send.newBuilder().setClientMsgId(clientMsgId).setSessionId(session).setBody(body)).build();
  }

  SendAck ok(AppendRequest request) throws Exception {
    AppendResult r = await(server.append(request));
    assertThat(r.getAck().getCode()).as(r.getError()).isEqualTo(Code.OK);
    return r.getAck();
  }

  ReadResult read(String session, long afterSeq, int limit) throws Exception {
    return await(server.read(ReadRequest.newBuilder().setSessionId(session).setAfterSeq(afterSeq).setLimit(limit)
        .build()));
  }

  static List<Long> seqs(ReadResult r) {
    return r.getMessagesList().stream().map(Message::getSeq).toList();
  }

  @Test
  void assignsSeqPerRoomLinkedToTheMessageBeforeAndServesItFromTheRing() throws Exception {
    List<SendAck> lobby = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      lobby.add(ok(append("alice", "a-" + i, "room:lobby", "hi " + i)));
      ok(append("bob", "b-" + i, "room:kitchen", "yo " + i));
    }
    assertThat(lobby).extracting(SendAck::getSeq).containsExactly(1L, 2L, 3L);
    assertThat(lobby.get(0).getPreSeq()).isZero();
    assertThat(lobby.get(0).getPreMsgId()).isZero();
    assertThat(lobby.get(2).getPreSeq()).isEqualTo(2);
    assertThat(lobby.get(2).getPreMsgId()).isEqualTo(lobby.get(1).getMsgId());

    ReadResult r = read("room:lobby", 1, 10);
    assertThat(r.getCode()).isEqualTo(Code.OK);
    assertThat(seqs(r)).containsExactly(2L, 3L);
    assertThat(r.getMessages(0).getBody()).isEqualTo("hi 2");
    assertThat(r.getMessages(0).getFromUserId()).isEqualTo("alice");
    assertThat(r.getLatestSeq()).isEqualTo(3);
    assertThat(r.getOldestSeq()).isEqualTo(1);
    assertThat(read("room:lobby", 0, 2).getHasMore()).isTrue();
    assertThat(read("room:lobby", 0, 0).getMessagesCount()).as("limit 0 reads only the head").isZero();
    assertThat(read("room:nobody", 0, 10).getLatestSeq()).isZero();
  }

  @Test
  void aResendReturnsTheFirstAckAndStoresNothingTwice() throws Exception {
    SendAck first = ok(append("alice", "a-1", "room:lobby", "hi"));
    SendAck again = ok(append("alice", "a-1", "room:lobby", "hi"));
    assertThat(again).isEqualTo(first);
    assertThat(seqs(read("room:lobby", 0, 10))).containsExactly(1L);
  }

  @Test
  void aRestartRebuildsRingsAndDedupAndContinuesSeq() throws Exception {
    for (int i = 1; i <= 5; i++) {
      ok(append("alice", "a-" + i, "room:lobby", "m" + i));
    }
    restart();
    ReadResult r = read("room:lobby", 0, 10);
    assertThat(seqs(r)).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(r.getMessages(4).getBody()).isEqualTo("m5");
    SendAck resend = ok(append("alice", "a-5", "room:lobby", "m5"));
    assertThat(resend.getSeq()).isEqualTo(5);
    SendAck sixth = ok(append("alice", "a-6", "room:lobby", "m6"));
    assertThat(sixth.getSeq()).isEqualTo(6);
    assertThat(sixth.getPreSeq()).isEqualTo(5);
    assertThat(sixth.getPreMsgId()).isEqualTo(r.getMessages(4).getMsgId());
  }

  @Test
  void closingARoomDropsItsRingForGoodAndSeqContinuesWhenItReopens() throws Exception {
    ok(append("alice", "a-1", "room:lobby", "one"));
    ok(append("alice", "a-2", "room:lobby", "two"));
    assertThat(await(server.closeRoom(CloseRoomRequest.newBuilder().setSessionId("room:lobby").build())).getCode())
        .isEqualTo(Code.OK);
    assertThat(read("room:lobby", 0, 10).getMessagesCount()).isZero();
    restart();
    assertThat(read("room:lobby", 0, 10).getMessagesCount()).as("the close is replayed").isZero();
    SendAck three = ok(append("alice", "a-3", "room:lobby", "three"));
    assertThat(three.getSeq()).isEqualTo(3);
    assertThat(three.getPreSeq()).isEqualTo(2);
    assertThat(seqs(read("room:lobby", 0, 10))).containsExactly(3L);
  }

  @Test
  void refusesOtherSessionsWrongEpochsAndBadIdsNamingTheField() throws Exception {
    AppendResult c2c = await(server.append(append("alice", "a-1", "c2c:alice:bob", "x")));
    assertThat(c2c.getAck().getCode()).isEqualTo(Code.BAD_REQUEST);
    assertThat(c2c.getError()).startsWith("sessionId: ");
    assertThat(c2c.getAck().getClientMsgId()).isEqualTo("a-1");

    AppendResult epoch = await(server.append(append("alice", "a-1", "room:lobby", "x").toBuilder().setEpoch(7).build()));
    assertThat(epoch.getAck().getCode()).isEqualTo(Code.UNAVAILABLE);
    assertThat(epoch.getError()).contains("epoch 7 requested").contains("epoch 1");
    assertThat(epoch.getEpoch()).isEqualTo(1);
    assertThat(epoch.getLeaderHint()).as("who leads the shard at the current epoch").isEqualTo("ix-1");

    assertThat(await(server.append(append("", "a-1", "room:lobby", "x"))).getError()).startsWith("userId: ");
    assertThat(await(server.append(append("alice", "a-1", "room:bad id", "x"))).getError()).startsWith("roomId: ");
    assertThat(await(server.append(append("alice", "a-1", "room:lobby", ""))).getError()).startsWith("body: ");
    assertThat(read("room:lobby", 0, 10).getMessagesCount()).isZero();
    assertThat(read("group:g", 0, 10).getCode()).isEqualTo(Code.BAD_REQUEST);
  }

  @Test
  void startingWithAnotherShardCountIsRefused() throws Exception {
    await(server.stop());
    server = null;
    IndexServer other = new IndexServer(vertx, "ix-1", dir, OPTIONS.withShards(OPTIONS.shards() + 1),
        msgIds::incrementAndGet, Clock.systemUTC());
    assertThatThrownBy(() -> await(other.start())).hasMessageContaining("index.shards")
        .hasMessageContaining("written with " + OPTIONS.shards());
  }

  @Test
  void fetchLongPollsForTheNextRecordOfAShard() throws Exception {
    int shard = server.shardOf("room:lobby");
    FetchResult empty = await(server.fetch(FetchRequest.newBuilder().setShard(shard).setFromOffset(0)
        .setMaxWaitMs(50).build()));
    assertThat(empty.getCode()).isEqualTo(Code.OK);
    assertThat(empty.getRecordsCount()).isZero();

    // a long poll that outlasts a slow append on a loaded machine; it returns as soon as the record is there
    Future<FetchResult> waiting = server.fetch(FetchRequest.newBuilder().setShard(shard).setFromOffset(0)
        .setMaxWaitMs(20_000).build());
    Thread.sleep(100);
    assertThat(waiting.isComplete()).as("waits for a record").isFalse();
    SendAck ack = ok(append("alice", "a-1", "room:lobby", "hi"));
    FetchResult got = await(waiting);
    assertThat(got.getRecordsCount()).isEqualTo(1);
    assertThat(got.getRecords(0).getOffset()).isZero();
    assertThat(got.getDurableOffset()).isEqualTo(1);
    Message stored = IndexRecord.parseFrom(got.getRecords(0).getPayload()).getMessage();
    assertThat(stored.getMsgId()).isEqualTo(ack.getMsgId());

    FetchResult bad = await(server.fetch(FetchRequest.newBuilder().setShard(shard).setFromOffset(99).build()));
    assertThat(bad.getCode()).isEqualTo(Code.BAD_REQUEST);
    assertThat(bad.getError()).startsWith("fromOffset: ");
    assertThat(await(server.fetch(FetchRequest.newBuilder().setShard(999).build())).getError()).startsWith("shard: ");
  }
}
