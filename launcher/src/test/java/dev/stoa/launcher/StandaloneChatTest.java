package dev.stoa.launcher;

import dev.stoa.sdk.Encoding;
import dev.stoa.sdk.StoaClient;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/** The chat scenario on {@code stoa standalone} over each of the three client transports. */
class StandaloneChatTest {
  @TempDir
  static Path dir;
  static Vertx vertx;
  static TestNode node;

  enum Transport { WS_JSON, WS_BINARY, TCP }

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    node = TestNode.standalone(dir, Map.of());
  }

  @AfterAll
  static void stop() {
    node.close();
    TestNode.await(vertx.close());
  }

  static StoaClient client(Vertx vertx, TestNode node, Transport transport, String token, String deviceId) {
    StoaClient.Builder builder = StoaClient.builder(vertx).token(token).deviceId(deviceId);
    switch (transport) {
      case WS_JSON -> builder.websocket(node.wsUrl(), Encoding.JSON);
      case WS_BINARY -> builder.websocket(node.wsUrl(), Encoding.BINARY);
      case TCP -> builder.tcp("127.0.0.1", node.tcpPort());
    }
    return builder.build();
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aliceAndBobChatAndOfflineCarolSyncs(Transport transport) {
    new ChatScenario(vertx, node, (token, device) -> client(vertx, node, transport, token, device))
        .run(transport.name().toLowerCase().replace('_', '-'));
  }

  /**
   * The gateway hands a connection's sends to the in-process writer without waiting for the
   * previous answer; the device's order in each session must survive that (PROTOCOL.md).
   */
  @Test
  void eachStartPhaseIsExportedInSeconds() {
    String scrape = dev.stoa.common.metrics.Metrics.scrape();
    for (String phase : List.of("cluster", "directory", "kv", "index", "state", "writer", "reader", "gateway")) {
      assertThat(scrape).contains("stoa_start_phase_seconds{phase=\"" + phase + "\"}");
    }
  }

  @Test
  void sendsWrittenBackToBackKeepTheDevicesOrderInEachSession() {
    int perSession = 40; // two sessions, within the default burst of 100 frames
    try (RawClient alice = RawClient.open(vertx, node.httpPort())) {
      alice.connect(node.token(vertx, "bb-alice", "web"), "web");

      // WHEN alice writes sends to bob and carol alternately, without waiting for any sendAck
      for (int i = 1; i <= perSession; i++) {
        for (String peer : new String[] {"bb-bob", "bb-carol"}) {
          alice.send(new JsonObject().put("send", new JsonObject().put("clientMsgId", peer + "-" + i)
              .put("sessionId", "user:" + peer).put("body", "n" + i)).encode());
        }
      }

      // THEN in each session the i-th send got seq i, linked to the one before it
      Map<String, JsonObject> acks = new HashMap<>();
      for (int n = 0; n < 2 * perSession; n++) {
        JsonObject ack = alice.nextOf("sendAck", 20);
        assertThat(ack.getString("code")).as("sendAck %s", ack).isEqualTo("OK");
        assertThat(acks.put(ack.getString("clientMsgId"), ack)).as("second sendAck for %s", ack).isNull();
      }
      for (String peer : new String[] {"bb-bob", "bb-carol"}) {
        for (int i = 1; i <= perSession; i++) {
          JsonObject ack = acks.get(peer + "-" + i);
          assertThat(ack).as("sendAck of %s-%d", peer, i).isNotNull();
          assertThat(ack.getString("seq")).as("seq of %s-%d", peer, i).isEqualTo(Integer.toString(i));
          assertThat(ack.getString("preSeq")).as("preSeq of %s-%d", peer, i).isEqualTo(Integer.toString(i - 1));
          if (i > 1) {
            assertThat(ack.getString("preMsgId")).as("preMsgId of %s-%d", peer, i)
                .isEqualTo(acks.get(peer + "-" + (i - 1)).getString("msgId"));
          }
        }
      }
    }
  }
}
