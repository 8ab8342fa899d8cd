package dev.stoa.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.proto.client.Code;
import dev.stoa.proto.client.ConnAck;
import dev.stoa.proto.client.Frame;
import dev.stoa.proto.client.Kick;
import dev.stoa.proto.client.Message;
import dev.stoa.proto.client.Messages;
import dev.stoa.proto.client.Push;
import dev.stoa.proto.client.SendAck;
import dev.stoa.proto.client.SyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The SDK over real loopback sockets against {@link ScriptedServer}: framing on each transport,
 * resend, server errors, sync on connect, reconnect, gap pull, kick. GIVEN / WHEN / THEN per test.
 */
class StoaClientLoopbackTest {
  Vertx vertx;
  ScriptedServer server;
  final List<StoaClient> clients = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    server = new ScriptedServer(vertx);
    await(server.start());
  }

  @AfterEach
  void stop() throws Exception {
    for (StoaClient client : clients) {
      await(client.close());
    }
    await(server.stop());
    await(vertx.close());
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.await(10, TimeUnit.SECONDS);
  }

  static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after 20 s waiting for: " + what);
      }
      Thread.sleep(10);
    }
  }

  StoaClient.Builder builder(String transport, String user) {
    StoaClient.Builder builder = StoaClient.builder(vertx).token(user).deviceId(user + "-dev")
        .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(100));
    return switch (transport) {
      case "json" -> builder.websocket(server.wsUri(), Encoding.JSON);
      case "binary" -> builder.websocket(server.wsUri(), Encoding.BINARY);
      case "tcp" -> builder.tcp("127.0.0.1", server.tcpPort());
      default -> throw new IllegalArgumentException(transport);
    };
  }

  StoaClient client(StoaClient.Builder builder, List<Message> inbox) {
    StoaClient client = builder.build().onMessage(inbox::add);
    clients.add(client);
    return client;
  }

  static List<String> bodies(List<Message> messages) {
    return messages.stream().map(Message::getBody).toList();
  }

  @ParameterizedTest
  @ValueSource(strings = {"json", "binary", "tcp"})
  void aliceAndBobChat(String transport) throws Exception {
    // GIVEN alice and bob connected over one transport
    List<Message> aliceInbox = new CopyOnWriteArrayList<>();
    List<Message> bobInbox = new CopyOnWriteArrayList<>();
    StoaClient alice = client(builder(transport, "alice"), aliceInbox);
    StoaClient bob = client(builder(transport, "bob"), bobInbox);
    ConnAck connAck = await(alice.connect());
    await(bob.connect());
    assertThat(connAck.getUserId()).isEqualTo("alice");
    assertThat(connAck.getDeviceId()).isEqualTo("alice-dev");
    assertThat(alice.state()).isEqualTo(ConnectionState.CONNECTED);

    // WHEN they exchange messages
    SendAck first = await(alice.send("user:bob", "hi bob"));
    SendAck second = await(alice.send("user:bob", "how are you?"));
    await(bob.send("c2c:alice:bob", "fine"));

    // THEN seq/preSeq chain, each side receives the other's messages in order, pushes are acked
    assertThat(first.getSessionId()).isEqualTo("c2c:alice:bob");
    assertThat(first.getSeq()).isEqualTo(1);
    assertThat(second.getPreSeq()).isEqualTo(1);
    assertThat(second.getPreMsgId()).isEqualTo(first.getMsgId());
    eventually("bob got 2, alice got 1", () -> bobInbox.size() == 2 && aliceInbox.size() == 1);
    assertThat(bodies(bobInbox)).containsExactly("hi bob", "how are you?");
    assertThat(bodies(aliceInbox)).containsExactly("fine");
    eventually("3 acks", () -> server.receivedOfKind(Frame.FrameCase.ACK).size() == 3);
    assertThat(server.receivedOfKind(Frame.FrameCase.ACK)).extracting(f -> f.getAck().getMsgId())
        .contains(first.getMsgId(), second.getMsgId());
    String expected = transport.equals("tcp") ? "tcp" : transport;
    assertThat(server.encodings).containsOnly(expected);
    assertThat(server.receivedOfKind(Frame.FrameCase.SEND)).extracting(f -> f.getSend().getClientMsgId())
        .allMatch(id -> id.startsWith("alice-dev-") || id.startsWith("bob-dev-"))
        .doesNotHaveDuplicates();
  }

  @Test
  void aSendWithoutAckIsResentWithTheSameClientMsgIdAndStoredOnce() throws Exception {
    // GIVEN a server that loses the first send (and a send timeout a slow ack of the resend does not reach)
    StoaClient alice = client(builder("json", "alice").sendTimeout(Duration.ofSeconds(1)), new ArrayList<>());
    await(alice.connect());
    server.dropNextSends(1);

    // WHEN alice sends
    SendAck ack = await(alice.send("my-id-1", "user:bob", "hello"));

    // THEN the same clientMsgId went out twice and one message exists
    assertThat(server.receivedOfKind(Frame.FrameCase.SEND)).extracting(f -> f.getSend().getClientMsgId())
        .containsExactly("my-id-1", "my-id-1");
    assertThat(ack.getClientMsgId()).isEqualTo("my-id-1");
    Messages history = await(alice.pull("c2c:alice:bob", 0, 50));
    assertThat(bodies(history.getMessagesList())).containsExactly("hello");
  }

  @Test
  void aSendGivesUpAfterMaxAttempts() throws Exception {
    StoaClient alice = client(builder("binary", "alice").sendTimeout(Duration.ofMillis(100)).maxSendAttempts(2),
        new ArrayList<>());
    await(alice.connect());
    server.dropNextSends(2);
    Throwable failure = catchFailure(alice.send("x-1", "user:bob", "lost"));
    assertThat(((StoaClientException) failure).code()).isEqualTo(Code.UNAVAILABLE);
    assertThat(failure).hasMessageContaining("no sendAck for clientMsgId 'x-1'").hasMessageContaining("after 2 attempts");
    // the client gives up 100 ms after writing the second attempt, which the server may read later
    eventually("the server saw both attempts", () -> server.receivedOfKind(Frame.FrameCase.SEND).size() >= 2);
    assertThat(server.receivedOfKind(Frame.FrameCase.SEND)).hasSize(2);
  }

  @Test
  void aServerErrorNamingTheSendFailsItWithThatCode() throws Exception {
    List<ErrorFrame> errors = new CopyOnWriteArrayList<>();
    StoaClient alice = client(builder("tcp", "alice"), new ArrayList<>());
    alice.onError(errors::add);
    await(alice.connect());
    Throwable failure = catchFailure(alice.send("group:secret", "forbidden"));
    assertThat(failure).isInstanceOf(StoaClientException.class);
    assertThat(((StoaClientException) failure).code()).isEqualTo(Code.FORBIDDEN);
    assertThat(failure).hasMessageContaining("sessionId: not a member");
    assertThat(errors).isEmpty();
  }

  @Test
  void anOfflineUserGetsEverythingThroughSyncOnConnect() throws Exception {
    // GIVEN three messages for bob while he is offline
    StoaClient alice = client(builder("json", "alice"), new ArrayList<>());
    await(alice.connect());
    for (int i = 1; i <= 3; i++) {
      await(alice.send("user:bob", "m" + i));
    }

    // WHEN bob connects
    List<Message> bobInbox = new CopyOnWriteArrayList<>();
    StoaClient bob = client(builder("json", "bob"), bobInbox);
    await(bob.connect());

    // THEN connect() completed after the sync delivered them, and the cursor moved past them
    assertThat(bodies(bobInbox)).containsExactly("m1", "m2", "m3");
    assertThat(bob.syncCursor()).isEqualTo(3);
    assertThat(server.receivedOfKind(Frame.FrameCase.ACK)).as("synced messages are not pushes").isEmpty();

    // AND a client resuming from that cursor gets nothing again
    bob.close();
    List<Message> again = new CopyOnWriteArrayList<>();
    StoaClient resumed = client(builder("json", "bob").syncCursor(3), again);
    await(resumed.connect());
    assertThat(again).isEmpty();
  }

  @Test
  void syncOnConnectFalseDeliversOnlyLiveMessages() throws Exception {
    StoaClient alice = client(builder("json", "alice").syncOnConnect(false), new ArrayList<>());
    await(alice.connect());
    await(alice.send("user:bob", "old"));
    List<Message> bobInbox = new CopyOnWriteArrayList<>();
    StoaClient bob = client(builder("json", "bob").syncOnConnect(false), bobInbox);
    await(bob.connect());
    await(alice.send("user:bob", "new"));
    eventually("bob got the live message", () -> bobInbox.size() == 1);
    assertThat(bodies(bobInbox)).containsExactly("new");
    assertThat(server.receivedOfKind(Frame.FrameCase.SYNC)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"json", "tcp"})
  void afterADropItReconnectsSyncsWhatItMissedAndResendsPendingSends(String transport) throws Exception {
    // GIVEN bob connected, having received one message; a send timeout too long to matter here
    List<ConnectionState> states = new CopyOnWriteArrayList<>();
    StoaClient alice = client(builder(transport, "alice"), new ArrayList<>());
    List<Message> bobInbox = new CopyOnWriteArrayList<>();
    StoaClient bob = client(builder(transport, "bob").sendTimeout(Duration.ofSeconds(60)), bobInbox);
    bob.onStateChange(states::add);
    await(alice.connect());
    await(bob.connect());
    await(alice.send("user:bob", "before"));
    eventually("bob got 'before'", () -> bobInbox.size() == 1);

    // WHEN bob's send reaches the server unanswered, the connection drops, bob sends again while it
    // is down, and a message for bob is stored meanwhile
    server.dropNextSends(1);
    Future<SendAck> unanswered = bob.send("bob-1", "user:alice", "unanswered");
    eventually("the server saw bob-1", () -> server.receivedOfKind(Frame.FrameCase.SEND).size() == 2);
    server.dropConnections("bob");
    eventually("bob noticed", () -> bob.state() != ConnectionState.CONNECTED);
    Future<SendAck> whileDown = bob.send("bob-2", "user:alice", "sent while down");
    server.store("alice", "user:bob", "while down");

    // THEN bob reconnects, syncs the missed message, and both sends complete, each stored once
    assertThat(await(unanswered).getSeq()).isEqualTo(3);
    assertThat(await(whileDown).getSeq()).isEqualTo(4);
    eventually("bob got 'while down'", () -> bobInbox.size() == 2);
    assertThat(bodies(bobInbox)).containsExactly("before", "while down");
    assertThat(server.receivedOfKind(Frame.FrameCase.SEND)).extracting(f -> f.getSend().getClientMsgId())
        .endsWith("bob-1", "bob-1", "bob-2");
    assertThat(await(alice.pull("c2c:alice:bob", 0, 50)).getMessagesList()).extracting(Message::getBody)
        .containsExactly("before", "while down", "unanswered", "sent while down");
    assertThat(states).startsWith(ConnectionState.CONNECTING, ConnectionState.CONNECTED, ConnectionState.DISCONNECTED)
        .endsWith(ConnectionState.CONNECTING, ConnectionState.CONNECTED);
    // the server forgets the dropped connection when its close completes
    eventually("one connection of bob on the server", () -> server.connectionCount("bob") == 1);
    assertThat(bob.syncCursor()).isEqualTo(2);
  }

  @Test
  void aPushAheadOfTheLastSeqPullsTheGapFirst() throws Exception {
    // GIVEN bob has seen seq 1, and seqs 2 and 3 exist on the server
    List<Message> bobInbox = new CopyOnWriteArrayList<>();
    StoaClient bob = client(builder("binary", "bob").syncOnConnect(false), bobInbox);
    await(bob.connect());
    Message m1 = server.store("alice", "user:bob", "one");
    server.sendTo("bob", push(m1));
    eventually("bob got one", () -> bobInbox.size() == 1);
    server.store("alice", "user:bob", "two");
    Message m3 = server.store("alice", "user:bob", "three");

    // WHEN only seq 3 is pushed, then pushed again (a retransmit)
    server.sendTo("bob", push(m3));
    server.sendTo("bob", push(m3));

    // THEN bob pulls seq 2, delivers in order, once each, and acks both pushes of seq 3
    eventually("acks of m1 and twice m3", () -> server.receivedOfKind(Frame.FrameCase.ACK).size() == 3);
    assertThat(bodies(bobInbox)).containsExactly("one", "two", "three");
    assertThat(server.receivedOfKind(Frame.FrameCase.PULL)).extracting(f -> f.getPull().getAfterSeq()).containsExactly(1L);
  }

  @Test
  void pullAndSyncAnswersAreMatchedInOrder() throws Exception {
    StoaClient alice = client(builder("json", "alice").syncOnConnect(false), new ArrayList<>());
    await(alice.connect());
    for (int i = 1; i <= 5; i++) {
      server.store("bob", "user:alice", "b" + i);
    }
    server.store("carol", "user:alice", "c1");
    Future<Messages> p1 = alice.pull("c2c:alice:bob", 0, 2);
    Future<SyncResult> s1 = alice.sync(0, 4);
    Future<Messages> p2 = alice.pull("c2c:alice:carol", 0, 10);
    Future<Messages> p3 = alice.pull("c2c:alice:bob", 2, 10);
    assertThat(bodies(await(p1).getMessagesList())).containsExactly("b1", "b2");
    assertThat(await(p1).getHasMore()).isTrue();
    assertThat(bodies(await(s1).getMessagesList())).containsExactly("b1", "b2", "b3", "b4");
    assertThat(await(s1).getCursor()).isEqualTo(4);
    assertThat(bodies(await(p2).getMessagesList())).containsExactly("c1");
    assertThat(bodies(await(p3).getMessagesList())).containsExactly("b3", "b4", "b5");
    assertThat(alice.syncCursor()).as("an app sync does not move the client's cursor").isZero();
    assertThat(catchFailure(alice.pull("c2c:alice:bob", 0, 201))).hasMessageContaining("pull limit must be 1-200, got 201");
  }

  @Test
  void aBadTokenFailsConnectWithoutRetrying() throws Exception {
    StoaClient mallory = client(builder("json", "bad-mallory"), new ArrayList<>());
    Throwable failure = catchFailure(mallory.connect());
    assertThat(((StoaClientException) failure).code()).isEqualTo(Code.UNAUTHENTICATED);
    assertThat(failure).hasMessageContaining("token: invalid signature");
    assertThat(mallory.state()).isEqualTo(ConnectionState.DISCONNECTED);
    assertThat(catchFailure(mallory.send("user:bob", "x"))).hasMessageContaining("not connected");
    Thread.sleep(150);
    assertThat(server.receivedOfKind(Frame.FrameCase.CONNECT)).hasSize(1);
  }

  @Test
  void anUnreachableServerFailsConnect() throws Exception {
    StoaClient lonely = client(StoaClient.builder(vertx).token("alice").tcp("127.0.0.1", 1), new ArrayList<>());
    Throwable failure = catchFailure(lonely.connect());
    assertThat(((StoaClientException) failure).code()).isEqualTo(Code.UNAVAILABLE);
    assertThat(failure).hasMessageContaining("cannot connect to tcp://127.0.0.1:1");
  }

  @Test
  void aKickStopsTheClient() throws Exception {
    List<Kick> kicks = new CopyOnWriteArrayList<>();
    StoaClient bob = client(builder("json", "bob"), new ArrayList<>());
    bob.onKick(kicks::add);
    await(bob.connect());
    server.kick("bob", "logged in elsewhere");
    eventually("kicked", () -> kicks.size() == 1 && bob.state() == ConnectionState.DISCONNECTED);
    assertThat(kicks.getFirst().getReason()).isEqualTo("logged in elsewhere");
    Thread.sleep(200);
    assertThat(server.receivedOfKind(Frame.FrameCase.CONNECT)).as("no reconnect after a kick").hasSize(1);
    assertThat(await(bob.connect()).getUserId()).as("the app may connect again").isEqualTo("bob");
  }

  @Test
  void aSilentServerIsDetectedByHeartbeatAndReplaced() throws Exception {
    server.heartbeatSeconds(1);
    server.answerPings(false);
    List<ConnectionState> states = new CopyOnWriteArrayList<>();
    StoaClient bob = client(builder("tcp", "bob"), new ArrayList<>());
    bob.onStateChange(states::add);
    await(bob.connect());
    eventually("bob pinged", () -> !server.receivedOfKind(Frame.FrameCase.PING).isEmpty());
    eventually("bob reconnected after silence", () -> server.receivedOfKind(Frame.FrameCase.CONNECT).size() == 2);
    assertThat(states).contains(ConnectionState.DISCONNECTED);
  }

  @Test
  void closeFailsPendingSendsAndStopsReconnecting() throws Exception {
    StoaClient bob = client(builder("json", "bob"), new ArrayList<>());
    await(bob.connect());
    server.dropNextSends(100);
    Future<SendAck> pending = bob.send("user:alice", "never acked");
    await(bob.close());
    assertThat(catchFailure(pending)).hasMessage("UNAVAILABLE: client closed");
    assertThat(catchFailure(bob.connect())).hasMessage("UNAVAILABLE: client is closed");
    assertThat(bob.state()).isEqualTo(ConnectionState.DISCONNECTED);
  }

  @Test
  void roomsAreJoined() throws Exception {
    StoaClient bob = client(builder("binary", "bob"), new ArrayList<>());
    await(bob.connect());
    await(bob.join("lobby"));
    server.dropConnections("bob");
    eventually("rejoined after reconnect", () -> server.receivedOfKind(Frame.FrameCase.JOIN).size() == 2);
  }

  static Frame push(Message message) {
    return Frame.newBuilder().setPush(Push.newBuilder().setMessage(message)).build();
  }

  static Throwable catchFailure(Future<?> future) throws Exception {
    try {
      future.await(10, TimeUnit.SECONDS);
    } catch (CompletionException e) {
      return e.getCause();
    } catch (RuntimeException e) {
      return e;
    }
    throw new AssertionError("expected a failure, got success");
  }
}
