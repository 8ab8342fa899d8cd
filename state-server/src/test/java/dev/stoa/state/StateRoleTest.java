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
import dev.stoa.cluster.LocalDirectory;
import dev.stoa.cluster.Services;
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
    await(directory.register(Services.GATEWAY, gateway.id, gateway));
    StateRole role = new StateRole(vertx, "role-state-1", dataDir,
        // the first retransmit comes long after the single delivery below is counted, even on a slow machine
        new StateOptions(10_000, 10_000, 1_000, 10), directory, SharedCluster.roomTable(Duration.ofSeconds(90)),
        Duration.ofSeconds(90));

    await(role.start());
    await(directory.register(Services.INDEX, "index-1", index));

    State state = directory.find(Services.STATE, "role-state-1").orElseThrow();
    assertThat(directory.announced(Services.STATE)).as("announced; its calls reach role.server() below")
        .containsExactly("role-state-1");
    Rooms rooms = directory.find(Services.ROOMS, "role-state-1").orElseThrow();
    assertThat(directory.announced(Services.ROOMS)).containsExactly("role-state-1");
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
    assertThat(directory.find(Services.STATE, "role-state-1")).isEmpty();
    assertThat(directory.find(Services.ROOMS, "role-state-1")).isEmpty();
    assertThat(StateServer.mapFile(dataDir, "role-state-1")).exists();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
