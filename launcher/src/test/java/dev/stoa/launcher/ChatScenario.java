package dev.stoa.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.proto.client.Message;
import dev.stoa.proto.client.SendAck;
import dev.stoa.sdk.StoaClient;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The one-to-one chat scenario every deployment shape must pass, driven through the Java SDK:
 * alice and bob chat both ways (order, seq and preSeq right), and carol, offline while alice
 * writes to her, gets everything through sync when she connects.
 */
final class ChatScenario {
  private final Vertx vertx;
  private final TestNode gatewayNode;
  private final ClientFactory clients;

  /** Builds an SDK client on the transport under test. */
  interface ClientFactory {
    StoaClient create(String token, String deviceId);
  }

  ChatScenario(Vertx vertx, TestNode gatewayNode, ClientFactory clients) {
    this.vertx = vertx;
    this.gatewayNode = gatewayNode;
    this.clients = clients;
  }

  void run(String prefix) {
    String aliceId = prefix + "-alice";
    String bobId = prefix + "-bob";
    String carolId = prefix + "-carol";
    StoaClient alice = clients.create(gatewayNode.token(vertx, aliceId, "web"), "web");
    StoaClient bob = clients.create(gatewayNode.token(vertx, bobId, "phone"), "phone");
    List<Message> atAlice = new CopyOnWriteArrayList<>();
    List<Message> atBob = new CopyOnWriteArrayList<>();
    alice.onMessage(atAlice::add);
    bob.onMessage(atBob::add);
    try {
      TestNode.await(alice.connect());
      TestNode.await(bob.connect());

      // alice -> bob, 10 messages in order
      for (int i = 1; i <= 10; i++) {
        SendAck ack = TestNode.await(alice.send("user:" + bobId, "a" + i));
        assertThat(ack.getSeq()).isEqualTo(i);
        assertThat(ack.getSessionId()).isEqualTo("c2c:" + aliceId + ":" + bobId);
      }
      waitFor(() -> atBob.size() >= 10, "bob receives 10 messages, has " + atBob.size());
      assertOrdered(atBob, 1, "a");

      // bob -> alice, 5 more in the same session
      for (int i = 1; i <= 5; i++) {
        TestNode.await(bob.send("user:" + aliceId, "b" + i));
      }
      waitFor(() -> atAlice.size() >= 5, "alice receives 5 replies, has " + atAlice.size());
      for (int i = 0; i < 5; i++) {
        Message m = atAlice.get(i);
        assertThat(m.getBody()).isEqualTo("b" + (i + 1));
        assertThat(m.getSeq()).isEqualTo(11 + i);
        assertThat(m.getPreSeq()).isEqualTo(10 + i);
        assertThat(m.getFromUserId()).isEqualTo(bobId);
      }
      assertThat(atBob).hasSize(10);

      // carol is offline while alice writes to her
      for (int i = 1; i <= 3; i++) {
        TestNode.await(alice.send("user:" + carolId, "c" + i));
      }
      StoaClient carol = clients.create(gatewayNode.token(vertx, carolId, "tablet"), "tablet");
      List<Message> atCarol = new CopyOnWriteArrayList<>();
      carol.onMessage(atCarol::add);
      try {
        TestNode.await(carol.connect());
        waitFor(() -> atCarol.size() >= 3, "carol syncs 3 messages on connect, has " + atCarol.size());
        assertOrdered(atCarol, 1, "c");
      } finally {
        carol.close();
      }
    } finally {
      alice.close();
      bob.close();
    }
  }

  private static void assertOrdered(List<Message> got, int firstSeq, String bodyPrefix) {
    long preMsgId = 0;
    for (int i = 0; i < got.size(); i++) {
      Message m = got.get(i);
      assertThat(m.getSeq()).as("seq of message %d", i).isEqualTo(firstSeq + i);
      assertThat(m.getPreSeq()).as("preSeq of message %d", i).isEqualTo(firstSeq + i - 1);
      assertThat(m.getBody()).isEqualTo(bodyPrefix + (i + 1));
      if (i > 0) {
        assertThat(m.getPreMsgId()).as("preMsgId of message %d", i).isEqualTo(preMsgId);
      }
      preMsgId = m.getMsgId();
    }
  }

  static void waitFor(Supplier<Boolean> condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      if (condition.get()) {
        return;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("timed out: " + what);
  }
}
