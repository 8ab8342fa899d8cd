package dev.stoa.writer.impl;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.stoa.kv.KeyValue;
import dev.stoa.kv.KvStore;
import dev.stoa.proto.client.SendAck;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Deletes c2c dedup records ({@code d/} keys) older than the dedup window. A record's age is the
 * {@code sentAt} of the ack it holds (every record ever written carries one; a record without it
 * counts as written at time 0, so it is expired). The keys are ordered by user, not by time, so a
 * cycle reads the whole {@code d/} range once, {@code batch} records per scan, and hands the expired
 * ones of each step to the {@link Committer}, which deletes those still holding the value read (the
 * committer is the only writer of dedup records, so a record stored anew meanwhile is kept). The
 * background thread runs a cycle {@link #FIRST_CYCLE_DELAY_MILLIS} after start and then once per
 * window, so a record is deleted at most about two windows after its sentAt; reads already ignore
 * it after one ({@link #expired}). Nothing is added to the send path. One cycle at a time
 * ({@link #sweep} is synchronized); thread-safe.
 */
public final class DedupSweeper {
  static final long FIRST_CYCLE_DELAY_MILLIS = 60_000;
  private static final Logger LOG = Logger.getLogger(DedupSweeper.class.getName());
  private static final byte[] START = "d/".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] END = "d0".getBytes(StandardCharsets.US_ASCII);

  private final KvStore kv;
  private final Committer committer;
  private final Clock clock;
  private final long windowMillis;
  private final int batch;
  private final WriterMetrics metrics;
  private final Thread thread;

  public DedupSweeper(KvStore kv, Committer committer, Clock clock, int windowSeconds, int batch,
      WriterMetrics metrics) {
    this.kv = kv;
    this.committer = committer;
    this.clock = clock;
    this.windowMillis = windowSeconds * 1000L;
    this.batch = batch;
    this.metrics = metrics;
    this.thread = Thread.ofPlatform().name("stoa-writer-dedup-sweep").daemon(true).unstarted(this::run);
  }

  /** Whether a record whose ack has {@code sentAt} is past the window at {@code nowMillis}. */
  public static boolean expired(long sentAt, long nowMillis, long windowMillis) {
    return nowMillis - sentAt >= windowMillis;
  }

  public void start() {
    thread.start();
  }

  /** Stops the background thread (a cycle in progress ends after its current step). */
  public void close(long timeoutMillis) throws InterruptedException {
    thread.interrupt();
    thread.join(timeoutMillis);
  }

  private void run() {
    long delay = Math.min(FIRST_CYCLE_DELAY_MILLIS, windowMillis);
    while (true) {
      try {
        Thread.sleep(delay);
        sweep();
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "writer dedup sweep failed; next cycle in " + windowMillis + " ms", e);
      }
      delay = windowMillis;
    }
  }

  /**
   * One cycle over every dedup record, now.
   *
   * @return records deleted
   */
  public synchronized long sweep() throws InterruptedException {
    long deleted = 0;
    byte[] from = START;
    while (!Thread.currentThread().isInterrupted()) {
      List<KeyValue> page = kv.scan(from, END, batch);
      long now = clock.millis();
      List<KeyValue> stale = new ArrayList<>();
      for (KeyValue kvp : page) {
        long sentAt = sentAt(kvp.value());
        if (sentAt >= 0 && expired(sentAt, now, windowMillis)) {
          stale.add(kvp);
        }
      }
      if (!stale.isEmpty()) {
        try {
          int n = committer.deleteIfUnchanged(stale).get();
          deleted += n;
          metrics.dedupExpired(n);
        } catch (ExecutionException e) {
          throw new IllegalStateException("writer dedup sweep: delete of " + stale.size() + " records failed",
              e.getCause());
        }
      }
      if (page.size() < batch) {
        break;
      }
      byte[] last = page.get(page.size() - 1).key();
      from = Arrays.copyOf(last, last.length + 1); // the next key after last
    }
    return deleted;
  }

  /** The ack's sentAt (0 if absent: expired); -1 if the record is not a SendAck (kept, for a person to look at). */
  private static long sentAt(byte[] value) {
    try {
      return SendAck.parseFrom(value).getSentAt();
    } catch (InvalidProtocolBufferException e) {
      return -1;
    }
  }
}
