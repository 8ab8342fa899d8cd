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
import dev.stoa.cluster.LocalDirectory;
import dev.stoa.cluster.ServiceDirectory;
import dev.stoa.cluster.ServiceKind;
import dev.stoa.cluster.Services;
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
    private static final ServiceDirectory NONE = new LocalDirectory();
    final Map<String, Object> registered = new ConcurrentHashMap<>();
    final List<String> log = new CopyOnWriteArrayList<>();
    /** The index server {@code any(INDEX)} answers with; null: none (calls fail UNAVAILABLE). */
    volatile Index index;

    @Override
    public <T> Future<Void> register(ServiceKind<T> kind, String instanceId, T service) {
      registered.put(kind + "/" + instanceId, service);
      log.add("register " + kind + " " + instanceId);
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> unregister(ServiceKind<?> kind, String instanceId) {
      registered.remove(kind + "/" + instanceId);
      log.add("unregister " + kind + " " + instanceId);
      return Future.succeededFuture();
    }

    @Override
    public <T> T any(ServiceKind<T> kind) {
      if (kind == Services.INDEX) {
        return index != null ? kind.type().cast(index) : NONE.any(kind);
      }
      throw new UnsupportedOperationException(kind + " is not needed by the reader tests");
    }

    @Override
    public <T> Optional<T> find(ServiceKind<T> kind, String instanceId) {
      return Optional.empty();
    }

    @Override
    public Optional<String> pick(ServiceKind<?> kind, long key) {
      return Optional.empty();
    }

    @Override
    public List<String> announced(ServiceKind<?> kind) {
      return List.of();
    }

    @Override
    public Optional<String> incarnation(ServiceKind<?> kind, String instanceId) {
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

      Object registered = directory.registered.get(Services.READER + "/r1");
      assertThat(registered).isInstanceOf(Reader.class).isSameAs(role.pipeline());
      PullResult empty = ReadPipelineTest.await(((Reader) registered).pull(PullRequest.newBuilder()
          .setUserId("alice").setSessionId("user:bob").build()));
      assertThat(empty.getCode()).isEqualTo(Code.OK);
      assertThat(empty.getMessages().getSessionId()).isEqualTo("c2c:alice:bob");
      assertThat(empty.getMessages().getMessagesList()).isEmpty();

      ReadPipelineTest.await(role.stop());
      assertThat(directory.log).containsExactly("register reader r1", "unregister reader r1");
      assertThat(role.pipeline()).isNull();
    } finally {
      kv.close();
      ReadPipelineTest.await(vertx.close());
    }
  }
}
