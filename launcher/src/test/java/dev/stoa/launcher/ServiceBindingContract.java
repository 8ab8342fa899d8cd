package dev.stoa.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.cluster.Role;
import dev.stoa.cluster.ServiceDirectory;
import dev.stoa.cluster.Services;
import dev.stoa.common.StoaException;
import dev.stoa.proto.client.Code;
import dev.stoa.proto.client.Message;
import dev.stoa.proto.client.Send;
import dev.stoa.proto.client.SendAck;
import dev.stoa.proto.internal.Connection;
import dev.stoa.proto.internal.PullRequest;
import dev.stoa.proto.internal.PullResult;
import dev.stoa.proto.internal.PushRequest;
import dev.stoa.proto.internal.ReadRequest;
import dev.stoa.proto.internal.ReadResult;
import dev.stoa.proto.internal.RoomMembership;
import dev.stoa.proto.internal.RoomReply;
import dev.stoa.proto.internal.SendRequest;
import dev.stoa.proto.internal.SendResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The services of the writer, reader, state server, room fan-out and index server, called through
 * a {@link ServiceDirectory}: one suite, run once per binding ({@link InProcessBindingTest}: the
 * caller is the process hosting them; {@link GrpcBindingTest}: the caller is another node of the
 * cluster). Every assertion is the same for both, so only the binding differs (DESIGN §5): the
 * same answers, the same failures with the same codes and messages, the same order of a
 * connection's sends, and every call completing on the caller's Vert.x context.
 */
abstract class ServiceBindingContract {
  @TempDir
  static Path dir;
  static TestNode host;
  static TestNode other;
  static Vertx callers;
  static final AtomicLong CONN_IDS = new AtomicLong(System.nanoTime());

  /** The directory the calls are made through. */
  abstract ServiceDirectory caller();

