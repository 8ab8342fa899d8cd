package dev.stoa.index;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.stoa.index.ring.SessionRing;
import dev.stoa.index.wal.LogRecord;
import dev.stoa.index.wal.ShardLog;
import dev.stoa.proto.client.Code;
import dev.stoa.proto.client.Message;
import dev.stoa.proto.client.SendAck;
import dev.stoa.proto.internal.IndexRecord;
import dev.stoa.proto.internal.RoomClosed;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * The leader of one shard (DESIGN.md §4): assigns each room message its seq (strictly increasing per
 * session, preSeq/preMsgId naming the message before), appends it to the shard's {@link ShardLog}
 * as an encoded {@link IndexRecord}, and answers only when the record is durable under the log's
 * policy; the message then enters the session's {@link SessionRing}. A resend with the same (user,
 * device, clientMsgId) gets the first answer while the shard remembers it ({@code dedupMax} most
 * recent, rebuilt from the log at start). Closing a room appends a {@link RoomClosed} record and drops
 * the ring; the session's seq continues after a reopen.
 *
 * <p>At start ({@link #open}) the whole retained log is replayed: session heads, rings and the dedup
 * window come back as they were, so a restart rebuilds every ring from the WAL.
 *
 * <p>Threads: sequencing runs on one lane thread per shard, so a session's seqs follow arrival
 * order; the log's flusher completes appends in offset order, which is seq order, and fills the
 * rings from there. Rings are read from any thread. {@link #append} and {@link #close(String)}
 * return futures that complete on the flusher or lane thread. Thread-safe.
 */
public final class ShardLeader implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ShardLeader.class.getName());

  /** What the lane knows of one session: its newest seq and msgId (the next one's pre-links). */
  private static final class Head {
    long lastSeq;
    long lastMsgId;
  }

  /** A validated append. */
  public record Append(String userId, String deviceId, String clientMsgId, String sessionId, String body) {}

  private final int shard;
  private final int epoch;
  private final ShardLog log;
  private final IndexOptions options;
  private final LongSupplier msgIds;
  private final Clock clock;
  private final ExecutorService lane;
  private final Map<String, Head> heads = new ConcurrentHashMap<>();
  private final Map<String, SessionRing> rings = new ConcurrentHashMap<>();
  /** (user, device, clientMsgId) -> the answer, in flight or done; lane thread only. */
  private final Map<String, CompletableFuture<SendAck>> dedup;

  private ShardLeader(int shard, int epoch, ShardLog log, IndexOptions options, LongSupplier msgIds,
      Clock clock) {
    this.shard = shard;
    this.epoch = epoch;
    this.log = log;
    this.options = options;
    this.msgIds = msgIds;
    this.clock = clock;
    this.lane = Executors.newSingleThreadExecutor(
        Thread.ofPlatform().name("stoa-index-shard-" + shard).daemon(true).factory());
    int dedupMax = options.dedupMax();
    this.dedup = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, CompletableFuture<SendAck>> eldest) {
        return size() > dedupMax;
      }
    };
  }

  /** Leads {@code shard} at {@code epoch} over {@code log}, after replaying everything it holds. */
  public static ShardLeader open(int shard, int epoch, ShardLog log, IndexOptions options, LongSupplier msgIds,
      Clock clock) {
    ShardLeader leader = new ShardLeader(shard, epoch, log, options, msgIds, clock);
    leader.replay();
    return leader;
  }

  public int shard() {
    return shard;
  }

  public int epoch() {
    return epoch;
  }

  public ShardLog log() {
    return log;
  }

  /** Rooms with a ring now. */
  public int ringCount() {
    return rings.size();
  }

  private void replay() {
    long offset = log.startOffset();
    long end = log.durableOffset();
    long records = 0;
    while (offset < end) {
      List<LogRecord> batch = log.read(offset, 4 << 20);
      if (batch.isEmpty()) {
        break;
      }
      for (LogRecord r : batch) {
        apply(r);
        records++;
      }
      offset = batch.getLast().offset() + 1;
    }
    long replayed = records;
    LOG.info(() -> "index shard " + shard + ": replayed " + replayed + " record(s) from " + log.dir() + ": "
        + rings.size() + " room ring(s), " + heads.size() + " session(s)");
  }

  private void apply(LogRecord r) {
    IndexRecord record;
    try {
      record = IndexRecord.parseFrom(r.payload());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("index shard " + shard + ": record at offset " + r.offset() + " of " + log.dir()
          + " is not an IndexRecord (" + r.payload().length + " bytes): " + e.getMessage(), e);
    }
    switch (record.getRecordCase()) {
      case MESSAGE -> {
        Message m = record.getMessage();
        Head head = heads.computeIfAbsent(m.getSessionId(), k -> new Head());
        head.lastSeq = m.getSeq();
        head.lastMsgId = m.getMsgId();
        ring(m.getSessionId()).add(m);
        dedup.put(dedupKey(m.getFromUserId(), m.getFromDeviceId(), m.getClientMsgId()),
            CompletableFuture.completedFuture(ackOf(m)));
      }
      case CLOSED -> rings.remove(record.getClosed().getSessionId());
      case RECORD_NOT_SET -> LOG.warning("index shard " + shard + ": empty record at offset " + r.offset() + " skipped");
    }
  }

  /**
   * Sequences and appends one room message. Completes with the ack once it is durable (the first
   * ack for a resend); fails with the log's exception if it could not be written.
   */
  public CompletableFuture<SendAck> append(Append a) {
    CompletableFuture<SendAck> answer = new CompletableFuture<>();
    lane.execute(() -> {
      try {
        sequence(a).whenComplete((ack, err) -> {
          if (err != null) {
            answer.completeExceptionally(err);
          } else {
            answer.complete(ack);
          }
        });
      } catch (RuntimeException e) {
        answer.completeExceptionally(e);
      }
    });
    return answer;
  }

  /** Lane thread. */
  private CompletableFuture<SendAck> sequence(Append a) {
    String key = dedupKey(a.userId(), a.deviceId(), a.clientMsgId());
    CompletableFuture<SendAck> first = dedup.get(key);
    if (first != null) {
      return first;
    }
    Head head = heads.computeIfAbsent(a.sessionId(), k -> new Head());
    long msgId = msgIds.getAsLong();
    if (msgId <= 0) {
      throw new IllegalStateException("msgId generator returned " + msgId + ", expected a positive id");
    }
    Message message = Message.newBuilder()
        .setSessionId(a.sessionId())
        .setSeq(head.lastSeq + 1)
        .setPreSeq(head.lastSeq)
        .setMsgId(msgId)
        .setPreMsgId(head.lastMsgId)
        .setFromUserId(a.userId())
        .setFromDeviceId(a.deviceId())
        .setClientMsgId(a.clientMsgId())
        .setBody(a.body())
        .setSentAt(clock.millis())
        .build();
    byte[] payload = IndexRecord.newBuilder().setMessage(message).build().toByteArray();
    CompletableFuture<Long> appended = log.append(epoch, message.getSentAt(), payload);
    head.lastSeq = message.getSeq();
    head.lastMsgId = msgId;
    SendAck ack = ackOf(message);
    CompletableFuture<SendAck> done = appended.thenApply(offset -> {
      ring(message.getSessionId()).add(message);
      return ack;
    });
    dedup.put(key, done);
    done.whenComplete((ok, err) -> {
      if (err != null) {
        lane.execute(() -> dedup.remove(key, done));
      }
    });
    return done;
  }

  /**
   * Closes room session {@code sessionId}: appends a {@link RoomClosed} record and, once it is
   * durable, drops the ring. Closing a room that has no ring is fine (the record is still written,
   * so a replay drops whatever came before).
   */
  public CompletableFuture<Void> close(String sessionId) {
    CompletableFuture<Void> answer = new CompletableFuture<>();
    lane.execute(() -> {
      try {
        Head head = heads.get(sessionId);
        RoomClosed closed = RoomClosed.newBuilder().setSessionId(sessionId)
            .setLastSeq(head == null ? 0 : head.lastSeq).build();
        log.append(epoch, clock.millis(), IndexRecord.newBuilder().setClosed(closed).build().toByteArray())
            .whenComplete((offset, err) -> {
              if (err != null) {
                answer.completeExceptionally(err);
              } else {
                rings.remove(sessionId);
                answer.complete(null);
              }
            });
      } catch (RuntimeException e) {
        answer.completeExceptionally(e);
      }
    });
    return answer;
  }

  /** The ring of {@code sessionId}, or null if it has none (never written, or closed). */
  public SessionRing ringOf(String sessionId) {
    return rings.get(sessionId);
  }

  private SessionRing ring(String sessionId) {
    return rings.computeIfAbsent(sessionId, k -> new SessionRing(options.roomRingCapacity()));
  }

  private static SendAck ackOf(Message m) {
    return SendAck.newBuilder()
        .setClientMsgId(m.getClientMsgId())
        .setSessionId(m.getSessionId())
        .setMsgId(m.getMsgId())
        .setSeq(m.getSeq())
        .setPreSeq(m.getPreSeq())
        .setPreMsgId(m.getPreMsgId())
        .setSentAt(m.getSentAt())
        .setCode(Code.OK)
        .build();
  }

  private static String dedupKey(String userId, String deviceId, String clientMsgId) {
    return userId + '\u0000' + deviceId + '\u0000' + clientMsgId;
  }

  /** Stops the lane (queued work still runs) and closes the log. */
  @Override
  public void close() {
    lane.shutdown();
    try {
      lane.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.close();
  }
}
