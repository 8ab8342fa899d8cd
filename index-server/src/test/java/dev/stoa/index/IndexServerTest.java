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
    restart(OPTIONS);
  }

  void restart(IndexOptions options) throws Exception {
    await(server.stop());
    msgIds.addAndGet(1_000_000);
    server = open(options);
  }

  /** A room id of {@code shard} that is not in {@code taken}. */
  String roomOfShard(int shard, java.util.Set<String> taken) {
    for (int i = 0; ; i++) {
      String room = "room:r" + i;
      if (server.shardOf(room) == shard && !taken.contains(room)) {
        return room;
      }
    }
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

  @Test
  void manyRoomsWithLargeBodiesStayWithinTheRingBudgetAndADroppedRoomAnswersAsBefore() throws Exception {
    long roomMax = 64 * 1024;
    long total = 512 * 1024;
    IndexOptions bounded = OPTIONS.withRings(1000, roomMax, total);
    restart(bounded);
    String body = "x".repeat(8100);
    java.util.Map<String, List<Message>> before = new java.util.LinkedHashMap<>();
    for (int r = 0; r < 40; r++) {
      String room = "room:big-" + r;
      for (int i = 0; i < 6; i++) {
        ok(append("alice", "c-" + r + "-" + i, room, body + i));
      }
      ReadResult first = read(room, 0, 100);
      assertThat(seqs(first)).as("the newest messages that fit " + roomMax + " bytes").containsExactly(4L, 5L, 6L);
      before.put(room, first.getMessagesList());
      assertThat(server.ringBudget().bytes()).as("ring bytes after room " + r).isLessThanOrEqualTo(total);
    }
    assertThat(server.ringBudget().dropped()).as("rings dropped").isPositive();
    String dropped = before.keySet().iterator().next();
    assertThat(server.leader(server.shardOf(dropped)).ringOf(dropped)).as("the oldest room's ring is dropped").isNull();
    for (var e : before.entrySet()) {
      assertThat(read(e.getKey(), 0, 100).getMessagesList()).as(e.getKey()).isEqualTo(e.getValue());
      assertThat(read(e.getKey(), 4, 100).getMessagesList()).as(e.getKey()).isEqualTo(e.getValue().subList(1, 3));
      assertThat(server.ringBudget().bytes()).isLessThanOrEqualTo(total);
    }
    assertThat(server.ringBudget().rebuiltCount()).as("rings rebuilt from the log").isPositive();
    SendAck next = ok(append("alice", "c-next", dropped, "after"));
    assertThat(next.getSeq()).isEqualTo(7);
    assertThat(seqs(read(dropped, 0, 100))).as("a small message fits beside three").containsExactly(4L, 5L, 6L, 7L);

    restart(bounded);
    assertThat(server.ringBudget().bytes()).as("after replay").isLessThanOrEqualTo(total);
    for (var e : before.entrySet()) {
      if (!e.getKey().equals(dropped)) {
        assertThat(read(e.getKey(), 0, 100).getMessagesList()).as(e.getKey() + " after restart").isEqualTo(e.getValue());
      }
    }
  }

  @Test
  void aRoomWhoseSegmentsRetentionDeletedContinuesItsSeqAfterARestart() throws Exception {
    IndexOptions small = OPTIONS.withWal(OPTIONS.wal().withMaxRecordBytes(16 * 1024).withSegmentBytes(64 * 1024)
        .withRetention(-1, 1));
    await(server.stop());
    try (var files = java.nio.file.Files.walk(dir.resolve("index"))) { // small segments from the first one on
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        java.nio.file.Files.delete(p);
      }
    }
    server = open(small);
    String body = "y".repeat(4000);
    String idle = "room:idle";
    String busy = roomOfShard(server.shardOf(idle), java.util.Set.of(idle));
    SendAck last = null;
    for (int i = 1; i <= 20; i++) {
      last = ok(append("alice", "i-" + i, idle, body));
    }
    for (int i = 1; i <= 40; i++) {
      ok(append("bob", "b-" + i, busy, body));
    }
    int deleted = await(server.enforceRetention());
    assertThat(deleted).as("segments deleted").isPositive();
    var log = server.leader(server.shardOf(idle)).log();
    assertThat(log.startOffset()).as("every record of the idle room is deleted").isGreaterThan(20);

    restart(small);
    assertThat(read(idle, 0, 10).getMessagesCount()).as("nothing of it is left to read").isZero();
    SendAck next = ok(append("alice", "i-21", idle, "back"));
    assertThat(next.getSeq()).as("seq continues after the heads checkpoint").isEqualTo(21);
    assertThat(next.getPreSeq()).isEqualTo(20);
    assertThat(next.getPreMsgId()).isEqualTo(last.getMsgId());
  }

  @Test
  void aShardWhoseLogOrHeadsCannotBeReadIsOfflineAloneAndTheOthersServe() throws Exception {
    String good = "room:good";
    int goodShard = server.shardOf(good);
    int badLog = (goodShard + 1) % OPTIONS.shards();
    int badHeads = (goodShard + 2) % OPTIONS.shards();
    String brokenLog = roomOfShard(badLog, java.util.Set.of());
    String brokenHeads = roomOfShard(badHeads, java.util.Set.of());
    ok(append("alice", "g-1", good, "fine"));
    ok(append("alice", "l-1", brokenLog, "lost"));
    ok(append("alice", "h-1", brokenHeads, "lost"));
    await(server.stop());
    server = null;
    Path logDir = dir.resolve("index").resolve(String.format("shard-%04d", badLog));
    try (var ch = java.nio.channels.FileChannel.open(logDir.resolve("00000000000000000000.log"),
        java.nio.file.StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(new byte[] {(byte) 0xEE, (byte) 0xEE}), 40); // inside a durable record
    }
    java.nio.file.Files.write(dir.resolve("index").resolve(String.format("shard-%04d", badHeads))
        .resolve(HeadsCheckpoint.FILE), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
        20, 21, 22, 23, 24, 25});

    List<java.util.logging.LogRecord> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.logging.Handler capture = new java.util.logging.Handler() {
      @Override
      public void publish(java.util.logging.LogRecord r) {
        logged.add(r);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    java.util.logging.Logger logger = java.util.logging.Logger.getLogger(IndexServer.class.getName());
    logger.addHandler(capture);
    try {
      server = open(OPTIONS);
    } finally {
      logger.removeHandler(capture);
    }
    assertThat(server.offlineShards()).isEqualTo(2);
    assertThat(dev.stoa.common.metrics.Metrics.registry().get("stoa_index_shards_offline").tag("server", "ix-1")
        .gauge().value()).isEqualTo(2.0);
    for (int shard : new int[] {badLog, badHeads}) {
      assertThat(logged.stream().filter(r -> r.getLevel() == java.util.logging.Level.SEVERE
          && r.getMessage().contains("shard " + shard + " ")).count()).as("logged once at SEVERE").isEqualTo(1);
    }
    for (String room : List.of(brokenLog, brokenHeads)) {
      int shard = server.shardOf(room);
      ReadResult r = read(room, 0, 10);
      assertThat(r.getCode()).isEqualTo(Code.UNAVAILABLE);
      assertThat(r.getError()).contains("shard " + shard + " is offline");
      AppendResult a = await(server.append(append("alice", "x-1", room, "again")));
      assertThat(a.getAck().getCode()).isEqualTo(Code.UNAVAILABLE);
      assertThat(a.getError()).contains("shard " + shard + " is offline");
      assertThat(await(server.fetch(FetchRequest.newBuilder().setShard(shard).build())).getCode())
          .isEqualTo(Code.UNAVAILABLE);
    }
    assertThat(read(brokenHeads, 0, 10).getError()).contains(HeadsCheckpoint.FILE);
    assertThat(seqs(read(good, 0, 10))).containsExactly(1L);
    assertThat(ok(append("alice", "g-2", good, "still fine")).getSeq()).isEqualTo(2);
  }
}
