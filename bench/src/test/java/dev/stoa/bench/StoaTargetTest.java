package dev.stoa.bench;

import dev.stoa.cluster.Role;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.common.config.Config;
import dev.stoa.launcher.StoaNode;
import io.vertx.core.Vertx;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load generator's Stoa half against a real {@code stoa standalone} node in this JVM: tokens
 * from the HTTP API, connect, send to {@code user:<peer>}, every push received and acked, in JSON
 * and in binary frames.
 */
class StoaTargetTest {
  static final String SECRET = "bench-test-secret-0123456789";

  @TempDir
  Path dir;
  Vertx vertx;
  StoaNode node;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    Map<String, String> settings = Map.of("data.dir", dir.toString(), "http.port", "0", "tcp.port", "0",
        "admin.secret", SECRET, "cluster.name", "bench-test-" + UUID.randomUUID());
    node = new StoaNode(Config.of(StoaNode.KEYS, settings), EnumSet.allOf(Role.class),
        new PrintStream(OutputStream.nullOutputStream()));
    node.start().await(60, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    node.stop().await(60, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"json", "binary"})
  void openLoopAgainstStoaDeliversEveryMessageWithItsLatency(String encoding) throws Exception {
    int port = node.gateway().httpPort();
    LoadOptions options = LoadOptions.parse(List.of("--target=stoa", "--encoding=" + encoding,
        "--url=ws://127.0.0.1:" + port + "/v1/ws", "--http=http://127.0.0.1:" + port, "--admin-secret=" + SECRET,
        "--pairs=2", "--threads=2", "--rate=100", "--duration=1", "--warmup=0", "--drain=5", "--connect-timeout=20"));

    LoadReport r = new C2cLoad(vertx, options).run().await(C2cLoad.runBoundSeconds(options), TimeUnit.SECONDS);

    assertThat(r.target()).isEqualTo("stoa");
    assertThat(r.errorCount()).as("errors %s", r.errors()).isZero();
    assertThat(r.latencyCount()).isBetween(90L, 100L);
    assertThat(r.undelivered()).isZero();
    assertThat(r.duplicates()).isZero();
    assertThat(r.sentPerSec()).isPositive();
    assertThat(r.p99Ms()).isGreaterThanOrEqualTo(r.p50Ms()).isPositive();
  }
}
