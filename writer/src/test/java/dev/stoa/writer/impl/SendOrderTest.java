package dev.stoa.writer.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class SendOrderTest {
  final List<Runnable> timers = new ArrayList<>();
  final AtomicLong now = new AtomicLong(1_000);
  final AtomicInteger gaps = new AtomicInteger();
  final SendOrder order = new SendOrder(1_000, (delay, task) -> timers.add(task), now::get, gaps::incrementAndGet);
  final List<String> taken = new ArrayList<>();

  Supplier<Future<?>> placedAtOnce(String name) {
    return () -> {
      taken.add(name);
      return Future.succeededFuture();
    };
  }

  @Test
  void sendsArrivingOutOfOrderAreTakenInTheirConnectionsOrder() {
    order.take(7, 1, 0, placedAtOnce("1"));
    order.take(7, 3, 0, placedAtOnce("3"));
    order.take(7, 4, 0, placedAtOnce("4"));
    assertThat(taken).containsExactly("1");
    order.take(7, 2, 0, placedAtOnce("2"));
    assertThat(taken).containsExactly("1", "2", "3", "4");
    assertThat(gaps).hasValue(0);
  }

  @Test
  void connectionsAreIndependentAndSequenceZeroKeepsNoOrder() {
    order.take(7, 1, 0, placedAtOnce("a1"));
    order.take(7, 3, 0, placedAtOnce("a3"));
    order.take(8, 5, 4, placedAtOnce("b5"));
    order.take(7, 0, 0, placedAtOnce("http"));
    assertThat(taken).containsExactly("a1", "b5", "http");
  }

  @Test
  void theNextSendWaitsUntilThePreviousHasItsPlace() {
    Promise<Void> roomAnswered = Promise.promise();
    order.take(7, 1, 0, () -> {
      taken.add("room");
      return roomAnswered.future();
    });
    order.take(7, 2, 0, placedAtOnce("after"));
    assertThat(taken).containsExactly("room");
    roomAnswered.complete();
    assertThat(taken).containsExactly("room", "after");
  }

  @Test
  void aFailedPlacementStillLetsTheNextSendGo() {
    order.take(7, 1, 0, () -> {
      taken.add("1");
      throw new IllegalStateException("bug");
    });
    order.take(7, 2, 0, placedAtOnce("2"));
    assertThat(taken).containsExactly("1", "2");
  }

  @Test
  void aLostPredecessorIsSkippedAfterTheGapTimeAndCounted() {
    order.take(7, 1, 0, placedAtOnce("1"));
    order.take(7, 3, 0, placedAtOnce("3"));
    order.take(7, 4, 0, placedAtOnce("4"));
    assertThat(taken).containsExactly("1");
    assertThat(timers).hasSize(1);
    timers.remove(0).run();
    assertThat(taken).containsExactly("1", "3", "4");
    assertThat(gaps).hasValue(1);
    // the lost one arriving after all is behind the order: taken at once
    order.take(7, 2, 0, placedAtOnce("2 late"));
    assertThat(taken).containsExactly("1", "3", "4", "2 late");
  }

  @Test
  void aGapTimerThatFiresAfterThePredecessorCameSkipsNothing() {
    order.take(7, 1, 0, placedAtOnce("1"));
    order.take(7, 3, 0, placedAtOnce("3"));
    order.take(7, 2, 0, placedAtOnce("2"));
    timers.remove(0).run();
    assertThat(taken).containsExactly("1", "2", "3");
    assertThat(gaps).hasValue(0);
  }

  @Test
  void aWriterMeetingAConnectionMidwayGoesOnAfterItsAnsweredSends() {
    // 56 sends were answered before this run: 58 arriving first waits for 57
    order.take(9, 58, 56, placedAtOnce("58"));
    assertThat(taken).isEmpty();
    order.take(9, 57, 56, placedAtOnce("57"));
    assertThat(taken).containsExactly("57", "58");
    assertThat(gaps).as("no gap was skipped").hasValue(0);
  }

  @Test
  void aNewRunStartsAfterTheSendsAnsweredBeforeIt() {
    order.take(9, 1, 0, placedAtOnce("1"));
    order.take(9, 2, 0, placedAtOnce("2"));
    // the gateway sent 3 and 4 to another writer meanwhile; back here, 6 arrives before 5
    order.take(9, 6, 4, placedAtOnce("6"));
    order.take(9, 5, 4, placedAtOnce("5"));
    assertThat(taken).containsExactly("1", "2", "5", "6");
  }

  @Test
  void idleConnectionsWithNothingWaitingAreForgotten() {
    order.take(7, 1, 0, placedAtOnce("1"));
    order.take(8, 1, 0, placedAtOnce("b1"));
    order.take(8, 3, 0, placedAtOnce("b3 waiting"));
    now.addAndGet(10_000);
    assertThat(order.forgetIdle(5_000)).isEqualTo(1);
    assertThat(order.connections()).isEqualTo(1);
    // a forgotten connection goes on after the sends its gateway says were answered
    order.take(7, 5, 4, placedAtOnce("5"));
    assertThat(taken).containsExactly("1", "b1", "5");
  }
}
