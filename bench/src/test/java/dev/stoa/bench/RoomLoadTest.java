package dev.stoa.bench;

import dev.stoa.cluster.Role;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.common.config.Config;
import dev.stoa.common.config.ConfigException;
import dev.stoa.launcher.StoaNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The room load generator against a real {@code stoa standalone} node in this JVM: tokens from the
 * HTTP API, 20 members connect and join one room, one publisher sends for 2 s, and every member is
 * pushed every message, once, in seq order (so the generator's own accounting is checked against
 * a run where nothing may be lost).
 */
class RoomLoadTest {
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

  private RoomLoadOptions options(String... extra) {
    int port = node.gateway().httpPort();
    List<String> args = new ArrayList<>(List.of("--url=ws://127.0.0.1:" + port + "/v1/ws",
        "--http=http://127.0.0.1:" + port, "--admin-secret=" + SECRET, "--members=20", "--publishers=1",
        "--rate=20", "--duration=2", "--warmup=0", "--drain=10", "--threads=2", "--connect-timeout=30",
        "--connect-concurrency=4"));
    args.addAll(List.of(extra));
    return RoomLoadOptions.parse(args);
  }

  @Test
  void everyMemberIsPushedEveryMessageOnceInSeqOrder() throws Exception {
    // GIVEN 20 members in a fresh room, one of them publishing 20 msgs/s for 2 s
    RoomLoadOptions options = options();

    // WHEN the load runs
    RoomReport r = new RoomLoad(vertx, options).run().await(RoomLoad.runBoundSeconds(options), TimeUnit.SECONDS);

    // THEN about 40 messages were acked and each reached all 20 members, in seq order
    assertThat(r.errorCount()).as("errors %s, first %s", r.errors(), r.firstError()).isZero();
    assertThat(r.windowMessages()).isBetween(36L, 40L);
    assertThat(r.unanswered()).isZero();
    assertThat(r.refused()).isZero();
    assertThat(r.expectedDeliveries()).isEqualTo(r.windowMessages() * 20);
    assertThat(r.windowDeliveries()).isEqualTo(r.expectedDeliveries());
    assertThat(r.missingDeliveries()).isZero();
    assertThat(r.completeMembers()).as("members pushed seq 1..last, once each, in order").isEqualTo(20);
    assertThat(r.duplicates()).isZero();
    assertThat(r.outOfOrder()).isZero();
    assertThat(r.gapSeqs()).isZero();
    assertThat(r.kicks()).isZero();
    assertThat(r.latencyCount()).isEqualTo(r.expectedDeliveries());
    assertThat(r.p50Ms()).isPositive();
    assertThat(r.p99Ms()).isGreaterThanOrEqualTo(r.p50Ms());
    assertThat(r.maxMs()).isGreaterThanOrEqualTo(r.p999Ms());
    assertThat(r.sentPerSec()).isBetween(10.0, 30.0);
    assertThat(r.deliveriesPerSec()).isPositive();
    assertThat(r.toJson()).startsWith("{\"kind\":\"room\"").contains("\"missingDeliveries\":0").doesNotContain("\n");
  }

  @Test
  void aDeadNodeFailsTheRunNamingTheUrl() throws Exception {
    RoomLoadOptions options = RoomLoadOptions.parse(List.of("--url=ws://127.0.0.1:1/v1/ws",
        "--http=http://127.0.0.1:1", "--admin-secret=x", "--members=2", "--connect-timeout=3"));

    Throwable failure = new RoomLoad(vertx, options).run()
        .transform(ar -> Future.succeededFuture(ar.cause()))
        .await(30, TimeUnit.SECONDS);

    assertThat(failure).isNotNull();
    assertThat(failure.getMessage()).contains("127.0.0.1:1");
  }

  @Test
  void badFlagsAreNamed() {
    assertThatThrownBy(() -> RoomLoadOptions.parse(List.of("--admin-secret=s", "--members=10", "--connections=5")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'connections' (5) must equal 'members' (10)");
    assertThatThrownBy(() -> RoomLoadOptions.parse(List.of("--admin-secret=s", "--members=2", "--publishers=3")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'publishers' (3)");
    assertThatThrownBy(() -> RoomLoadOptions.parse(List.of("--members=2")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("admin-secret");
    assertThatThrownBy(() -> RoomLoadOptions.parse(List.of("--admin-secret=s", "--room=bad room")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'room'");
    assertThat(RoomLoadOptions.parse(List.of("--admin-secret=s", "--members=7", "--connections=7")).connections())
        .isEqualTo(7);
  }
}
