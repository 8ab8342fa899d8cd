package dev.stoa.reader;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.common.metrics.Metrics;
import dev.stoa.kv.RocksDbKvStore;
import dev.stoa.proto.client.Code;
import dev.stoa.proto.client.Send;
import dev.stoa.proto.internal.PullRequest;
import dev.stoa.proto.internal.PullResult;
import dev.stoa.proto.internal.SendRequest;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** reader.queue.max: reads over the bound are answered UNAVAILABLE at once; admitted ones complete. */
class ReadQueueBoundTest {
  @TempDir
  Path dir;

  @Test
  void readsOverTheBoundAreRefusedAndAdmittedOnesCompleteOnRelease() throws Exception {
    Vertx vertx = Vertx.vertx();
    GatedReadsKvStore kv = new GatedReadsKvStore(RocksDbKvStore.open(dir.resolve("kv")));
    AtomicLong msgIds = new AtomicLong(100);
    SendPipeline writer = new SendPipeline(vertx, kv, msgIds::incrementAndGet, PushTrigger.NONE,
        WriterOptions.defaults(), Clock.systemUTC());
    // 2 read threads, 3 reads admitted at once: 2 running, 1 waiting
    ReadPipeline reader = new ReadPipeline(vertx, kv, new ReaderOptions(5, 5, 2, 3));
    try {
      await(writer.send(SendRequest.newBuilder().setUserId("alice").setDeviceId("d").setConnId(1)
          .setSend(Send.newBuilder().setClientMsgId("m1").setSessionId("user:bob").setBody("hi")).build()));
      double refusedBefore = refused("pull") + refused("sync");

      kv.hold();
      List<Future<PullResult>> admitted = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        admitted.add(reader.pull(pull()));
      }
      Future<PullResult> over = reader.pull(pull());
      Future<SyncReply> overSync = reader.sync(SyncRequest.newBuilder().setUserId("bob").build());

      PullResult refused = await(over);
      assertThat(refused.getCode()).isEqualTo(Code.UNAVAILABLE);
      assertThat(refused.getError()).startsWith("reader.queue.max: 3 reads already admitted");
      SyncReply refusedSync = await(overSync);
      assertThat(refusedSync.getCode()).isEqualTo(Code.UNAVAILABLE);
      assertThat(refusedSync.getError()).startsWith("reader.queue.max:");
      assertThat(admitted).noneMatch(Future::isComplete);
      assertThat(refused("pull") + refused("sync")).isEqualTo(refusedBefore + 2);

      kv.release();
      for (Future<PullResult> f : admitted) {
        PullResult r = await(f);
        assertThat(r.getCode()).as(r.getError()).isEqualTo(Code.OK);
        assertThat(r.getMessages().getMessagesCount()).isEqualTo(1);
      }
      // the slots are given back: a read is admitted again
      assertThat(await(reader.pull(pull())).getCode()).isEqualTo(Code.OK);
    } finally {
      kv.release();
      reader.close();
      writer.close();
      kv.close();
      await(vertx.close());
    }
  }

  private static PullRequest pull() {
    return PullRequest.newBuilder().setUserId("bob").setSessionId("user:alice").build();
  }

  private static double refused(String op) {
    Counter c = Metrics.registry().find("stoa_reader_requests").tag("op", op).tag("result", "unavailable").counter();
    return c == null ? 0 : c.count();
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
  }
}
