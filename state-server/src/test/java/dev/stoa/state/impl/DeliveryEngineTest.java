package dev.stoa.state.impl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.proto.client.Message;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.util.Timeout;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The delivery decisions on a real Chronicle Map file and a real timing wheel; the test thread
 * plays the lane (it alone calls the engine), the wheel only records what fired.
 */
class DeliveryEngineTest {
  private static final long INITIAL_MS = 30;
  private static final long DEFER_LAG_MS = 500;
  private static final long CONN = 7;
  private static final int CONNECTION_PENDING_MAX = 3;
  private static final Message MESSAGE = Message.newBuilder().setMsgId(100).setSessionId("c2c:a:b").setBody("hi")
      .build();

  private record Fired(long connId, long msgId, Timeout timeout) {}

  @TempDir
  Path dir;

  private final LinkedBlockingQueue<Fired> fired = new LinkedBlockingQueue<>();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private DeliveryState store;
  private RetransmitScheduler wheel;
  private StateMetrics metrics;
  private DeliveryEngine engine;

  @BeforeEach
  void open() throws Exception {
    store = DeliveryState.open(dir.resolve("s.cmap"), 1_000);
    wheel = new RetransmitScheduler("test", 5, INITIAL_MS, 10 * INITIAL_MS);
    metrics = new StateMetrics(registry, "s");
    engine = new DeliveryEngine(store, wheel, metrics, 1_000, CONNECTION_PENDING_MAX, DEFER_LAG_MS,
        (connId, msgId, timeout) -> fired.add(new Fired(connId, msgId, timeout)), connId -> { });
  }

  @AfterEach
  void close() {
    wheel.stop();
    store.close();
  }

  private Fired nextFired() throws InterruptedException {
    Fired f = fired.poll(5, TimeUnit.SECONDS);
    assertThat(f).as("a retransmit timer fired").isNotNull();
    return f;
  }

  private double counter(String name) {
    return registry.get(name).counter().count();
  }

  @Test
  void aRetransmitReachingTheLaneLateIsPutOffNotDeliveredAndStaysPending() throws Exception {
    engine.attach(CONN, "gw-a");
    assertThat(engine.push(List.of(CONN), MESSAGE)).hasSize(1);

    Fired late = nextFired();
    assertThat(engine.retransmit(late.connId(), late.msgId(), late.timeout(), DEFER_LAG_MS))
        .as("a retransmit that waited the whole defer lag").isEmpty();
    assertThat(counter("stoa.state.retransmits.deferred")).isEqualTo(1.0);
    assertThat(counter("stoa.state.retransmits")).isZero();
    assertThat(engine.pendingCount()).as("still pending").isEqualTo(1);
    assertThat(store.get(CONN, 100).orElseThrow().attempts()).as("the put-off round counts for the backoff")
        .isEqualTo(2);

    Fired onTime = nextFired();
    assertThat(engine.retransmit(onTime.connId(), onTime.msgId(), onTime.timeout(), DEFER_LAG_MS - 1))
        .as("the next retransmit, on time")
        .hasValueSatisfying(d -> {
          assertThat(d.gatewayId()).isEqualTo("gw-a");
          assertThat(d.connIds()).containsExactly(CONN);
          assertThat(d.message()).isEqualTo(MESSAGE);
        });
    assertThat(counter("stoa.state.retransmits")).isEqualTo(1.0);
    assertThat(counter("stoa.state.retransmits.deferred")).isEqualTo(1.0);
    assertThat(store.get(CONN, 100).orElseThrow().attempts()).isEqualTo(3);
  }

  @Test
  void anAckEndsRetransmitsWhetherOrNotOneWasPutOff() throws Exception {
    engine.attach(CONN, "gw-a");
    engine.push(List.of(CONN), MESSAGE);
    Fired late = nextFired();
    engine.retransmit(late.connId(), late.msgId(), late.timeout(), 10 * DEFER_LAG_MS);

    assertThat(engine.ack(CONN, 100)).isTrue();
    assertThat(engine.pendingCount()).isZero();
    assertThat(store.get(CONN, 100)).isEmpty();
    assertThat(fired.poll(6 * INITIAL_MS, TimeUnit.MILLISECONDS)).as("no timer after the ack").isNull();
  }

  private static Message message(long msgId) {
    return MESSAGE.toBuilder().setMsgId(msgId).build();
  }

  @Test
  void aConnectionThatNeverAcksKeepsOnlyItsOwnShareOfPendingPushes() {
    engine.attach(CONN, "gw-a");
    engine.attach(CONN + 1, "gw-a");
    for (long msgId = 1; msgId <= CONNECTION_PENDING_MAX + 5; msgId++) {
      assertThat(engine.push(List.of(CONN), message(msgId))).as("push %d is still delivered", msgId).hasSize(1);
    }

    // the first pushes are tracked; those beyond the connection's share are delivered once only
    assertThat(engine.pendingCount()).isEqualTo(CONNECTION_PENDING_MAX);
    assertThat(store.size()).isEqualTo(CONNECTION_PENDING_MAX);
    assertThat(counter("stoa.state.pending.connection.overflow")).isEqualTo(5);
    // another connection of the same server still gets its pushes tracked
    engine.push(List.of(CONN + 1), message(50));
    assertThat(engine.pendingCount()).isEqualTo(CONNECTION_PENDING_MAX + 1);
    // an ack frees a slot of the connection
    assertThat(engine.ack(CONN, 1)).isTrue();
    engine.push(List.of(CONN), message(60));
    assertThat(engine.pendingCount()).isEqualTo(CONNECTION_PENDING_MAX + 1);
    assertThat(counter("stoa.state.pending.connection.overflow")).isEqualTo(5);
  }

  @Test
  void aPushNamingTheGatewayOfAForgottenConnectionAttachesItThere() throws Exception {
    // GIVEN a state server that does not know CONN (it restarted since the gateway attached it)
    List<DeliveryEngine.Delivery> deliveries = engine.push(List.of(CONN, CONN + 1), List.of("gw-b"), MESSAGE);

    // THEN CONN is attached on the gateway the route named and delivered to; CONN + 1 had no gateway id
    assertThat(deliveries).containsExactly(new DeliveryEngine.Delivery("gw-b", List.of(CONN), MESSAGE));
    assertThat(engine.gatewayOf(CONN)).contains("gw-b");
    assertThat(engine.gatewayOf(CONN + 1)).isEmpty();
    assertThat(counter("stoa.state.connections.adopted")).isEqualTo(1);
    assertThat(counter("stoa.state.unknown.connection")).isEqualTo(1);
    // it is pending like any push: retransmitted until acked
    Fired first = nextFired();
    assertThat(engine.retransmit(first.connId(), first.msgId(), first.timeout(), 0)).isPresent();
    // a known connection keeps the gateway it was attached on, whatever a later push names
    engine.push(List.of(CONN), List.of("gw-c"), message(101));
    assertThat(engine.gatewayOf(CONN)).contains("gw-b");
  }
}
