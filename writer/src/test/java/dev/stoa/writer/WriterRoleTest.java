package dev.stoa.writer;

import static dev.stoa.writer.InMemoryCluster.route;
import static dev.stoa.writer.TestSupport.await;
import static dev.stoa.writer.TestSupport.send;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.kv.KvStore;
import dev.stoa.kv.RocksDbKvStore;
import dev.stoa.proto.client.Code;
import dev.stoa.proto.internal.SendResult;
import dev.stoa.proto.internal.Writer;
import dev.stoa.cluster.Services;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriterRoleTest {
  @TempDir
  Path dir;

  @Test
  void registersAWriterThatStoresAndPushesThenUnregisters() throws Exception {
    Vertx vertx = Vertx.vertx();
    KvStore kv = RocksDbKvStore.open(dir);
    try {
      InMemoryCluster.Routes routes = new InMemoryCluster.Routes();
      InMemoryCluster.Directory directory = new InMemoryCluster.Directory();
      InMemoryCluster.StateServer state = new InMemoryCluster.StateServer();
      directory.states.put("s1", state);
      routes.register("bob", route(9, "phone", "s1"));
      AtomicLong ids = new AtomicLong();
      WriterRole role = new WriterRole(vertx, "w1", kv, ids::incrementAndGet, routes, new InMemoryCluster.Rooms(), directory,
          WriterOptions.defaults(), Clock.systemUTC());

      await(role.start());
      Object registered = directory.registered.get(Services.WRITER + "/w1");
      assertThat(registered).isInstanceOf(Writer.class).isSameAs(role.pipeline());

      SendResult r = await(((Writer) registered).send(send("alice", "phone", 1, "a-1", "user:bob", "hi")));
      assertThat(r.getAck().getCode()).isEqualTo(Code.OK);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (state.pushes.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(state.pushes).hasSize(1);
      assertThat(state.pushes.get(0).getConnIdsList()).containsExactly(9L);
      assertThat(state.pushes.get(0).getMessage().getMsgId()).isEqualTo(r.getAck().getMsgId());

      await(role.stop());
      assertThat(directory.log).containsExactly("register writer w1", "unregister writer w1");
      assertThat(role.pipeline()).isNull();
    } finally {
      kv.close();
      await(vertx.close());
    }
  }
}
