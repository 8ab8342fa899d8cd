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
import dev.stoa.index.ring.RingBudget;
import dev.stoa.index.wal.OffsetOutOfRangeException;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * <p><b>Heads.</b> A session's head (newest seq and msgId) never goes back: before retention deletes
 * segments ({@link #enforceRetention()}) the heads of every session as of the log's end are written
 * to the shard's {@link HeadsCheckpoint} once that end is durable, and retention deletes only
 * segments below it. At start ({@link #open}) the checkpoint is read (a damaged one fails the open:
 * the shard goes offline rather than reuse seqs), then the whole retained log is replayed over it:
 * heads (the greater seq wins), rings and the dedup window come back as they were.
 *
 * <p><b>Rings and their budget.</b> Every message record carries {@code pre_offset}, the link to the
 * room's previous message record in this log. Rings are bounded per room ({@code
 * index.ring.room.*}) and together by the server's {@link RingBudget}, which drops the least
 * recently used rings when over it. A dropped ring is rebuilt on demand ({@link #rebuild}) by
 * walking the links back from the room's newest durable record under the same bounds, which yields
 * the messages the ring held (a ring holds the longest newest run that fits, see
 * {@link SessionRing}); only records deleted by retention meanwhile are missing. An append to a room
 * whose ring was dropped leaves it dropped (the read that needs it rebuilds it).
 *
 * <p>Threads: sequencing runs on one lane thread per shard, so a session's seqs follow arrival
 * order; the log's flusher completes appends in offset order, which is seq order, and fills the
 * rings from there. Rings are read from any thread. {@link #append} and {@link #close(String)}
 * return futures that complete on the flusher or lane thread. Thread-safe.
 */
public final class ShardLeader implements AutoCloseable, RingBudget.Owner {
  private static final Logger LOG = Logger.getLogger(ShardLeader.class.getName());

  /**
   * What the leader knows of one session. {@code lastSeq}, {@code lastMsgId} and {@code lastOffset}
   * (the offset of its newest message record, -1 if none since it was created or closed: the next
   * one's pre-links) belong to the lane; {@code durableOffset} (its newest durable message record,
   * -1 if none) is written under the rings map's lock of the session.
   */
  private static final class Head {
    long lastSeq;
    long lastMsgId;
    long lastOffset = -1;
    volatile long durableOffset = -1;
  }

  /** A validated append. */
  public record Append(String userId, String deviceId, String clientMsgId, String sessionId, String body) {}

  private final int shard;
  private final int epoch;
  private final ShardLog log;
  private final IndexOptions options;
  private final LongSupplier msgIds;
  private final Clock clock;
  private final RingBudget budget;
  private final ExecutorService lane;
  private final Map<String, Head> heads = new ConcurrentHashMap<>();
  private final Map<String, SessionRing> rings = new ConcurrentHashMap<>();
  /** (user, device, clientMsgId) -> the answer, in flight or done; lane thread only. */
  private final Map<String, CompletableFuture<SendAck>> dedup;

  private ShardLeader(int shard, int epoch, ShardLog log, IndexOptions options, RingBudget budget,
      LongSupplier msgIds, Clock clock) {
    this.shard = shard;
    this.budget = budget;
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

  /**
   * Leads {@code shard} at {@code epoch} over {@code log}, after reading its heads checkpoint and
   * replaying everything the log holds; on a failure the lane is stopped (the log stays open: the
   * caller closes it).
   *
   * @throws IOException if the heads checkpoint cannot be read or is damaged
   * @throws IllegalStateException if a record is not an {@link IndexRecord}
   */
  public static ShardLeader open(int shard, int epoch, ShardLog log, IndexOptions options, RingBudget budget,
      LongSupplier msgIds, Clock clock) throws IOException {
    ShardLeader leader = new ShardLeader(shard, epoch, log, options, budget, msgIds, clock);
    try {
      leader.loadHeads();
      leader.replay();
    } catch (IOException | RuntimeException e) {
      leader.lane.shutdownNow();
      leader.rings.values().forEach(budget::unregister);
      throw e;
    }
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

  private void loadHeads() throws IOException {
    HeadsCheckpoint.Contents c;
    try {
      c = HeadsCheckpoint.read(log.dir());
    } catch (IOException e) {
      throw new IOException("index shard " + shard + ": the heads checkpoint cannot be read, so seqs of rooms whose"
          + " records retention deleted are unknown; the shard stays offline until it is repaired: " + e.getMessage(), e);
    }
    if (!c.present()) {
      if (log.startOffset() > 0) {
        LOG.warning(() -> "index shard " + shard + ": no " + HeadsCheckpoint.FILE + " file in " + log.dir()
            + " while retention has deleted offsets below " + log.startOffset()
            + "; rooms written only there restart their seq");
      }
      return;
    }
    if (c.coveredOffset() < log.startOffset()) {
      LOG.warning(() -> "index shard " + shard + ": " + HeadsCheckpoint.FILE + " covers offsets below "
          + c.coveredOffset() + " but the log starts at " + log.startOffset());
    }
    c.heads().forEach((sessionId, h) -> {
      Head head = heads.computeIfAbsent(sessionId, k -> new Head());
      head.lastSeq = h.lastSeq();
      head.lastMsgId = h.lastMsgId();
    });
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
        if (m.getSeq() >= head.lastSeq) {
          head.lastSeq = m.getSeq();
          head.lastMsgId = m.getMsgId();
        }
        head.lastOffset = r.offset();
        ringAdd(head, m, r.offset(), record.getPreOffset());
        dedup.put(dedupKey(m.getFromUserId(), m.getFromDeviceId(), m.getClientMsgId()),
            CompletableFuture.completedFuture(ackOf(m)));
      }
      case CLOSED -> {
        RoomClosed closed = record.getClosed();
        Head head = heads.computeIfAbsent(closed.getSessionId(), k -> new Head());
        head.lastSeq = Math.max(head.lastSeq, closed.getLastSeq());
        head.lastOffset = -1;
        ringClose(closed.getSessionId());
      }
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
    long preOffset = head.lastOffset + 1;
    byte[] payload = IndexRecord.newBuilder().setMessage(message).setPreOffset(preOffset).build().toByteArray();
    long offset = log.endOffset(); // the lane is the log's only appender: this append gets it
    CompletableFuture<Long> appended = log.append(epoch, message.getSentAt(), payload);
    head.lastSeq = message.getSeq();
    head.lastMsgId = msgId;
    head.lastOffset = offset;
    SendAck ack = ackOf(message);
    CompletableFuture<SendAck> done = appended.thenApply(got -> {
      if (got != offset) {
        throw new IllegalStateException("index shard " + shard + ": append got offset " + got + ", expected " + offset
            + " (another appender on " + log.dir() + "?)");
      }
      ringAdd(head, message, got, preOffset);
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
        if (head != null) {
          head.lastOffset = -1;
        }
        log.append(epoch, clock.millis(), IndexRecord.newBuilder().setClosed(closed).build().toByteArray())
            .whenComplete((offset, err) -> {
              if (err != null) {
                answer.completeExceptionally(err);
              } else {
                ringClose(sessionId);
                answer.complete(null);
              }
            });
      } catch (RuntimeException e) {
        answer.completeExceptionally(e);
      }
    });
    return answer;
  }

  /** The ring of {@code sessionId}, or null if it has none now (never written, closed, or dropped). */
  public SessionRing ringOf(String sessionId) {
    return rings.get(sessionId);
  }

  /** True if {@code sessionId} has no ring now but {@link #rebuild} would find messages in the log. */
  public boolean rebuildable(String sessionId) {
    Head head = heads.get(sessionId);
    return head != null && head.durableOffset >= log.startOffset() && !rings.containsKey(sessionId);
  }

  /**
   * The ring of {@code sessionId}, rebuilt from the log if it was dropped: the links are walked back
   * from the room's newest durable record, keeping messages while they fit the ring's bounds. The
   * rebuilt ring is installed unless a message became durable meanwhile (then the walk is tried again,
   * three times at most, and the last one answers without being installed). Null if the room has
   * no message in the log. Reads the log: call it from a worker, never from an event loop.
   */
  public SessionRing rebuild(String sessionId) {
    Head head = heads.get(sessionId);
    if (head == null) {
      return null;
    }
    SessionRing built = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      SessionRing current = rings.get(sessionId);
      if (current != null) {
        return current;
      }
      long from = head.durableOffset;
      if (from < log.startOffset()) {
        return null;
      }
      SessionRing walked = walkBack(sessionId, from);
      boolean[] installed = {false};
      SessionRing now = rings.compute(sessionId, (k, cur) -> {
        if (cur != null || head.durableOffset != from) {
          return cur;
        }
        budget.register(walked, this);
        installed[0] = true;
        return walked;
      });
      if (installed[0]) {
        budget.rebuilt();
        budget.enforce();
        return walked;
      }
      if (now != null) {
        return now;
      }
      built = walked;
    }
    return built;
  }

  /** A ring of {@code sessionId}'s messages from the record at {@code newest} back along the links. */
  private SessionRing walkBack(String sessionId, long newest) {
    SessionRing ring = newRing(sessionId);
    List<Message> newestFirst = new ArrayList<>();
    long bytes = 0;
    long at = newest;
    long laterSeq = Long.MAX_VALUE;
    try {
      while (at >= log.startOffset() && newestFirst.size() < ring.capacity()) {
        List<LogRecord> one = log.read(at, 1);
        if (one.isEmpty() || one.getFirst().offset() != at) {
          break;
        }
        IndexRecord record = IndexRecord.parseFrom(one.getFirst().payload());
        Message m = record.getMessage();
        if (!record.hasMessage() || !m.getSessionId().equals(sessionId) || m.getSeq() >= laterSeq) {
          LOG.warning(() -> "index shard " + shard + ": ring rebuild of " + sessionId + " stopped at offset "
              + one.getFirst().offset() + ", which is not an earlier message of the room");
          break;
        }
        long size = SessionRing.bytesOf(m);
        if (!newestFirst.isEmpty() && bytes + size > ring.maxBytes()) {
          break;
        }
        newestFirst.add(m);
        bytes += size;
        laterSeq = m.getSeq();
        if (record.getPreOffset() == 0) {
          break;
        }
        at = record.getPreOffset() - 1;
      }
    } catch (OffsetOutOfRangeException e) {
      // retention deleted the rest meanwhile: the ring holds what is left
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("index shard " + shard + ": record at offset " + at + " of " + log.dir()
          + " is not an IndexRecord: " + e.getMessage(), e);
    }
    for (int i = newestFirst.size() - 1; i >= 0; i--) {
      ring.add(newestFirst.get(i));
    }
    return ring;
  }

  /**
   * A durable message enters its room's ring; a ring is created only when it can hold everything
   * the log has of the room since it was created or closed (the message has no earlier record in the
   * retained log), else the room stays without a ring until a read rebuilds it. Flusher thread (or
   * replay).
   */
  private void ringAdd(Head head, Message message, long offset, long preOffset) {
    String sessionId = message.getSessionId();
    rings.compute(sessionId, (k, ring) -> {
      head.durableOffset = offset;
      SessionRing r = ring;
      if (r == null) {
        if (preOffset != 0 && preOffset - 1 >= log.startOffset()) {
          return null;
        }
        r = newRing(sessionId);
        budget.register(r, this);
      }
      budget.charge(r, r.add(message));
      return r;
    });
    budget.enforce();
  }

  /** Drops the ring of a closed room; what the log held of it before is never rebuilt. */
  private void ringClose(String sessionId) {
    Head head = heads.get(sessionId);
    rings.compute(sessionId, (k, ring) -> {
      if (ring != null) {
        budget.unregister(ring);
      }
      if (head != null) {
        head.durableOffset = -1;
      }
      return null;
    });
  }

  @Override
  public boolean drop(SessionRing ring) {
    boolean[] dropped = {false};
    rings.computeIfPresent(ring.sessionId(), (k, cur) -> {
      if (cur != ring) {
        return cur;
      }
      budget.unregister(ring);
      dropped[0] = true;
      return null;
    });
    return dropped[0];
  }

  /** Heap bytes of this shard's rings now. */
  public long ringBytes() {
    long total = 0;
    for (SessionRing r : rings.values()) {
      total += r.bytes();
    }
    return total;
  }

  private SessionRing newRing(String sessionId) {
    return new SessionRing(sessionId, options.roomRingCapacity(), options.roomRingMaxBytes());
  }

  /**
   * Deletes the segments past retention, after writing the heads of every session as of the log's
   * end to the {@link HeadsCheckpoint} once that end is durable; retention deletes only segments
   * below it. Nothing is written when no segment is due. Does file I/O: call it from a worker.
   *
   * @return segments deleted
   */
  public int enforceRetention() throws IOException {
    if (!log.retentionDue()) {
      return 0;
    }
    record Snapshot(long end, Map<String, HeadsCheckpoint.Head> heads) {}
    Snapshot snapshot;
    try {
      snapshot = lane.submit(() -> {
        Map<String, HeadsCheckpoint.Head> copy = new LinkedHashMap<>();
        heads.forEach((id, h) -> {
          if (h.lastSeq > 0) {
            copy.put(id, new HeadsCheckpoint.Head(h.lastSeq, h.lastMsgId));
          }
        });
        return new Snapshot(log.endOffset(), copy);
      }).get(30, TimeUnit.SECONDS);
      if (snapshot.end() > 0) {
        log.awaitDurable(snapshot.end() - 1).get(30, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("index shard " + shard + ": interrupted before retention", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("index shard " + shard + ": heads not durable, retention skipped: " + e, e);
    }
    HeadsCheckpoint.write(log.dir(), snapshot.end(), snapshot.heads());
    return log.enforceRetention(snapshot.end());
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

  /** Stops the lane (queued work still runs), drops the rings from the budget and closes the log. */
  @Override
  public void close() {
    lane.shutdown();
    try {
      lane.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.close();
    rings.values().forEach(budget::unregister);
  }
}
