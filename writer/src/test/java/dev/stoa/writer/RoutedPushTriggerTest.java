package dev.stoa.writer;

import static dev.stoa.writer.InMemoryCluster.route;
import static dev.stoa.writer.TestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.common.metrics.Metrics;
import dev.stoa.proto.client.Message;
import dev.stoa.proto.internal.PushRequest;
import io.micrometer.core.instrument.Counter;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RoutedPushTriggerTest {
  private final InMemoryCluster.Routes routes = new InMemoryCluster.Routes();
  private final InMemoryCluster.Directory directory = new InMemoryCluster.Directory();
  private final InMemoryCluster.StateServer s1 = new InMemoryCluster.StateServer();
  private final InMemoryCluster.StateServer s2 = new InMemoryCluster.StateServer();
  private final RoutedPushTrigger trigger = new RoutedPushTrigger(routes, directory);
  private final Message message = Message.newBuilder().setSessionId("c2c:alice:bob").setSeq(1).setMsgId(77)
      .setFromUserId("alice").setBody("hi").build();

  @BeforeEach
  void cluster() {
    directory.states.put("s1", s1);
    directory.states.put("s2", s2);
    // alice: the sending phone (conn 1) and a laptop (conn 2); bob: a phone and a tablet
    routes.register("alice", route(1, "phone", "s1"));
    routes.register("alice", route(2, "laptop", "s2"));
    routes.register("bob", route(3, "phone", "s1"));
    routes.register("bob", route(4, "tablet", "s2"));
    routes.register("bob", route(5, "web", "s1"));
  }

  @Test
  void groupsConnectionsByStateServerAndSkipsTheSendingConnection() throws Exception {
    await(trigger.push(List.of("alice", "bob"), 1, message));

    assertThat(s1.pushes).hasSize(1);
    assertThat(s1.pushes.get(0).getConnIdsList()).containsExactlyInAnyOrder(3L, 5L);
    assertThat(s1.pushes.get(0).getMessage()).isEqualTo(message);
    assertThat(s2.pushes).hasSize(1);
    assertThat(s2.pushes.get(0).getConnIdsList()).containsExactlyInAnyOrder(2L, 4L);
  }

  @Test
  void eachConnectionIsPushedWithTheGatewayItsRouteNames() throws Exception {
    routes.register("carol", InMemoryCluster.route(8, "phone", "s1").toBuilder().setGatewayId("gw-2").build());

    await(trigger.push(List.of("bob", "carol"), 0, message));

    PushRequest push = s1.pushes.get(0);
    assertThat(push.getConnIdsList()).containsExactly(3L, 5L, 8L);
    assertThat(push.getGatewayIdsList()).containsExactly("gw-1", "gw-1", "gw-2");
  }

  @Test
  void anHttpSendReachesEveryConnection() throws Exception {
    await(trigger.push(List.of("alice", "bob"), 0, message));
    assertThat(InMemoryCluster.connIds(s1.pushes)).containsExactlyInAnyOrder(1L, 3L, 5L);
    assertThat(InMemoryCluster.connIds(s2.pushes)).containsExactlyInAnyOrder(2L, 4L);
  }

  @Test
  void failuresAreCountedAndDoNotStopTheOtherPushes() throws Exception {
    double before = failures();
    routes.failing.add("alice");
    routes.register("bob", route(6, "car", "s-gone"));
    s2.failing = true;

    await(trigger.push(List.of("alice", "bob"), 1, message));

    // bob's connections on s1 still get the message; alice's lookup, s-gone and s2 each fail once
    assertThat(s1.pushes).extracting(PushRequest::getConnIdsList).containsExactly(List.of(3L, 5L));
    assertThat(failures()).isEqualTo(before + 3);
  }

  @Test
  void anOfflineSessionPushesNothing() throws Exception {
    await(trigger.push(List.of("carol", "dave"), 0, message));
    assertThat(s1.pushes).isEmpty();
    assertThat(s2.pushes).isEmpty();
  }

  private static double failures() {
    Counter c = Metrics.registry().find("stoa_writer_push_failures").counter();
    return c == null ? 0 : c.count();
  }
}
