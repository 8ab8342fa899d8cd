package dev.stoa.writer;

import static dev.stoa.writer.TestSupport.await;
import static dev.stoa.writer.TestSupport.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.common.StoaException;
import dev.stoa.kv.KvStore;
import dev.stoa.kv.RocksDbKvStore;
import dev.stoa.kv.chain.SessionChain;
import dev.stoa.proto.client.Code;
import dev.stoa.proto.client.SendAck;
import dev.stoa.proto.internal.AppendResult;
import dev.stoa.proto.internal.SendResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Room sends through the pipeline: membership from the room table, storage at the index server. */
class RoomSendTest {
  @TempDir
  Path dir;
  private Vertx vertx;
  private KvStore kv;
  private SendPipeline pipeline;
  private final InMemoryCluster.Rooms rooms = new InMemoryCluster.Rooms();
  private final InMemoryCluster.RecordingIndex index = new InMemoryCluster.RecordingIndex();
  private final InMemoryCluster.Directory directory = new InMemoryCluster.Directory();
  private final TestSupport.RecordingPush pushes = new TestSupport.RecordingPush();

  @BeforeEach
  void open() {
    vertx = Vertx.vertx();
    kv = RocksDbKvStore.open(dir.resolve("kv"));
    directory.index = index;
    AtomicLong ids = new AtomicLong(1000);
    pipeline = new SendPipeline(vertx, kv, ids::incrementAndGet, pushes, new RoomSender(rooms, directory),
        WriterOptions.defaults(), Clock.systemUTC());
  }

  @AfterEach
  void close() throws Exception {
    pipeline.close();
    kv.close();
    vertx.close().await();
  }

  @Test
  void aMemberSendIsAppendedAtTheIndexServerAndItsAnswerReturned() throws Exception {
    rooms.join("lobby", "alice", 7);
    SendAck stored = SendAck.newBuilder().setCode(Code.OK).setClientMsgId("a-1").setSessionId("room:lobby")
        .setMsgId(99).setSeq(5).setPreSeq(4).setPreMsgId(98).setSentAt(1).build();
    index.answer = Future.succeededFuture(AppendResult.newBuilder().setAck(stored).build());

    SendResult r = await(pipeline.send(send("alice", "phone", 7, "a-1", "room:lobby", "hello")));

    assertThat(r.getAck()).isEqualTo(stored);
    assertThat(index.appends).hasSize(1);
    assertThat(index.appends.getFirst().getUserId()).isEqualTo("alice");
    assertThat(index.appends.getFirst().getDeviceId()).isEqualTo("phone");
    assertThat(index.appends.getFirst().getConnId()).isEqualTo(7);
    assertThat(index.appends.getFirst().getSend().getSessionId()).isEqualTo("room:lobby");
    assertThat(index.appends.getFirst().getSend().getBody()).isEqualTo("hello");
    // nothing of it in the causal store, and no push from the writer: state servers pull rooms
    assertThat(new SessionChain(kv).range("room:lobby", 0, 10)).isEmpty();
    Thread.sleep(100);
    assertThat(pushes.calls).isEmpty();
  }

  @Test
  void aNonMemberIsForbiddenAndNothingIsAppended() throws Exception {
    SendResult r = await(pipeline.send(send("mallory", "d", 1, "m-1", "room:lobby", "hi")));
    assertThat(r.getAck().getCode()).isEqualTo(Code.FORBIDDEN);
    assertThat(r.getAck().getClientMsgId()).isEqualTo("m-1");
    assertThat(r.getError()).contains("mallory").contains("lobby");
    assertThat(index.appends).isEmpty();
  }

  @Test
  void aRefusalOfTheIndexServerIsReturnedAndAnUnreachableOneFails() throws Exception {
    rooms.join("lobby", "alice", 7);
    SendAck refused = SendAck.newBuilder().setCode(Code.UNAVAILABLE).setClientMsgId("a-1")
        .setSessionId("room:lobby").build();
    index.answer = Future.succeededFuture(AppendResult.newBuilder().setAck(refused)
        .setError("shard 3: not the leader at epoch 2").build());
    SendResult r = await(pipeline.send(send("alice", "phone", 7, "a-1", "room:lobby", "hello")));
    assertThat(r.getAck().getCode()).isEqualTo(Code.UNAVAILABLE);
    assertThat(r.getError()).contains("not the leader");

    index.answer = Future.failedFuture(new StoaException(Code.UNAVAILABLE, "index server: connection refused"));
    assertThatThrownBy(() -> await(pipeline.send(send("alice", "phone", 7, "a-2", "room:lobby", "x"))))
        .isInstanceOf(ExecutionException.class).hasMessageContaining("connection refused");
  }

  @Test
  void badRoomIdsAreRejectedBeforeAnyLookup() throws Exception {
    SendResult r = await(pipeline.send(send("alice", "d", 1, "a-1", "room:bad id", "x")));
    assertThat(r.getAck().getCode()).isEqualTo(Code.BAD_REQUEST);
    assertThat(r.getError()).contains("sessionId");
    assertThat(index.appends).isEmpty();
  }
}
