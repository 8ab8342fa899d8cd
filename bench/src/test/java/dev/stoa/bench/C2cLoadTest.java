package dev.stoa.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class C2cLoadTest {
  private Vertx vertx;
  private BareRelay relay;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    relay = new BareRelay(vertx, new RelayOptions("127.0.0.1", 0, 2));
    relay.start().await(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private LoadReport run(String... extra) throws Exception {
    List<String> args = new java.util.ArrayList<>(List.of(
        "--target=relay", "--url=ws://127.0.0.1:" + relay.port() + "/relay", "--pairs=2", "--threads=2",
        "--duration=1", "--warmup=0", "--drain=2", "--connect-timeout=5"));
    args.addAll(List.of(extra));
    LoadOptions options = LoadOptions.parse(args);
    return new C2cLoad(vertx, options).run().await(C2cLoad.runBoundSeconds(options), TimeUnit.SECONDS);
  }

  @Test
  void openLoopAgainstTheRelayDeliversAtTheOfferedRateAndRecordsLatency() throws Exception {
    // WHEN 2 pairs offer 200 msgs/s for 1 s
    LoadReport r = run("--rate=200");

    // THEN about 200 messages went out and came back, each with a latency
    assertThat(r.target()).isEqualTo("relay");
    assertThat(r.mode()).isEqualTo("open");
    assertThat(r.deliveredPerSec()).isGreaterThan(0);
    assertThat(r.sentPerSec()).isBetween(150.0, 250.0);
    assertThat(r.latencyCount()).isBetween(190L, 200L);
    assertThat(r.p50Ms()).isPositive();
    assertThat(r.p99Ms()).isGreaterThanOrEqualTo(r.p50Ms());
    assertThat(r.maxMs()).isGreaterThanOrEqualTo(r.p999Ms());
    assertThat(r.undelivered()).isZero();
    assertThat(r.duplicates()).isZero();
    assertThat(r.errorCount()).as("errors %s", r.errors()).isZero();
    assertThat(relay.forwarded()).isGreaterThanOrEqualTo(r.latencyCount());
    assertThat(r.toJson()).startsWith("{\"target\":\"relay\"").contains("\"p99Ms\":").doesNotContain("\n");
  }

  @Test
  void maxRateKeepsTheWindowFullAndDeliversMoreThanTheOpenLoopRate() throws Exception {
    LoadReport r = run("--max-rate", "--window=4");

    assertThat(r.mode()).isEqualTo("max-rate");
    // twice the open-loop test's 200 msgs/s: a closed window is not paced (the relay alone does ~100k/s;
    // the bound leaves room for a CI machine busy with the other modules' JVMs)
    assertThat(r.deliveredPerSec()).isGreaterThan(400);
    assertThat(r.latencyCount()).isPositive();
    assertThat(r.undelivered()).isZero();
    assertThat(r.errorCount()).as("errors %s", r.errors()).isZero();
  }

  @Test
  void aDeadTargetFailsTheRunNamingTheUrl() throws Exception {
    int port = relay.port();
    relay.stop().await(10, TimeUnit.SECONDS);
    LoadOptions options = LoadOptions.parse(List.of("--target=relay", "--url=ws://127.0.0.1:" + port + "/relay",
        "--pairs=1", "--duration=1", "--warmup=0", "--connect-timeout=3"));

    Throwable failure = new C2cLoad(vertx, options).run()
        .transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause()))
        .await(20, TimeUnit.SECONDS);

    assertThat(failure).isNotNull();
    assertThat(failure.getMessage()).contains("ws://127.0.0.1:" + port + "/relay");
  }
}
