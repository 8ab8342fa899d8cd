package dev.stoa.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.proto.client.Message;
import dev.stoa.proto.internal.Connection;
import dev.stoa.proto.internal.Gateway;
import dev.stoa.proto.internal.PushRequest;
import dev.stoa.proto.client.Code;
import dev.stoa.proto.internal.Index;
import dev.stoa.proto.internal.Reader;
import dev.stoa.proto.internal.RoomMembership;
import dev.stoa.proto.internal.Rooms;
import dev.stoa.proto.internal.State;
import dev.stoa.proto.internal.Writer;
import dev.stoa.cluster.ServiceDirectory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateRoleTest {
  @TempDir
  Path dataDir;

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void tearDown() throws Exception {
    await(vertx.close());
  }

  @Test
  void announcesItselfAsStateAndRoomsAndPushesThroughGatewaysOfTheDirectory() throws Exception {
    LocalDirectory directory = new LocalDirectory();
    RecordingGateway gateway = new RecordingGateway("gw-1");
    InMemoryIndex index = new InMemoryIndex();
    await(directory.register(ServiceDirectory.Role.GATEWAY, gateway.id, gateway));
    StateRole role = new StateRole(vertx, "role-state-1", dataDir,
        // the first retransmit comes long after the single delivery below is counted, even on a slow machine
        new StateOptions(10_000, 10_000, 1_000, 10), directory, SharedCluster.roomTable(Duration.ofSeconds(90)),
        Duration.ofSeconds(90));

    await(role.start());
    await(directory.register(ServiceDirectory.Role.INDEX, "index-1", index));

    State state = directory.state("role-state-1").orElseThrow();
    assertThat(state).isSameAs(role.server());
    Rooms rooms = directory.rooms("role-state-1").orElseThrow();
    assertThat(rooms).isSameAs(role.rooms());
    await(state.attach(Connection.newBuilder().setConnId(5).setGatewayId("gw-1").build()));
    await(state.push(PushRequest.newBuilder().addConnIds(5)
        .setMessage(Message.newBuilder().setMsgId(9).setSessionId("c2c:a:b")).build()));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (gateway.calls.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(gateway.deliveries(5, 9)).hasSize(1);
    String room = "role-room-" + System.nanoTime();
    assertThat(await(rooms.join(RoomMembership.newBuilder().setConnId(5).setUserId("u5").setRoomId(room).build()))
        .getCode()).as("the index registered after the role is found per call").isEqualTo(Code.OK);
    long roomMsgId = index.append(room, "hello room").getMsgId();
    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (gateway.deliveries(5, roomMsgId).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(gateway.deliveries(5, roomMsgId)).hasSize(1);

    await(role.stop());
    assertThat(directory.state("role-state-1")).isEmpty();
    assertThat(directory.rooms("role-state-1")).isEmpty();
    assertThat(StateServer.mapFile(dataDir, "role-state-1")).exists();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** A one-process directory test peer: every role is hosted here and returned as itself. */
  private static final class LocalDirectory implements ServiceDirectory {
    private final Map<Role, Map<String, Object>> hosted = new ConcurrentHashMap<>();

    @Override
    public Future<Void> register(Role role, String instanceId, Object service) {
      hosted.computeIfAbsent(role, r -> new ConcurrentHashMap<>()).put(instanceId, service);
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> unregister(Role role, String instanceId) {
      hosted.getOrDefault(role, Map.of()).remove(instanceId);
      return Future.succeededFuture();
    }

    @Override
    public Writer writer() {
      throw new UnsupportedOperationException("no writer in this test");
    }

    @Override
    public Reader reader() {
      throw new UnsupportedOperationException("no reader in this test");
    }

    @Override
    public Optional<State> state(String stateServerId) {
      return Optional.ofNullable((State) hosted.getOrDefault(Role.STATE, Map.of()).get(stateServerId));
    }

    @Override
    public Index index() {
      return (Index) hosted.getOrDefault(Role.INDEX, Map.of()).get("index-1");
    }

    @Override
    public Optional<Rooms> rooms(String stateServerId) {
      return Optional.ofNullable((Rooms) hosted.getOrDefault(Role.ROOMS, Map.of()).get(stateServerId));
    }

    @Override
    public Optional<Gateway> gateway(String gatewayId) {
      return Optional.ofNullable((Gateway) hosted.getOrDefault(Role.GATEWAY, Map.of()).get(gatewayId));
    }

    @Override
    public Optional<String> pickStateServer(long connId) {
      return hosted.getOrDefault(Role.STATE, Map.of()).keySet().stream().findFirst();
    }
  }
}
