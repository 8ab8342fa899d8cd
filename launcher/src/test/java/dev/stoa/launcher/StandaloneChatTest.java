package dev.stoa.launcher;

import dev.stoa.sdk.Encoding;
import dev.stoa.sdk.StoaClient;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
}
