package dev.stoa.writer;

import dev.stoa.common.config.Config;
import dev.stoa.common.config.ConfigKey;
import java.util.List;

/**
 * Options of the writer role (DESIGN.md §3 "Send, causal"), read once at start-up.
 *
 * @param bodyMaxBytes largest message body accepted, in UTF-8 bytes; a larger one is TOO_LARGE
 * @param seqBlockSize how many seq / userSeq numbers one compare-and-set on a head key reserves;
 *     a restart skips what is left of the block (the legal seq jump)
 * @param lanes sessions are spread over this many lanes by {@code hash(sessionId) % lanes}; one
 *     lane processes its sends strictly one after another
 * @param queueMax sends one lane may hold accepted and not yet durable; beyond it a send is answered UNAVAILABLE
 * @param sessionCacheMax sessions whose sequencer and head are kept in memory, over all lanes;
 *     an evicted session is reloaded on its next send and its seq jumps to a fresh block
 * @param userCacheMax users whose user-chain sequencer is kept in memory
 * @param dedupWindowSeconds how long after its sentAt a c2c send's ack is returned to a resend of
 *     the same (user, device, clientMsgId); an older record is not honoured (the send is stored
 *     anew) and is deleted by the dedup sweep, which runs once per window
 * @param dedupSweepBatch dedup records the sweep reads per step (one scan, at most one delete batch)
 * @param orderGapMillis how long a connection's send waits for an earlier one that has not arrived
 *     before it is taken without it (the earlier one was lost on its way; see {@code SendOrder})
 */
