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
    engine = new DeliveryEngine(store, wheel, metrics, 1_000, DEFER_LAG_MS,
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
}
