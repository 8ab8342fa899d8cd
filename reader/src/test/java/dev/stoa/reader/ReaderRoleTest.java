package dev.stoa.reader;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.kv.KvStore;
import dev.stoa.kv.RocksDbKvStore;
import dev.stoa.proto.client.Code;
import dev.stoa.proto.internal.Gateway;
import dev.stoa.proto.internal.Index;
import dev.stoa.proto.internal.PullRequest;
import dev.stoa.proto.internal.PullResult;
import dev.stoa.proto.internal.Reader;
import dev.stoa.proto.internal.State;
import dev.stoa.proto.internal.Writer;
import dev.stoa.cluster.ServiceDirectory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReaderRoleTest {
  @TempDir
  Path dir;

  /** A hand-written in-memory directory that records registrations. */
  static final class RecordingDirectory implements ServiceDirectory {
    final Map<String, Object> registered = new ConcurrentHashMap<>();
    final List<String> log = new CopyOnWriteArrayList<>();
    /** The index server {@link #index()} answers with; null: none (the interface default). */
    volatile Index index;

    @Override
    public Index index() {
      return index != null ? index : ServiceDirectory.super.index();
    }

    @Override
    public Future<Void> register(Role role, String instanceId, Object service) {
      registered.put(role + "/" + instanceId, service);
      log.add("register " + role + " " + instanceId);
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> unregister(Role role, String instanceId) {
      registered.remove(role + "/" + instanceId);
      log.add("unregister " + role + " " + instanceId);
      return Future.succeededFuture();
    }

    @Override
    public Writer writer() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Reader reader() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<State> state(String stateServerId) {
      return Optional.empty();
    }

    @Override
    public Optional<Gateway> gateway(String gatewayId) {
      return Optional.empty();
    }

    @Override
    public Optional<String> pickStateServer(long connId) {
      return Optional.empty();
    }
  }

  @Test
  void registersAReaderAndUnregistersOnStop() throws Exception {
    Vertx vertx = Vertx.vertx();
    KvStore kv = RocksDbKvStore.open(dir);
    try {
      RecordingDirectory directory = new RecordingDirectory();
      ReaderRole role = new ReaderRole(vertx, "r1", kv, new MemoryRooms(), directory, ReaderOptions.defaults());
      ReadPipelineTest.await(role.start());

      Object registered = directory.registered.get(ServiceDirectory.Role.READER + "/r1");
      assertThat(registered).isInstanceOf(Reader.class).isSameAs(role.pipeline());
      PullResult empty = ReadPipelineTest.await(((Reader) registered).pull(PullRequest.newBuilder()
          .setUserId("alice").setSessionId("user:bob").build()));
      assertThat(empty.getCode()).isEqualTo(Code.OK);
      assertThat(empty.getMessages().getSessionId()).isEqualTo("c2c:alice:bob");
      assertThat(empty.getMessages().getMessagesList()).isEmpty();

      ReadPipelineTest.await(role.stop());
      assertThat(directory.log).containsExactly("register READER r1", "unregister READER r1");
      assertThat(role.pipeline()).isNull();
    } finally {
      kv.close();
      ReadPipelineTest.await(vertx.close());
    }
  }
}
