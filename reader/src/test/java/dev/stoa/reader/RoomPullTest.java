package dev.stoa.reader;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.kv.KvStore;
import dev.stoa.kv.RocksDbKvStore;
import dev.stoa.proto.client.Code;
import dev.stoa.proto.client.Message;
import dev.stoa.proto.internal.CloseRoomRequest;
import dev.stoa.proto.internal.CloseRoomResult;
import dev.stoa.proto.internal.FetchRequest;
import dev.stoa.proto.internal.FetchResult;
import dev.stoa.proto.internal.AppendRequest;
import dev.stoa.proto.internal.AppendResult;
import dev.stoa.proto.internal.Index;
import dev.stoa.proto.internal.PullRequest;
import dev.stoa.proto.internal.PullResult;
import dev.stoa.proto.internal.ReadRequest;
import dev.stoa.proto.internal.ReadResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Room pulls through the read pipeline: membership from the room table, messages from an index server. */
class RoomPullTest {
  @TempDir
  Path dir;
  private Vertx vertx;
  private KvStore kv;
  private ReadPipeline pipeline;
  private final MemoryRooms rooms = new MemoryRooms();
  private final List<ReadRequest> reads = new CopyOnWriteArrayList<>();

  /** An index-server peer whose ring holds seq 1..3 of room:lobby. */
  private final Index index = new Index() {
    @Override
    public Future<ReadResult> read(ReadRequest request) {
      reads.add(request);
      ReadResult.Builder r = ReadResult.newBuilder().setCode(Code.OK).setLatestSeq(3).setOldestSeq(1);
      for (long seq = request.getAfterSeq() + 1; seq <= 3 && r.getMessagesCount() < request.getLimit(); seq++) {
        r.addMessages(Message.newBuilder().setSessionId("room:lobby").setSeq(seq).setPreSeq(seq - 1)
            .setMsgId(100 + seq).setBody("m" + seq));
      }
      return Future.succeededFuture(r.setHasMore(request.getAfterSeq() + r.getMessagesCount() < 3).build());
    }

    @Override
    public Future<AppendResult> append(AppendRequest request) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<FetchResult> fetch(FetchRequest request) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<CloseRoomResult> closeRoom(CloseRoomRequest request) {
      throw new UnsupportedOperationException();
    }
  };

  @BeforeEach
  void open() {
    vertx = Vertx.vertx();
    kv = RocksDbKvStore.open(dir.resolve("kv"));
    ReaderRoleTest.RecordingDirectory directory = new ReaderRoleTest.RecordingDirectory();
    directory.index = index;
    pipeline = new ReadPipeline(vertx, kv, new RoomReader(rooms, directory), ReaderOptions.defaults());
  }

  @AfterEach
  void close() throws Exception {
    pipeline.close();
    kv.close();
    vertx.close().await();
  }

  private PullResult pull(String user, String session, long afterSeq, int limit) throws Exception {
    return pipeline.pull(PullRequest.newBuilder().setUserId(user).setSessionId(session).setAfterSeq(afterSeq)
        .setLimit(limit).build()).toCompletionStage().toCompletableFuture().get();
  }

  @Test
  void aMemberPullsTheSeqRangeFromTheIndexServer() throws Exception {
    rooms.join("lobby", "alice", 1);
    PullResult r = pull("alice", "room:lobby", 1, 1);
    assertThat(r.getCode()).isEqualTo(Code.OK);
    assertThat(r.getMessages().getSessionId()).isEqualTo("room:lobby");
    assertThat(r.getMessages().getMessagesList()).extracting(Message::getSeq).containsExactly(2L);
    assertThat(r.getMessages().getHasMore()).isTrue();
    assertThat(reads.getLast().getSessionId()).isEqualTo("room:lobby");
    assertThat(reads.getLast().getAfterSeq()).isEqualTo(1);
    assertThat(pull("alice", "room:lobby", 0, 0).getMessages().getMessagesList()).hasSize(3);
  }

  @Test
  void aNonMemberIsForbiddenAndTheIndexServerIsNotAsked() throws Exception {
    PullResult r = pull("mallory", "room:lobby", 0, 10);
    assertThat(r.getCode()).isEqualTo(Code.FORBIDDEN);
    assertThat(r.getError()).contains("mallory").contains("lobby");
    assertThat(reads).isEmpty();
  }
}
