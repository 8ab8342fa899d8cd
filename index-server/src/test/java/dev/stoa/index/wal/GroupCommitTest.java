package dev.stoa.index.wal;

import static dev.stoa.index.wal.WalTesting.T0;
import static dev.stoa.index.wal.WalTesting.small;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupCommitTest {
  @TempDir
  Path dir;

  private static List<CompletableFuture<Long>> appendFromThreads(ShardLog log, int threads, int perThread)
      throws InterruptedException {
    List<CompletableFuture<Long>> all = new CopyOnWriteArrayList<>();
    List<Thread> ts = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      ts.add(Thread.ofPlatform().start(() -> {
        for (int i = 0; i < perThread; i++) {
          all.add(log.append(1, T0, new byte[64]));
        }
      }));
    }
    for (Thread t : ts) {
      t.join(10_000);
    }
    return all;
  }

  @Test
  void groupCommitForcesManyAppendsAtOnce() throws Exception {
    WalOptions options = small(Durability.GROUP).withSegmentBytes(1 << 20).withGroupCommit(20, 1 << 30);
    // the first force waits until every append has been made, so how fast this machine appends
    // does not decide how many forces there are: everything appended meanwhile shares the next one
    CountDownLatch allAppended = new CountDownLatch(1);
    try (ShardLog log = ShardLog.open(dir, options, WalTesting.CLOCK, file -> awaitQuietly(allAppended))) {
      List<CompletableFuture<Long>> all = appendFromThreads(log, 4, 500);
      allAppended.countDown();
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
      assertThat(all).hasSize(2000);
      assertThat(log.durableOffset()).isEqualTo(2000);
      assertThat(log.forceCount()).as("the held force, then one for the 2000 appends behind it").isBetween(1L, 3L);
    }
  }

  @Test
  void perAppendStillBatchesAppendsThatWaitTogether() throws Exception {
    WalOptions options = small(Durability.PER_APPEND).withSegmentBytes(1 << 20);
    // the first force is held until all 1000 appends are made: they all wait behind it together
    CountDownLatch allAppended = new CountDownLatch(1);
    try (ShardLog log = ShardLog.open(dir, options, WalTesting.CLOCK, file -> awaitQuietly(allAppended))) {
      List<CompletableFuture<Long>> all = appendFromThreads(log, 4, 250);
      allAppended.countDown();
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
      assertThat(log.durableOffset()).isEqualTo(1000);
      assertThat(log.forceCount()).as("the held force, then one for the appends that waited").isBetween(1L, 3L);
    }
  }

  @Test
  void groupCommitBytesForcesBeforeTheDeadline() throws Exception {
    int framed = 32 + 64;
    WalOptions options = small(Durability.GROUP).withGroupCommit(60_000, 10L * framed);
    try (ShardLog log = ShardLog.open(dir, options, WalTesting.CLOCK)) {
      List<CompletableFuture<Long>> fs = new ArrayList<>();
      for (int i = 0; i < 9; i++) {
        fs.add(log.append(0, T0, new byte[64]));
      }
      Thread.sleep(100);
      assertThat(fs.getLast()).isNotDone(); // 9 records: below the byte threshold, 60 s deadline
      fs.add(log.append(0, T0, new byte[64]));
      assertThat(fs.getLast().get(10, TimeUnit.SECONDS)).isEqualTo(9);
      assertThat(fs.getFirst()).isCompletedWithValue(0L);
      assertThat(log.forceCount()).isEqualTo(1);
    }
  }

  @Test
  void closeForcesAndCompletesPendingAppends() throws Exception {
    WalOptions options = small(Durability.GROUP).withGroupCommit(60_000, 1 << 30);
    CompletableFuture<Long> f;
    try (ShardLog log = ShardLog.open(dir, options, WalTesting.CLOCK)) {
      f = log.append(0, T0, new byte[] {7});
      Thread.sleep(50);
      assertThat(f).isNotDone();
    }
    assertThat(f).isCompletedWithValue(0L);
    try (ShardLog log = ShardLog.open(dir, options, WalTesting.CLOCK)) {
      assertThat(log.recovery().checkpointOffset()).isEqualTo(1);
    }
  }

  @Test
  void closingFromADependentStageOnTheFlusherThreadDoesNotHang() throws Exception {
    WalOptions options = small(Durability.GROUP).withGroupCommit(1, 1 << 20);
    ShardLog log = ShardLog.open(dir, options, WalTesting.CLOCK);
    CompletableFuture<Long> second = new CompletableFuture<>();
    log.append(0, T0, new byte[] {1}).thenRun(() -> {
      log.append(0, T0, new byte[] {2}).whenComplete((o, e) -> second.complete(o));
      log.close();
    }).get(10, TimeUnit.SECONDS);
    assertThat(log.state()).isEqualTo(ShardLog.State.CLOSED);
    assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo(1); // forced by close
    try (ShardLog again = ShardLog.open(dir, options, WalTesting.CLOCK)) {
      assertThat(again.endOffset()).isEqualTo(2);
    }
  }

  @Test
  void diskErrorTakesTheShardOfflineLoudly() throws Exception {
    AtomicBoolean failing = new AtomicBoolean();
    List<LogRecord> severe = new CopyOnWriteArrayList<>();
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord r) {
        if (r.getLevel() == Level.SEVERE) {
          severe.add(r);
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger logger = Logger.getLogger(ShardLog.class.getName());
    logger.addHandler(capture);
    try (ShardLog log = ShardLog.open(dir, small(Durability.PER_APPEND), WalTesting.CLOCK, file -> {
      if (failing.get()) {
        throw new IOException("injected EIO forcing " + file);
      }
    })) {
      assertThat(log.append(0, T0, new byte[] {1}).get(10, TimeUnit.SECONDS)).isZero();
      CompletableFuture<Long> waiter = log.awaitDurable(5);
      failing.set(true);
      CompletableFuture<Long> doomed = log.append(0, T0, new byte[] {2});
      assertThat(doomed).failsWithin(10, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
          .withCauseInstanceOf(WalOfflineException.class).withMessageContaining(dir.toString())
          .withMessageContaining("injected EIO");
      assertThat(log.state()).isEqualTo(ShardLog.State.OFFLINE);
      assertThat(log.whenOffline()).isDone();
      assertThat(waiter).isCompletedExceptionally();
      // later appends fail at once; durable data stays readable
      assertThat(log.append(0, T0, new byte[] {3})).isCompletedExceptionally();
      assertThat(log.read(0, 100)).hasSize(1);
      assertThat(severe).anySatisfy(r -> assertThat(r.getMessage()).contains(dir.toString()).contains("OFFLINE")
          .contains("injected EIO"));
    } finally {
      logger.removeHandler(capture);
    }
    // the acknowledged record is there; the failed one was written (not forced), so it may be too
    try (ShardLog log = ShardLog.open(dir, small(Durability.PER_APPEND), WalTesting.CLOCK)) {
      assertThat(log.endOffset()).isBetween(1L, 2L);
      assertThat(log.read(0, 100).getFirst().payload()).containsExactly(1);
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("appends not made within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
