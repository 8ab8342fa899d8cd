package dev.stoa.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.common.StoaException;
import dev.stoa.common.metrics.Metrics;
import dev.stoa.proto.client.Code;
import dev.stoa.proto.client.Message;
import dev.stoa.proto.internal.AckRequest;
import dev.stoa.proto.internal.Connection;
import dev.stoa.proto.internal.Empty;
import dev.stoa.proto.internal.Gateway;
import dev.stoa.proto.internal.PushRequest;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The state server against real Chronicle Map files and recording gateways. Retransmit timings
 * are short: first retransmit after {@value #INITIAL_MS} ms, doubling up to {@value #MAX_MS} ms.
 */
class StateServerTest {
  private static final long INITIAL_MS = 200;
  private static final long MAX_MS = 800;
  private static final StateOptions OPTIONS = new StateOptions(INITIAL_MS, MAX_MS, 10_000, 10);
  private static final AtomicInteger IDS = new AtomicInteger();

  @TempDir
  Path dataDir;

  private Vertx vertx;
  private Context serverContext;
  private String serverId;
  private final Map<String, Gateway> gateways = new ConcurrentHashMap<>();
  private final List<StateServer> started = new ArrayList<>();
  private final RecordingGateway gatewayA = new RecordingGateway("gw-a");
  private final RecordingGateway gatewayB = new RecordingGateway("gw-b");

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    serverId = "state-" + IDS.incrementAndGet();
    gateways.put(gatewayA.id, gatewayA);
    gateways.put(gatewayB.id, gatewayB);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (StateServer server : started) {
      await(server.stop());
    }
    await(vertx.close());
  }

  @Test
  void pushDeliversOnceRightAwayAsAPushFrame() throws Exception {
    StateServer server = start();
    attach(server, 1, gatewayA);

    await(server.push(push(100, 1)));

    waitUntil(() -> !gatewayA.calls.isEmpty());
    RecordingGateway.Call call = gatewayA.calls.getFirst();
    assertThat(call.connIds()).containsExactly(1L);
    assertThat(call.frame().getPush().getMessage()).isEqualTo(message(100));
    Thread.sleep(INITIAL_MS / 2);
    assertThat(gatewayA.calls).as("calls before the first retransmit is due")
        .filteredOn(c -> c.atMillis() < call.atMillis() + INITIAL_MS - 20).hasSize(1);
    assertThat(server.pendingCount()).isEqualTo(1);
    assertThat(counter("stoa.state.pushes")).isEqualTo(1.0);
  }

  @Test
  void attachAnswersOnTheCallersContextAndPushThenAckSucceed() throws Exception {
    StateServer server = start();
    Context caller = vertx.getOrCreateContext();
    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
    // which thread completes push and ack is the scheduler's business (the future may be complete
    // before a callback is added); that attach answers on the caller's context is the contract
    caller.runOnContext(v -> server.attach(connection(1, gatewayA))
        .onComplete(a -> {
          seen.add("attach " + a.succeeded() + " on caller=" + (Vertx.currentContext() == caller));
          server.push(push(100, 1)).onComplete(p -> {
            seen.add("push " + p.succeeded());
            server.ack(ack(1, 100)).onComplete(k -> {
              seen.add("ack " + k.succeeded());
              done.countDown();
            });
          });
        }));
    assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(seen).containsExactly("attach true on caller=true", "push true", "ack true");
    waitUntil(() -> server.pendingCount() == 0);
  }

  @Test
  void withoutAckRetransmitsAfterTheInitialDelayThenWithDoublingBackoff() throws Exception {
    StateServer server = start();
    attach(server, 1, gatewayA);

    await(server.push(push(100, 1)));

    waitUntil(() -> gatewayA.deliveries(1, 100).size() >= 4, Duration.ofSeconds(15));
    List<RecordingGateway.Call> calls = gatewayA.deliveries(1, 100);
    long first = calls.get(1).atMillis() - calls.get(0).atMillis();
    long second = calls.get(2).atMillis() - calls.get(1).atMillis();
    long third = calls.get(3).atMillis() - calls.get(2).atMillis();
    // lower bounds only: a timer never fires early, but a loaded machine may run it late
    assertThat(first).as("first retransmit delay").isGreaterThanOrEqualTo(INITIAL_MS - 20);
    assertThat(second).as("second retransmit delay, doubled").isGreaterThanOrEqualTo(2 * INITIAL_MS - 20);
    assertThat(third).as("third retransmit delay").isGreaterThanOrEqualTo(MAX_MS - 20);
    assertThat(counter("stoa.state.retransmits")).isGreaterThanOrEqualTo(3.0);
  }

  @Test
  void afterAckNeverDeliveredAgain() throws Exception {
    StateServer server = start();
    attach(server, 1, gatewayA);
    await(server.push(push(100, 1)));
    waitUntil(() -> !gatewayA.calls.isEmpty());

    await(server.ack(ack(1, 100)));
    settle(); // a retransmit the lane dispatched before the ack may still be on its way to the gateway
    int deliveredBeforeAck = gatewayA.calls.size();

    Thread.sleep(INITIAL_MS * 5 / 2);
    assertThat(gatewayA.calls).hasSize(deliveredBeforeAck);
    assertThat(server.pendingCount()).isZero();
    assertThat(counter("stoa.state.acks")).isEqualTo(1.0);
  }

  @Test
  void ackOfAnUnknownMessageIsHarmlessAndLeavesOthersPending() throws Exception {
    StateServer server = start();
    attach(server, 1, gatewayA);
    await(server.push(push(100, 1)));

    await(server.ack(ack(1, 999)));
    await(server.ack(ack(77, 100)));

    assertThat(server.pendingCount()).isEqualTo(1);
    waitUntil(() -> gatewayA.deliveries(1, 100).size() >= 2);
    assertThat(counter("stoa.state.acks")).isZero();
  }

  @Test
  void detachStopsRetransmitsAndLaterPushesCountAsUnknown() throws Exception {
    StateServer server = start();
    attach(server, 1, gatewayA);
    await(server.push(push(100, 1)));
    waitUntil(() -> !gatewayA.calls.isEmpty());

    await(server.detach(connection(1, gatewayA)));
    settle(); // a retransmit the lane dispatched before the detach may still be on its way to the gateway
    int deliveredBeforeDetach = gatewayA.calls.size();
    await(server.push(push(101, 1)));

    Thread.sleep(INITIAL_MS * 5 / 2);
    assertThat(gatewayA.calls).hasSize(deliveredBeforeDetach);
    assertThat(server.pendingCount()).isZero();
    assertThat(server.connectionCount()).isZero();
    assertThat(counter("stoa.state.unknown.connection")).isEqualTo(1.0);
  }

  @Test
  void aConnectionTheGatewayReportsClosedIsDetached() throws Exception {
    StateServer server = start();
    attach(server, 1, gatewayA);
    attach(server, 2, gatewayA);
    gatewayA.closed.add(1L);

    await(server.push(push(100, 1, 2)));

    waitUntil(() -> server.connectionCount() == 1);
    settle(); // a retransmit to conn 1 dispatched before the detach may still be on its way to the gateway
    int deliveredToClosed = gatewayA.deliveries(1, 100).size();
    assertThat(server.pendingCount()).isEqualTo(1);
    waitUntil(() -> gatewayA.deliveries(2, 100).size() >= 3, Duration.ofSeconds(10));
    assertThat(gatewayA.deliveries(1, 100)).hasSize(deliveredToClosed);
  }

  @Test
  void aConnectionOnAnUnknownGatewayIsDetached() throws Exception {
    StateServer server = start();
    await(server.attach(Connection.newBuilder().setConnId(1).setGatewayId("gw-gone").build()));

    await(server.push(push(100, 1)));

    waitUntil(() -> server.connectionCount() == 0);
    assertThat(server.pendingCount()).isZero();
  }

  @Test
  void oneDeliverCallPerGatewayPerPushAndUnknownConnectionsCounted() throws Exception {
    StateServer server = start();
    attach(server, 1, gatewayA);
    attach(server, 2, gatewayA);
    attach(server, 3, gatewayB);

    await(server.push(push(100, 1, 2, 3, 42)));

    waitUntil(() -> !gatewayA.calls.isEmpty() && !gatewayB.calls.isEmpty());
    assertThat(gatewayA.calls.getFirst().connIds()).containsExactly(1L, 2L);
    assertThat(gatewayB.calls.getFirst().connIds()).containsExactly(3L);
    assertThat(server.pendingCount()).isEqualTo(3);
    assertThat(counter("stoa.state.unknown.connection")).isEqualTo(1.0);
    assertThat(counter("stoa.state.pushes")).isEqualTo(3.0);
  }

  @Test
  void aFailedDeliverIsRetriedByTheRetransmit() throws Exception {
    StateServer server = start();
    attach(server, 1, gatewayA);
    gatewayA.failing = true;

    await(server.push(push(100, 1)));
    waitUntil(() -> counter("stoa.state.deliver.failures") >= 1);
    int failedCalls = gatewayA.calls.size();
    gatewayA.failing = false;

    waitUntil(() -> gatewayA.deliveries(1, 100).size() > failedCalls);
    assertThat(server.connectionCount()).isEqualTo(1);
    assertThat(server.pendingCount()).isEqualTo(1);
  }

  @Test
  void restartedServerRetransmitsWhatWasUnacked() throws Exception {
    StateServer first = start();
    attach(first, 1, gatewayA);
    await(first.push(push(100, 1)));
    waitUntil(() -> !gatewayA.calls.isEmpty());
    await(first.stop());
    settle(); // the first server's deliveries are made before the calls are cleared
    started.remove(first);
    gatewayA.calls.clear();
    assertThat(StateServer.mapFile(dataDir, serverId)).exists();

    StateServer second = start();
    assertThat(second.pendingCount()).isEqualTo(1);
    attach(second, 1, gatewayA);

    waitUntil(() -> !gatewayA.deliveries(1, 100).isEmpty());
    assertThat(gatewayA.calls.getFirst().frame().getPush().getMessage()).isEqualTo(message(100));
  }

  @Test
  void restartedServerRetransmitsNothingThatWasAcked() throws Exception {
    StateServer first = start();
    attach(first, 1, gatewayA);
    await(first.push(push(100, 1)));
    await(first.push(push(101, 1)));
    await(first.ack(ack(1, 100)));
    await(first.ack(ack(1, 101)));
    await(first.stop());
    settle(); // the first server's deliveries are made before the calls are cleared
    started.remove(first);
    gatewayA.calls.clear();

    StateServer second = start();
    attach(second, 1, gatewayA);

    Thread.sleep(INITIAL_MS * 5 / 2);
    assertThat(gatewayA.calls).isEmpty();
    assertThat(second.pendingCount()).isZero();
  }

  @Test
  void restartedServerDropsRecoveredConnectionsTheGatewayNoLongerHas() throws Exception {
    StateServer first = start();
    attach(first, 1, gatewayA);
    attach(first, 2, gatewayA);
    await(first.push(push(100, 1, 2)));
    await(first.stop());
    settle(); // the first server's deliveries are made before the calls are cleared
    started.remove(first);
    gatewayA.calls.clear();

    StateServer second = start();
    assertThat(second.connectionCount()).isEqualTo(2);
    // only now: a retransmit of a slow start must not drop conn 1 before the count above is read
    gatewayA.closed.add(1L);

    waitUntil(() -> second.connectionCount() == 1 && second.pendingCount() == 1);
    settle(); // a retransmit to conn 1 dispatched before the detach may still be on its way to the gateway
    int deliveredToClosed = gatewayA.deliveries(1, 100).size();
    assertThat(deliveredToClosed).isPositive();
    int deliveredToOpen = gatewayA.deliveries(2, 100).size();
    waitUntil(() -> gatewayA.deliveries(2, 100).size() > deliveredToOpen, Duration.ofSeconds(10));
    assertThat(gatewayA.deliveries(1, 100)).hasSize(deliveredToClosed);
  }

  @Test
  void metricsAreScrapedWithTheServerTag() throws Exception {
    StateServer server = start();
    attach(server, 1, gatewayA);
    await(server.push(push(100, 1)));

    String scrape = Metrics.scrape();

    assertThat(scrape).contains("stoa_state_pushes_total{state_server=\"" + serverId + "\"} 1.0")
        .contains("stoa_state_pending{state_server=\"" + serverId + "\"} 1.0")
        .contains("stoa_state_connections{state_server=\"" + serverId + "\"} 1.0")
        .contains("stoa_state_retransmits_total{state_server=\"" + serverId + "\"}")
        .contains("stoa_state_acks_total{state_server=\"" + serverId + "\"}")
        .contains("stoa_state_unknown_connection_total{state_server=\"" + serverId + "\"}");
  }

  @Test
  void badRequestsAreRejectedAndCallsOutsideStartStopAreUnavailable() throws Exception {
    StateServer server = new StateServer(vertx, serverId, dataDir, OPTIONS, id -> Optional.empty());
    assertCode(server.push(push(100, 1)), Code.UNAVAILABLE);
    started.add(server);
    await(server.start());

    assertCode(server.attach(Connection.newBuilder().setConnId(1).build()), Code.BAD_REQUEST);
    assertCode(server.attach(Connection.newBuilder().setGatewayId("gw-a").build()), Code.BAD_REQUEST);
    assertCode(server.push(PushRequest.newBuilder().addConnIds(1).build()), Code.BAD_REQUEST);
    await(server.stop());
    started.remove(server);
    assertCode(server.ack(ack(1, 100)), Code.UNAVAILABLE);
    assertThat(Files.exists(StateServer.mapFile(dataDir, serverId))).isTrue();
    assertThatThrownBy(() -> new StateServer(vertx, "../x/y", dataDir, OPTIONS, id -> Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stateServerId");
  }

  // ---- helpers ----

  private StateServer start() throws Exception {
    StateServer server = new StateServer(vertx, serverId, dataDir, OPTIONS,
        id -> Optional.ofNullable(gateways.get(id)));
    started.add(server);
    // started from a context of ours: the server calls the gateways there (see settle())
    Context context = vertx.getOrCreateContext();
    serverContext = context;
    await(Future.<Void>future(promise -> context.runOnContext(v ->
        server.start().onComplete(ar -> promise.handle(ar)))));
    return server;
  }

  /**
   * Waits until the gateway calls the last started server has already dispatched are made: the
   * lane hands each call to the server's context, so a task queued there now runs after them.
   */
  private void settle() throws Exception {
    Context context = serverContext;
    await(Future.<Void>future(promise -> context.runOnContext(v -> promise.complete())));
  }

  private static void attach(StateServer server, long connId, RecordingGateway gateway) throws Exception {
    await(server.attach(connection(connId, gateway)));
  }

  private static Connection connection(long connId, RecordingGateway gateway) {
    return Connection.newBuilder().setConnId(connId).setUserId("u" + connId).setDeviceId("d" + connId)
        .setGatewayId(gateway.id).build();
  }

  private static Message message(long msgId) {
    return Message.newBuilder().setSessionId("c2c:alice:bob").setMsgId(msgId).setSeq(msgId)
        .setFromUserId("alice").setBody("hello " + msgId).build();
  }

  private static PushRequest push(long msgId, long... connIds) {
    PushRequest.Builder builder = PushRequest.newBuilder().setMessage(message(msgId));
    for (long connId : connIds) {
      builder.addConnIds(connId);
    }
    return builder.build();
  }

  private static AckRequest ack(long connId, long msgId) {
    return AckRequest.newBuilder().setConnId(connId).setSessionId("c2c:alice:bob").setMsgId(msgId).build();
  }

  private double counter(String name) {
    Counter counter = Metrics.registry().find(name).tag("state_server", serverId).counter();
    assertThat(counter).as("counter " + name).isNotNull();
    return counter.count();
  }

  private static <T> T await(Future<T> future) throws Exception {
    // generous: the first Chronicle Map of a JVM loads and generates classes for seconds
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static void assertCode(Future<Empty> future, Code code) {
    assertThatThrownBy(() -> await(future)).isInstanceOf(ExecutionException.class)
        .cause().isInstanceOfSatisfying(StoaException.class, e -> assertThat(e.code()).isEqualTo(code));
  }

  private static void waitUntil(BooleanSupplier condition) throws InterruptedException {
    waitUntil(condition, Duration.ofSeconds(10));
  }

  private static void waitUntil(BooleanSupplier condition, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + timeout.toMillis() + " ms");
      }
      Thread.sleep(5);
    }
  }
}