  @BeforeAll
  static void start() {
    String cluster = "stoa-binding-" + UUID.randomUUID();
    String secret = "binding-contract-secret-" + UUID.randomUUID();
    int[] ports = {SplitRolesTest.freePort(), SplitRolesTest.freePort()};
    String members = "127.0.0.1:" + ports[0] + ",127.0.0.1:" + ports[1];
    // a send waits this long for a predecessor that has not arrived: far beyond any reordering a
    // loaded machine shows, so the order test never sees a gap skipped
    host = TestNode.start(EnumSet.of(Role.WRITER, Role.READER, Role.STATE, Role.INDEX), dir.resolve("host"), cluster,
        Map.of("cluster.members", members, "cluster.port", Integer.toString(ports[0]), "cluster.secret", secret,
            "writer.order.gap.ms", "60000"));
    other = TestNode.start(EnumSet.of(Role.GATEWAY), dir.resolve("other"), cluster,
        Map.of("cluster.members", members, "cluster.port", Integer.toString(ports[1]), "cluster.secret", secret));
    callers = Vertx.vertx();
    String stateId = host.node.nodeId() + "-state";
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline && !(other.node.directory().announced(Services.WRITER).size() == 1
        && other.node.directory().announced(Services.STATE).contains(stateId)
        && other.node.directory().announced(Services.INDEX).size() == 1
        && other.node.directory().announced(Services.READER).size() == 1)) {
      ChildNode.sleep(20);
    }
    assertThat(other.node.directory().announced(Services.ROOMS)).contains(stateId);
  }

  @AfterAll
  static void stop() {
    other.close();
    host.close();
    TestNode.await(callers.close());
  }

  String stateId() {
    return host.node.nodeId() + "-state";
  }

  /**
   * Makes {@code call} from an event-loop context of a Vert.x that is neither node's, and waits
   * for its answer; fails the test if the answer's listener did not run on that context.
   */
  static <T> T call(Supplier<Future<T>> call) throws Exception {
    CompletableFuture<T> answer = new CompletableFuture<>();
    Context context = callers.getOrCreateContext();
    context.runOnContext(v -> call.get().onComplete(ar -> {
      if (Vertx.currentContext() != context) {
        answer.completeExceptionally(new AssertionError("completed on " + Thread.currentThread().getName()
            + ", not on the caller's context"));
      } else if (ar.succeeded()) {
        answer.complete(ar.result());
      } else {
        answer.completeExceptionally(ar.cause());
      }
    }));
    try {
      return answer.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof AssertionError a) {
        throw a;
      }
      throw e;
    }
  }

  static StoaException failure(Supplier<Future<?>> call) throws Exception {
    try {
      call(call::get);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(StoaException.class);
      return (StoaException) e.getCause();
    }
    throw new AssertionError("expected a failure");
  }

  static SendRequest send(String from, String to, long connId, long connSendSeq, String clientMsgId) {
    return SendRequest.newBuilder().setUserId(from).setDeviceId("d1").setConnId(connId).setConnSendSeq(connSendSeq)
        .setSend(Send.newBuilder().setClientMsgId(clientMsgId).setSessionId("user:" + to).setBody("b " + clientMsgId))
        .build();
  }

  static String user(String name) {
    return name + "-" + Long.toUnsignedString(CONN_IDS.incrementAndGet(), 36);
  }

  @Test
  void aSendIsStoredOnceAndItsResendAnsweredWithTheSameAck() throws Exception {
    String alice = user("alice");
    String bob = user("bob");
    SendRequest first = send(alice, bob, 0, 0, "c-1");
    SendResult stored = call(() -> caller().any(Services.WRITER).send(first));
    assertThat(stored.getAck().getCode()).isEqualTo(Code.OK);
    assertThat(stored.getAck().getSeq()).isEqualTo(1);
    SendResult again = call(() -> caller().any(Services.WRITER).send(first));
    assertThat(again.getAck()).isEqualTo(stored.getAck());
  }

  @Test
  void aBadSendIsRejectedInBandNamingTheField() throws Exception {
    SendRequest bad = send(user("alice"), "x", 0, 0, "c-1").toBuilder()
        .setSend(Send.newBuilder().setClientMsgId("c-1").setSessionId("nonsense").setBody("b")).build();
    SendResult rejected = call(() -> caller().any(Services.WRITER).send(bad));
    assertThat(rejected.getAck().getCode()).isEqualTo(Code.BAD_REQUEST);
    assertThat(rejected.getAck().getClientMsgId()).isEqualTo("c-1");
    assertThat(rejected.getError()).startsWith("sessionId");
  }

  @Test
  void aConnectionsSendsAreStoredInItsOrderWhateverOrderTheyArriveIn() throws Exception {
    String alice = user("alice");
    String bob = user("bob");
    long conn = CONN_IDS.incrementAndGet();
    String writerId = caller().pick(Services.WRITER, conn).orElseThrow();
    List<CompletableFuture<SendResult>> answers = new ArrayList<>();
    Context context = callers.getOrCreateContext();
    CompletableFuture<Void> sent = new CompletableFuture<>();
    context.runOnContext(v -> {
      // handed over in the order 1, 3, 4, 2 without waiting for answers
      for (long seq : new long[] {1, 3, 4, 2}) {
        CompletableFuture<SendResult> answer = new CompletableFuture<>();
        answers.add(answer);
        caller().find(Services.WRITER, writerId).orElseThrow().send(send(alice, bob, conn, seq, "m-" + seq))
            .onComplete(ar -> {
              if (ar.succeeded()) {
                answer.complete(ar.result());
              } else {
                answer.completeExceptionally(ar.cause());
              }
            });
      }
      sent.complete(null);
    });
    sent.get(10, TimeUnit.SECONDS);
    for (CompletableFuture<SendResult> answer : answers) {
      SendAck ack = answer.get(30, TimeUnit.SECONDS).getAck();
      assertThat(ack.getCode()).isEqualTo(Code.OK);
      assertThat(ack.getSeq()).as(ack.getClientMsgId() + " has the place of its conn_send_seq")
          .isEqualTo(Long.parseLong(ack.getClientMsgId().substring(2)));
    }
    PullResult history = call(() -> caller().any(Services.READER).pull(PullRequest.newBuilder().setUserId(bob)
        .setSessionId("user:" + alice).setAfterSeq(0).setLimit(10).build()));
    assertThat(history.getCode()).isEqualTo(Code.OK);
    assertThat(history.getMessages().getMessagesList()).extracting(Message::getClientMsgId)
        .containsExactly("m-1", "m-2", "m-3", "m-4");
  }

  @Test
  void aPullOfASessionTheUserIsNotInIsRejectedInBand() throws Exception {
    PullResult refused = call(() -> caller().any(Services.READER).pull(PullRequest.newBuilder().setUserId(user("eve"))
        .setSessionId("c2c:a:b").setLimit(10).build()));
    assertThat(refused.getCode()).isEqualTo(Code.FORBIDDEN);
    assertThat(refused.getError()).contains("sessionId");
  }

  @Test
  void aStateServerRefusalArrivesAsTheSameFailure() throws Exception {
    StoaException attach = failure(() -> caller().find(Services.STATE, stateId()).orElseThrow()
        .attach(Connection.getDefaultInstance()));
    assertThat(attach.code()).isEqualTo(Code.BAD_REQUEST);
    assertThat(attach).hasMessageStartingWith("attach: connId and gatewayId must be set");
    StoaException push = failure(() -> caller().find(Services.STATE, stateId()).orElseThrow()
        .push(PushRequest.newBuilder().addConnIds(1).build()));
    assertThat(push.code()).isEqualTo(Code.BAD_REQUEST);
    assertThat(push).hasMessage("push: message.msgId must be set");
  }

  @Test
  void aStateServerAcceptsAConnectionAndItsRoomJoinsNeedOne() throws Exception {
    long conn = CONN_IDS.incrementAndGet();
    RoomReply notAttached = call(() -> caller().find(Services.ROOMS, stateId()).orElseThrow()
        .join(RoomMembership.newBuilder().setConnId(conn).setUserId("u1").setRoomId("r-" + conn).build()));
    assertThat(notAttached.getCode()).isEqualTo(Code.NOT_FOUND);
    call(() -> caller().find(Services.STATE, stateId()).orElseThrow()
        .attach(Connection.newBuilder().setConnId(conn).setUserId("u1").setDeviceId("d1").setGatewayId("gw-x").build()));
    call(() -> caller().find(Services.STATE, stateId()).orElseThrow()
        .detach(Connection.newBuilder().setConnId(conn).setUserId("u1").setDeviceId("d1").setGatewayId("gw-x").build()));
  }

  @Test
  void anIndexReadOfARoomWithNothingYetAnswersInBand() throws Exception {
    ReadResult read = call(() -> caller().any(Services.INDEX).read(ReadRequest.newBuilder()
        .setSessionId("room:empty-" + CONN_IDS.incrementAndGet()).setAfterSeq(0).setLimit(10).build()));
    assertThat(read.getCode()).isIn(Code.OK, Code.NOT_FOUND);
    assertThat(read.getMessagesCount()).isZero();
  }

  @Test
  void anInstanceThatIsNotAnnouncedIsNotFoundAndAnyFailsUnavailablePerCall() throws Exception {
    assertThat(caller().find(Services.STATE, "no-such-state-server")).isEmpty();
    assertThat(caller().find(Services.GATEWAY, stateId())).as("ids are per service").isEmpty();
  }
}
