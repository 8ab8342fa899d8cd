package dev.stoa.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BareRelayTest {
  private Vertx vertx;
  private BareRelay relay;
  private WebSocketClient client;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    relay = new BareRelay(vertx, new RelayOptions("127.0.0.1", 0, 2));
    relay.start().await(10, TimeUnit.SECONDS);
    client = vertx.createWebSocketClient();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private WebSocket connect(String me, String peer, LinkedBlockingQueue<String> inbox) throws Exception {
    WebSocket ws = client.connect(new WebSocketConnectOptions()
        .setAbsoluteURI("ws://127.0.0.1:" + relay.port() + "/relay?me=" + me + "&peer=" + peer))
        .await(10, TimeUnit.SECONDS);
    ws.textMessageHandler(inbox::add);
    return ws;
  }

  @Test
  void forwardsEachTextFrameToThePeerUnchanged() throws Exception {
    // GIVEN alice and bob paired through the relay
    LinkedBlockingQueue<String> aliceInbox = new LinkedBlockingQueue<>();
    LinkedBlockingQueue<String> bobInbox = new LinkedBlockingQueue<>();
    WebSocket alice = connect("alice", "bob", aliceInbox);
    WebSocket bob = connect("bob", "alice", bobInbox);

    // WHEN each sends to the other
    alice.writeTextMessage("1|0|hello bob").await(5, TimeUnit.SECONDS);
    bob.writeTextMessage("{\"any\":\"payload\"}").await(5, TimeUnit.SECONDS);

    // THEN each gets exactly the other's frame
    assertThat(bobInbox.poll(5, TimeUnit.SECONDS)).isEqualTo("1|0|hello bob");
    assertThat(aliceInbox.poll(5, TimeUnit.SECONDS)).isEqualTo("{\"any\":\"payload\"}");
    assertThat(relay.forwarded()).isEqualTo(2);
  }

  @Test
  void dropsFramesForAnAbsentPeer() throws Exception {
    LinkedBlockingQueue<String> inbox = new LinkedBlockingQueue<>();
    WebSocket alone = connect("carol", "nobody", inbox);

    alone.writeTextMessage("lost").await(5, TimeUnit.SECONDS);

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (relay.dropped() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(relay.dropped()).isEqualTo(1);
    assertThat(relay.forwarded()).isZero();
    assertThat(inbox.poll(100, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void refusesAConnectionWithoutPeer() throws Exception {
    ClientWebSocket ws = client.webSocket();
    LinkedBlockingQueue<Short> closed = new LinkedBlockingQueue<>();
    ws.closeHandler(v -> closed.add(ws.closeStatusCode() == null ? -1 : ws.closeStatusCode()));
    ws.connect(new WebSocketConnectOptions().setAbsoluteURI("ws://127.0.0.1:" + relay.port() + "/relay?me=dave"))
        .await(10, TimeUnit.SECONDS);
    assertThat(closed.poll(5, TimeUnit.SECONDS)).isEqualTo((short) 1008);
  }
}