public record WriterOptions(int bodyMaxBytes, int seqBlockSize, int lanes, int queueMax,
    int sessionCacheMax, int userCacheMax, int dedupWindowSeconds, int dedupSweepBatch, int orderGapMillis) {

  public static final int DEFAULT_BODY_MAX_BYTES = 32768;
  public static final int DEFAULT_SEQ_BLOCK_SIZE = 1000;
  public static final int DEFAULT_LANES = 32;
  public static final int DEFAULT_QUEUE_MAX = 1000;
  public static final int DEFAULT_SESSION_CACHE_MAX = 100_000;
  public static final int DEFAULT_USER_CACHE_MAX = 100_000;
  public static final int DEFAULT_DEDUP_WINDOW_SECONDS = 86_400;
  public static final int DEFAULT_DEDUP_SWEEP_BATCH = 1000;
  public static final int DEFAULT_ORDER_GAP_MS = 5000;

  public static final ConfigKey<Integer> BODY_MAX_BYTES = ConfigKey.integer("writer.body.max.bytes",
      DEFAULT_BODY_MAX_BYTES, 1, 16 * 1024 * 1024, "largest message body in UTF-8 bytes");
  public static final ConfigKey<Integer> SEQ_BLOCK_SIZE = ConfigKey.integer("writer.seq.block.size",
      DEFAULT_SEQ_BLOCK_SIZE, 1, 1_000_000, "seq numbers reserved per compare-and-set on a sequencer head");
  public static final ConfigKey<Integer> LANES = ConfigKey.integer("writer.lanes",
      DEFAULT_LANES, 1, 4096, "lanes that process sends; one session always uses the same lane");
  public static final ConfigKey<Integer> QUEUE_MAX = ConfigKey.integer("writer.queue.max",
      DEFAULT_QUEUE_MAX, 1, 1_000_000, "sends per lane accepted and not yet durable before the writer answers UNAVAILABLE");
  public static final ConfigKey<Integer> SESSION_CACHE_MAX = ConfigKey.integer("writer.session.cache.max",
      DEFAULT_SESSION_CACHE_MAX, 1, 100_000_000, "sessions whose sequencer and head stay in memory");
  public static final ConfigKey<Integer> USER_CACHE_MAX = ConfigKey.integer("writer.user.cache.max",
      DEFAULT_USER_CACHE_MAX, 1, 100_000_000, "users whose user-chain sequencer stays in memory");
  public static final ConfigKey<Integer> DEDUP_WINDOW_SECONDS = ConfigKey.integer("writer.dedup.window.seconds",
      DEFAULT_DEDUP_WINDOW_SECONDS, 1, 365 * 86_400,
      "seconds after its sentAt a c2c send is deduplicated against resends; older dedup records are ignored and swept");
  public static final ConfigKey<Integer> DEDUP_SWEEP_BATCH = ConfigKey.integer("writer.dedup.sweep.batch",
      DEFAULT_DEDUP_SWEEP_BATCH, 1, 100_000, "dedup records the expiry sweep reads per step");

  public static final ConfigKey<Integer> ORDER_GAP_MS = ConfigKey.integer("writer.order.gap.ms",
      DEFAULT_ORDER_GAP_MS, 1, 600_000, "milliseconds a connection's send waits for an earlier send of the"
          + " connection that has not arrived before it is taken without it");

  public static final List<ConfigKey<?>> KEYS = List.of(BODY_MAX_BYTES, SEQ_BLOCK_SIZE, LANES,
      QUEUE_MAX, SESSION_CACHE_MAX, USER_CACHE_MAX, DEDUP_WINDOW_SECONDS, DEDUP_SWEEP_BATCH, ORDER_GAP_MS);

  public WriterOptions {
    requireAtLeast("writer.body.max.bytes", bodyMaxBytes, 1);
    requireAtLeast("writer.seq.block.size", seqBlockSize, 1);
    requireAtLeast("writer.lanes", lanes, 1);
    requireAtLeast("writer.queue.max", queueMax, 1);
    requireAtLeast("writer.session.cache.max", sessionCacheMax, 1);
    requireAtLeast("writer.user.cache.max", userCacheMax, 1);
    requireAtLeast("writer.dedup.window.seconds", dedupWindowSeconds, 1);
    requireAtLeast("writer.dedup.sweep.batch", dedupSweepBatch, 1);
    requireAtLeast("writer.order.gap.ms", orderGapMillis, 1);
  }

  /** Options of the order above with every other at its default (tests). */
  public static WriterOptions of(int bodyMaxBytes, int seqBlockSize, int lanes, int queueMax, int sessionCacheMax,
      int userCacheMax, int dedupWindowSeconds, int dedupSweepBatch) {
    return new WriterOptions(bodyMaxBytes, seqBlockSize, lanes, queueMax, sessionCacheMax, userCacheMax,
        dedupWindowSeconds, dedupSweepBatch, DEFAULT_ORDER_GAP_MS);
  }

  /** The same options with another dedup window. */
  public WriterOptions withDedupWindowSeconds(int seconds) {
    return new WriterOptions(bodyMaxBytes, seqBlockSize, lanes, queueMax, sessionCacheMax, userCacheMax,
        seconds, dedupSweepBatch, orderGapMillis);
  }

  /** The defaults above. */
  public static WriterOptions defaults() {
    return new WriterOptions(DEFAULT_BODY_MAX_BYTES, DEFAULT_SEQ_BLOCK_SIZE, DEFAULT_LANES,
        DEFAULT_QUEUE_MAX, DEFAULT_SESSION_CACHE_MAX, DEFAULT_USER_CACHE_MAX, DEFAULT_DEDUP_WINDOW_SECONDS,
        DEFAULT_DEDUP_SWEEP_BATCH, DEFAULT_ORDER_GAP_MS);
  }

  public static WriterOptions from(Config config) {
    return new WriterOptions(config.get(BODY_MAX_BYTES), config.get(SEQ_BLOCK_SIZE), config.get(LANES),
        config.get(QUEUE_MAX), config.get(SESSION_CACHE_MAX), config.get(USER_CACHE_MAX),
        config.get(DEDUP_WINDOW_SECONDS), config.get(DEDUP_SWEEP_BATCH), config.get(ORDER_GAP_MS));
  }

  private static void requireAtLeast(String key, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(key + ": must be >= " + min + ", got " + value);
    }
  }
}
