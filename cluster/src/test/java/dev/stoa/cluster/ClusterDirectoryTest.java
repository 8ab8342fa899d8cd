package dev.stoa.cluster;

import static dev.stoa.cluster.TestFutures.await;
import static dev.stoa.cluster.TestFutures.eventually;
import static dev.stoa.cluster.TestFutures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.map.IMap;
import dev.stoa.common.StoaException;
import dev.stoa.proto.client.Code;
import dev.stoa.proto.client.Frame;
import dev.stoa.proto.client.Message;
import dev.stoa.proto.client.Send;
import dev.stoa.proto.client.SendAck;
import dev.stoa.proto.internal.AckRequest;
import dev.stoa.proto.internal.Connection;
import dev.stoa.proto.internal.DeliverReply;
import dev.stoa.proto.internal.DeliverRequest;
import dev.stoa.proto.internal.Empty;
import dev.stoa.proto.internal.Gateway;
import dev.stoa.proto.internal.PullRequest;
import dev.stoa.proto.internal.PushRequest;
import dev.stoa.proto.internal.SendRequest;
import dev.stoa.proto.internal.SendResult;
import dev.stoa.proto.internal.State;
import dev.stoa.proto.internal.Writer;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ClusterDirectoryTest {
  static final Duration VISIBLE_WITHIN = Duration.ofSeconds(10);
  static TestCluster cluster;
  static ClusterDirectory dirA;
  static ClusterDirectory dirB;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = TestCluster.start(2);
    dirA = directory(cluster.member(0));
    dirB = directory(cluster.member(1));
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (dirB != null) {
      await(dirB.stop());
    }
    if (dirA != null) {
      await(dirA.stop());
    }
    cluster.close();
  }

  @AfterEach
  void withdrawEverything() throws Exception {
    for (ClusterDirectory d : List.of(dirA, dirB)) {
      for (ServiceKind<?> role : Services.ALL) {
        for (String id : d.announced(role)) {
          await(d.unregister(role, id));
        }
      }
    }
    // the other member learns of a withdrawal by an event: wait for it, so that the next test does
    // not start with the last one's instances still in a directory's view
    eventually("every withdrawal seen by both directories", VISIBLE_WITHIN, () -> Services.ALL.stream()
        .allMatch(role -> dirA.announced(role).isEmpty() && dirB.announced(role).isEmpty()));
  }

  static ClusterDirectory directory(TestCluster.Member m) throws Exception {
    ClusterDirectory d = new ClusterDirectory(m.vertx(), m.node(), m.options(), m.nodeOptions());
    await(d.start());
    return d;
  }

  /** A writer that answers from the request, naming itself. */
  record EchoWriter(String name) implements Writer {
    @Override
    public Future<SendResult> send(SendRequest request) {
      if (request.getSend().getBody().equals("forbidden")) {
        return Future.failedFuture(StoaException.forbidden("sessionId: alice is not a member of group:g1"));
      }
      if (request.getSend().getBody().equals("throw")) {
        throw new IllegalStateException("writer bug");
      }
      SendAck ack = SendAck.newBuilder().setClientMsgId(request.getSend().getClientMsgId())
          .setSessionId(request.getSend().getSessionId()).setMsgId(42).setSeq(request.getConnId()).build();
      return Future.succeededFuture(SendResult.newBuilder().setAck(ack).setError(name).build());
    }
  }

  /** A state server that records what it is asked. */
  static final class RecordingState implements State {
    final List<Object> calls = new CopyOnWriteArrayList<>();

    @Override
    public Future<Empty> attach(Connection request) {
      calls.add(request);
      return Future.succeededFuture(Empty.getDefaultInstance());
    }

    @Override
    public Future<Empty> detach(Connection request) {
      calls.add(request);
      return Future.succeededFuture(Empty.getDefaultInstance());
    }

    @Override
    public Future<Empty> push(PushRequest request) {
      calls.add(request);
      return Future.succeededFuture(Empty.getDefaultInstance());
    }

    @Override
    public Future<Empty> ack(AckRequest request) {
      calls.add(request);
      return Future.succeededFuture(Empty.getDefaultInstance());
    }
  }

  static SendRequest sendRequest(String body) {
    return SendRequest.newBuilder().setUserId("alice").setDeviceId("d1").setConnId(7)
        .setSend(Send.newBuilder().setClientMsgId("c-1").setSessionId("user:bob").setBody(body)).build();
  }

  static void awaitVisible(ClusterDirectory d, ServiceKind<?> role, String id) throws InterruptedException {
    eventually(role + " '" + id + "' visible", VISIBLE_WITHIN, () -> d.announced(role).contains(id));
  }

  @Test
  void aRemoteWriterIsReachedOverGrpc() throws Exception {
    EchoWriter writer = new EchoWriter("writer on A");
    await(dirA.register(Services.WRITER, "w-a", writer));
    awaitVisible(dirB, Services.WRITER, "w-a");

    assertThat(await(dirA.any(Services.WRITER).send(sendRequest("hello"))).getError())
        .as("local: the call reaches the object itself").isEqualTo("writer on A");
    Writer remote = dirB.any(Services.WRITER);
    assertThat(remote).isNotSameAs(writer);
    SendResult result = await(remote.send(sendRequest("hello")));
    assertThat(result.getError()).isEqualTo("writer on A");
    assertThat(result.getAck().getClientMsgId()).isEqualTo("c-1");
    assertThat(result.getAck().getSessionId()).isEqualTo("user:bob");
    assertThat(result.getAck().getMsgId()).isEqualTo(42);
    assertThat(result.getAck().getSeq()).isEqualTo(7);
  }

  @Test
  void aRemoteFailureArrivesWithItsCodeAndMessage() throws Exception {
    await(dirA.register(Services.WRITER, "w-a", new EchoWriter("A")));
    awaitVisible(dirB, Services.WRITER, "w-a");

    Throwable forbidden = failure(dirB.any(Services.WRITER).send(sendRequest("forbidden")));
    assertThat(forbidden).isInstanceOf(StoaException.class)
        .hasMessage("sessionId: alice is not a member of group:g1");
    assertThat(((StoaException) forbidden).code()).isEqualTo(Code.FORBIDDEN);

    Throwable bug = failure(dirB.any(Services.WRITER).send(sendRequest("throw")));
    assertThat(((StoaException) bug).code()).isEqualTo(Code.INTERNAL);
    assertThat(bug).hasMessageContaining("writer bug");
  }

  @Test
  void writerAndReaderFailUnavailableWhileNoneIsAnnounced() throws Exception {
    Writer kept = dirB.any(Services.WRITER);
    Throwable err = failure(kept.send(sendRequest("hi")));
    assertThat(err).isInstanceOf(StoaException.class).hasMessage("no writer is announced in the cluster");
    assertThat(((StoaException) err).code()).isEqualTo(Code.UNAVAILABLE);
    Throwable readerErr = failure(dirA.any(Services.READER).pull(PullRequest.getDefaultInstance()));
    assertThat(((StoaException) readerErr).code()).isEqualTo(Code.UNAVAILABLE);
    assertThat(readerErr).hasMessage("no reader is announced in the cluster");

    // the writer kept while none was announced follows a writer announced later
    await(dirA.register(Services.WRITER, "w-late", new EchoWriter("late")));
    awaitVisible(dirB, Services.WRITER, "w-late");
    assertThat(await(kept.send(sendRequest("hi"))).getError()).isEqualTo("late");

    await(dirA.unregister(Services.WRITER, "w-late"));
    eventually("withdrawn writer gone", VISIBLE_WITHIN, () -> dirB.announced(Services.WRITER).isEmpty());
    assertThat(((StoaException) failure(kept.send(sendRequest("hi")))).code()).isEqualTo(Code.UNAVAILABLE);
  }

  @Test
  void stateIsLocalWhereHostedAndRemoteElsewhere() throws Exception {
    RecordingState stateA = new RecordingState();
    await(dirA.register(Services.STATE, "ss-a", stateA));
    awaitVisible(dirB, Services.STATE, "ss-a");

    Connection attach = Connection.newBuilder().setConnId(5).setGatewayId("gw").build();
    await(dirA.find(Services.STATE, "ss-a").orElseThrow().attach(attach));
    assertThat(stateA.calls).as("local: the call reaches the object itself").containsExactly(attach);
    stateA.calls.clear();
    Optional<State> remote = dirB.find(Services.STATE, "ss-a");
    assertThat(remote).isPresent();
    assertThat(remote.get()).isNotSameAs(stateA);
    PushRequest push = PushRequest.newBuilder().addConnIds(5)
        .setMessage(Message.newBuilder().setSessionId("c2c:alice:bob").setSeq(1).setMsgId(99)).build();
    await(remote.get().push(push));
    AckRequest ack = AckRequest.newBuilder().setConnId(5).setSessionId("c2c:alice:bob").setMsgId(99).build();
    await(remote.get().ack(ack));
    assertThat(stateA.calls).containsExactly(push, ack);

    assertThat(dirB.find(Services.STATE, "unknown")).isEmpty();
    assertThat(dirA.find(Services.STATE, "unknown")).isEmpty();
    assertThat(dirB.find(Services.GATEWAY, "ss-a")).as("ids are per role").isEmpty();
  }

  @Test
  void pickStateServerPrefersTheLocalOneAndOtherwiseHashes() throws Exception {
    assertThat(dirB.pick(Services.STATE, 1)).isEmpty();
    await(dirA.register(Services.STATE, "ss-a", new RecordingState()));
    awaitVisible(dirB, Services.STATE, "ss-a");
    for (long conn = 0; conn < 20; conn++) {
      assertThat(dirB.pick(Services.STATE, conn)).contains("ss-a");
    }
    await(dirB.register(Services.STATE, "ss-b", new RecordingState()));
    awaitVisible(dirA, Services.STATE, "ss-b");
    for (long conn = 0; conn < 20; conn++) {
      assertThat(dirB.pick(Services.STATE, conn)).contains("ss-b");
      assertThat(dirA.pick(Services.STATE, conn)).contains("ss-a");
    }
  }

  @Test
  void pickStateServerSpreadsConnectionsOverRemoteOnes() throws Exception {
    TestCluster.Member c = cluster.add();
    ClusterDirectory dirC = directory(c);
    try {
      await(dirA.register(Services.STATE, "ss-a", new RecordingState()));
      await(dirB.register(Services.STATE, "ss-b", new RecordingState()));
      awaitVisible(dirC, Services.STATE, "ss-a");
      awaitVisible(dirC, Services.STATE, "ss-b");
      long toA = 0;
      for (long conn = 0; conn < 1_000; conn++) {
        String picked = dirC.pick(Services.STATE, conn).orElseThrow();
        assertThat(dirC.pick(Services.STATE, conn)).as("stable for one conn").contains(picked);
        toA += picked.equals("ss-a") ? 1 : 0;
      }
      assertThat(toA).isBetween(350L, 650L);
    } finally {
      await(dirC.stop());
      cluster.stop(c);
    }
  }

  @Test
  void aRemoteGatewayIsReachedOverGrpc() throws Exception {
    Gateway gateway = request -> Future.succeededFuture(
        DeliverReply.newBuilder().addAllClosedConnIds(request.getConnIdsList()).build());
    await(dirB.register(Services.GATEWAY, "gw-b", gateway));
    awaitVisible(dirA, Services.GATEWAY, "gw-b");
    DeliverRequest deliver = DeliverRequest.newBuilder().addConnIds(3).addConnIds(4)
        .setFrame(Frame.getDefaultInstance()).build();
    assertThat(await(dirB.find(Services.GATEWAY, "gw-b").orElseThrow().deliver(deliver)).getClosedConnIdsList())
        .as("local").containsExactly(3L, 4L);
    assertThat(await(dirA.find(Services.GATEWAY, "gw-b").orElseThrow().deliver(deliver)).getClosedConnIdsList())
        .containsExactly(3L, 4L);
  }

  @Test
  void theAnnouncementNamesTheEndpointAndTheMember() throws Exception {
    await(dirA.register(Services.READER, "r-a", new dev.stoa.proto.internal.ReaderService()));
    IMap<String, String> services = cluster.member(1).node().hazelcast().getMap(ClusterDirectory.MAP_NAME);
    String uuid = cluster.member(0).node().hazelcast().getCluster().getLocalMember().getUuid().toString();
    assertThat(dirA.grpcPort()).isPositive();
    assertThat(services.get("reader/r-a")).isEqualTo("127.0.0.1:" + dirA.grpcPort() + "|" + uuid);
    await(dirA.unregister(Services.READER, "r-a"));
    assertThat(services.containsKey("reader/r-a")).isFalse();
  }

  @Test
  void registrationsAreValidated() throws Exception {
    @SuppressWarnings({"unchecked", "rawtypes"})
    ServiceKind<Object> untyped = (ServiceKind) Services.STATE;
    Throwable wrongType = failure(dirA.register(untyped, "ss-x", new EchoWriter("x")));
    assertThat(wrongType).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must implement " + State.class.getName());
    Throwable badId = failure(dirA.register(Services.WRITER, "has space", new EchoWriter("x")));
    assertThat(((StoaException) badId).code()).isEqualTo(Code.BAD_REQUEST);
    assertThat(badId).hasMessageContaining("instanceId");

    await(dirA.register(Services.WRITER, "w-1", new EchoWriter("1")));
    Throwable second = failure(dirA.register(Services.WRITER, "w-2", new EchoWriter("2")));
    assertThat(second).isInstanceOf(IllegalStateException.class).hasMessageContaining("'w-1'");
    EchoWriter replacement = new EchoWriter("1b");
    await(dirA.register(Services.WRITER, "w-1", replacement));
    assertThat(await(dirA.any(Services.WRITER).send(sendRequest("x"))).getError()).isEqualTo("1b");
  }

  @Test
  void servicesOfAMemberThatLeftAreNoLongerResolved() throws Exception {
    TestCluster.Member c = cluster.add();
    ClusterDirectory dirC = directory(c);
    await(dirC.register(Services.WRITER, "w-c", new EchoWriter("C")));
    await(dirC.register(Services.STATE, "ss-c", new RecordingState()));
    awaitVisible(dirB, Services.WRITER, "w-c");
    awaitVisible(dirB, Services.STATE, "ss-c");
    assertThat(await(dirB.any(Services.WRITER).send(sendRequest("x"))).getError()).isEqualTo("C");

    // GIVEN C's member leaves without withdrawing (its directory is never stopped)
    cluster.stop(c);

    // THEN B stops resolving C's instances and the oldest member deletes C's entries
    eventually("C's writer dropped", VISIBLE_WITHIN, () -> dirB.announced(Services.WRITER).isEmpty());
    assertThat(dirB.find(Services.STATE, "ss-c")).isEmpty();
    assertThat(dirB.pick(Services.STATE, 1)).isEmpty();
    assertThat(((StoaException) failure(dirB.any(Services.WRITER).send(sendRequest("x")))).code()).isEqualTo(Code.UNAVAILABLE);
    IMap<String, String> services = cluster.member(0).node().hazelcast().getMap(ClusterDirectory.MAP_NAME);
    eventually("C's entries deleted", VISIBLE_WITHIN,
        () -> !services.containsKey("writer/w-c") && !services.containsKey("state/ss-c"));
  }

  @Test
  void stoppingADirectoryWithdrawsItsInstances() throws Exception {
    TestCluster.Member d = cluster.add();
    ClusterDirectory dirD = directory(d);
    try {
      await(dirD.register(Services.GATEWAY, "gw-d", (Gateway) r -> Future.succeededFuture(DeliverReply.getDefaultInstance())));
      awaitVisible(dirA, Services.GATEWAY, "gw-d");
      await(dirD.stop());
      IMap<String, String> services = cluster.member(0).node().hazelcast().getMap(ClusterDirectory.MAP_NAME);
      assertThat(services.containsKey("gateway/gw-d")).isFalse();
      eventually("gw-d gone from A", VISIBLE_WITHIN, () -> dirA.find(Services.GATEWAY, "gw-d").isEmpty());
    } finally {
      cluster.stop(d);
    }
  }
}
