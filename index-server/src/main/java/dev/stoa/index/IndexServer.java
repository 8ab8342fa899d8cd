package dev.stoa.index;

import dev.stoa.common.Ids;
import dev.stoa.common.Lifecycle;
import dev.stoa.common.SessionId;
import dev.stoa.common.StoaException;
import dev.stoa.index.ring.RingBudget;
import dev.stoa.index.ring.SessionRing;
import dev.stoa.index.wal.LogRecord;
import dev.stoa.index.wal.OffsetOutOfRangeException;
import dev.stoa.index.wal.ShardLog;
import dev.stoa.index.wal.WalOfflineException;
import dev.stoa.proto.client.Code;
import dev.stoa.proto.client.Message;
import dev.stoa.proto.client.SendAck;
import dev.stoa.proto.internal.AppendRequest;
import dev.stoa.proto.internal.AppendResult;
import dev.stoa.proto.internal.CloseRoomRequest;
import dev.stoa.proto.internal.CloseRoomResult;
import dev.stoa.proto.internal.FetchRequest;
import dev.stoa.proto.internal.FetchResult;
import dev.stoa.proto.internal.Index;
import dev.stoa.proto.internal.ReadRequest;
import dev.stoa.proto.internal.ReadResult;
import com.google.protobuf.ByteString;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * An index server (DESIGN.md §4) serving the {@link Index} service: sessions map to
 * {@code floorMod(sessionId.hashCode(), shards)}; each shard has its log in
 * {@code <dataDir>/index/shard-<nnnn>/} and a {@link ShardLeader}. Until the meta server exists,
 * this server leads every shard at epoch {@value #EPOCH}, through the same code path a replica set
 * will use: an append that names another epoch is refused UNAVAILABLE with a leader hint.
 *
 * <p>Every {@value #RETENTION_PERIOD_MS} ms whole segments past {@code index.wal.retention.*} are
 * deleted, after each shard's heads are checkpointed ({@link ShardLeader#enforceRetention()}), so a
 * room's seq never goes back (the rings keep what they hold; a restart replays only what is retained).
 *
 * <p>Rings of all shards share one {@link RingBudget} of {@code index.ring.total.max.bytes}; a read
 * of a room whose ring was dropped rebuilds it from the log on a worker.
 *
 * <p>A shard whose log or heads cannot be opened at start (damage recovery refuses, an unreadable
 * directory, a bad record) is offline alone: it is logged once at SEVERE, counted in
 * {@code stoa_index_shards_offline}, and every request for it is answered UNAVAILABLE naming the
 * shard and the cause, while the other shards serve.
 *
 * <p>The shard count is written to {@code <dataDir>/index/shards} at first start; starting with
 * another {@code index.shards} on the same data is refused, since sessions would move shards.
 *
 * <p>Bad requests (a session that is not a room, missing ids, offsets out of range) are answered
 * in-band with the PROTOCOL.md code and a message naming the field; a shard whose disk failed
 * answers UNAVAILABLE naming the shard. Futures complete on the caller's context. Thread-safe after
 * {@link #start()}.
 */
public final class IndexServer implements Index, Lifecycle {
  public static final int EPOCH = 1;
  /** How often whole segments past {@code index.wal.retention.*} are deleted. */
  public static final long RETENTION_PERIOD_MS = 60_000;
  private static final Logger LOG = Logger.getLogger(IndexServer.class.getName());

  private final Vertx vertx;
  private final String serverId;
  private final Path dir;
  private final IndexOptions options;
  private final LongSupplier msgIds;
  private final Clock clock;
  private final RingBudget budget;
  private volatile ShardLeader[] leaders;
  /** Per shard, why it could not be opened at start (null if it is served). */
  private volatile String[] offline;
  private volatile long retentionTimer = -1;
  private volatile List<io.micrometer.core.instrument.Meter> meters = List.of();

  /**
   * @param dataDir the process data directory; shards go to {@code dataDir/index/}
   * @param msgIds cluster-unique positive msgIds (Hazelcast Flake ids in production)
   */
  public IndexServer(Vertx vertx, String serverId, Path dataDir, IndexOptions options, LongSupplier msgIds,
      Clock clock) {
    this.vertx = vertx;
    this.serverId = serverId;
    this.dir = dataDir.resolve("index");
    this.options = options;
    this.msgIds = msgIds;
    this.clock = clock;
    this.budget = new RingBudget(options.ringTotalMaxBytes());
  }

  public String id() {
    return serverId;
  }

  /** The shard of {@code sessionId}. */
  public int shardOf(String sessionId) {
    return Math.floorMod(sessionId.hashCode(), options.shards());
  }

  /** The leader of {@code shard}, null if it is offline since start; for tests and metrics. */
  public ShardLeader leader(int shard) {
    return leaders[shard];
  }

  /** The heap budget shared by the rings of every shard. */
  public RingBudget ringBudget() {
    return budget;
  }

  /** Shards that could not be opened at start plus those whose log went OFFLINE since. */
  public int offlineShards() {
    ShardLeader[] ls = leaders;
    if (ls == null) {
      return 0;
    }
    int n = 0;
    for (ShardLeader l : ls) {
      if (l == null || l.log().state() == ShardLog.State.OFFLINE) {
        n++;
      }
    }
    return n;
  }

  @Override
  public Future<Void> start() {
    return vertx.executeBlocking(() -> {
      checkShardCount();
      ShardLeader[] opened = new ShardLeader[options.shards()];
      String[] failed = new String[opened.length];
      for (int i = 0; i < opened.length; i++) {
        Path shardDir = dir.resolve(String.format("shard-%04d", i));
        ShardLog log = null;
        try {
          log = ShardLog.open(shardDir, options.wal(), clock);
          opened[i] = ShardLeader.open(i, EPOCH, log, options, budget, msgIds, clock);
        } catch (IOException | RuntimeException e) {
          if (log != null) {
            log.close();
          }
          failed[i] = e.getClass().getSimpleName() + ": " + e.getMessage();
          LOG.log(Level.SEVERE, "index server " + serverId + ": shard " + i + " in " + shardDir
              + " cannot be opened and stays OFFLINE (its requests are answered UNAVAILABLE; the other shards serve): "
              + e.getMessage(), e);
        }
      }
      offline = failed;
      leaders = opened;
      meters = IndexMetrics.register(this, opened);
      retentionTimer = vertx.setPeriodic(RETENTION_PERIOD_MS, id -> enforceRetention());
      long served = java.util.Arrays.stream(opened).filter(java.util.Objects::nonNull).count();
      LOG.info(() -> "index server " + serverId + ": leading " + served + " of " + opened.length
          + " shard(s) at epoch " + EPOCH + " in " + dir);
      return null;
    }, false);
  }

  private void checkShardCount() throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve("shards");
    if (Files.exists(file)) {
      String stored = Files.readString(file, StandardCharsets.UTF_8).trim();
      if (!stored.equals(Integer.toString(options.shards()))) {
        throw new IllegalStateException("index.shards: the data in " + dir + " was written with " + stored
            + " shard(s), not " + options.shards() + "; sessions would change shards. Start with index.shards="
            + stored);
      }
    } else {
      Path tmp = dir.resolve("shards.tmp");
      Files.writeString(tmp, options.shards() + "\n", StandardCharsets.UTF_8);
      Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
  }

  /** Deletes the segments of every shard that are past retention; on a worker. */
  public Future<Integer> enforceRetention() {
    ShardLeader[] ls = leaders;
    if (ls == null) {
      return Future.succeededFuture(0);
    }
    return vertx.executeBlocking(() -> {
      int deleted = 0;
      for (ShardLeader l : ls) {
        if (l != null && l.log().state() == ShardLog.State.ONLINE) {
          deleted += l.enforceRetention();
        }
      }
      return deleted;
    }, false).onFailure(e -> LOG.log(Level.WARNING, "index server " + serverId + ": retention failed", e));
  }

  @Override
  public Future<Void> stop() {
    if (retentionTimer >= 0) {
      vertx.cancelTimer(retentionTimer);
      retentionTimer = -1;
    }
    ShardLeader[] ls = leaders;
    if (ls == null) {
      return Future.succeededFuture();
    }
    leaders = null;
    IndexMetrics.remove(meters);
    meters = List.of();
    return vertx.executeBlocking(() -> {
      for (ShardLeader l : ls) {
        if (l != null) {
          l.close();
        }
      }
      return null;
    }, false);
  }

  @Override
  public Future<AppendResult> append(AppendRequest request) {
    ShardLeader.Append a;
    SessionId session;
    try {
      String userId = Ids.requireId("userId", request.getUserId());
      String deviceId = Ids.requireId("deviceId", request.getDeviceId());
      String clientMsgId = Ids.requireClientMsgId("clientMsgId", request.getSend().getClientMsgId());
      session = roomSession(request.getSend().getSessionId());
      if (request.getSend().getBody().isEmpty()) {
        throw StoaException.badRequest("body: is required");
      }
      a = new ShardLeader.Append(userId, deviceId, clientMsgId, session.id(), request.getSend().getBody());
    } catch (StoaException e) {
      return Future.succeededFuture(refusal(request, e.code(), e.getMessage(), 0));
    }
    ShardLeader leader = leaderOf(session.id());
    if (leader == null) {
      return Future.succeededFuture(refusal(request, Code.UNAVAILABLE, unavailable(session.id()), 0));
    }
    if (request.getEpoch() != 0 && request.getEpoch() != leader.epoch()) {
      return Future.succeededFuture(refusal(request, Code.UNAVAILABLE, "shard " + leader.shard() + ": epoch "
          + request.getEpoch() + " requested, " + serverId + " leads it at epoch " + leader.epoch(), leader.epoch())
          .toBuilder().setLeaderHint(serverId).build());
    }
    CompletableFuture<AppendResult> result = leader.append(a)
        .thenApply(ack -> AppendResult.newBuilder().setAck(ack).setEpoch(leader.epoch()).build())
        .exceptionally(err -> refusal(request, Code.UNAVAILABLE, "shard " + leader.shard() + ": append failed: "
            + describe(err), leader.epoch()));
    return onCaller(result);
  }

  @Override
  public Future<ReadResult> read(ReadRequest request) {
    SessionId session;
    try {
      session = roomSession(request.getSessionId());
    } catch (StoaException e) {
      return Future.succeededFuture(ReadResult.newBuilder().setCode(e.code()).setError(e.getMessage()).build());
    }
    ShardLeader leader = leaderOf(session.id());
    if (leader == null) {
      return Future.succeededFuture(ReadResult.newBuilder().setCode(Code.UNAVAILABLE)
          .setError(unavailable(session.id())).build());
    }
    SessionRing ring = leader.ringOf(session.id());
    if (ring == null && leader.rebuildable(session.id())) {
      return vertx.executeBlocking(() -> leader.rebuild(session.id()), false)
          .map(rebuilt -> readFrom(rebuilt, request))
          .otherwise(e -> ReadResult.newBuilder().setCode(Code.UNAVAILABLE).setError("shard " + leader.shard()
              + ": rebuilding the ring of " + session.id() + " from the log failed: " + e.getMessage()).build());
    }
    return Future.succeededFuture(readFrom(ring, request));
  }

  private ReadResult readFrom(SessionRing ring, ReadRequest request) {
    int limit = Math.min(request.getLimit(), options.readMax());
    ReadResult.Builder out = ReadResult.newBuilder().setCode(Code.OK);
    if (ring != null) {
      List<Message> messages = limit == 0 ? List.of() : ring.read(request.getAfterSeq(), limit);
      out.addAllMessages(messages)
          .setHasMore(ring.hasMoreAfter(request.getAfterSeq(), messages.size()))
          .setLatestSeq(ring.newestSeq())
          .setOldestSeq(ring.oldestSeq());
    }
    return out.build();
  }

  @Override
  public Future<FetchResult> fetch(FetchRequest request) {
    ShardLeader[] ls = leaders;
    if (ls == null) {
      return Future.succeededFuture(FetchResult.newBuilder().setCode(Code.UNAVAILABLE)
          .setError("index server " + serverId + ": not started").build());
    }
    if (request.getShard() >= ls.length) {
      return Future.succeededFuture(FetchResult.newBuilder().setCode(Code.BAD_REQUEST)
          .setError("shard: " + request.getShard() + " is not below the shard count " + ls.length).build());
    }
    ShardLeader leader = ls[request.getShard()];
    if (leader == null) {
      return Future.succeededFuture(FetchResult.newBuilder().setCode(Code.UNAVAILABLE)
          .setError(offlineReason(request.getShard())).build());
    }
    ShardLog log = leader.log();
    long from = request.getFromOffset();
    int maxBytes = request.getMaxBytes() == 0 ? 1 << 20 : request.getMaxBytes();
    long waitMs = Math.min(request.getMaxWaitMs(), options.fetchMaxWaitMs());
    if (from >= log.durableOffset() && from <= log.endOffset() && waitMs > 0) {
      CompletableFuture<FetchResult> later = log.awaitDurable(from)
          .orTimeout(waitMs, TimeUnit.MILLISECONDS)
          .handle((ignored, err) -> fetchNow(leader, from, maxBytes));
      return onCaller(later);
    }
    return vertx.executeBlocking(() -> fetchNow(leader, from, maxBytes), false);
  }

  private static FetchResult fetchNow(ShardLeader leader, long from, int maxBytes) {
    ShardLog log = leader.log();
    FetchResult.Builder out = FetchResult.newBuilder().setEpoch(leader.epoch());
    try {
      for (LogRecord r : log.read(from, maxBytes)) {
        out.addRecords(dev.stoa.proto.internal.LogRecord.newBuilder().setOffset(r.offset()).setEpoch(r.epoch())
            .setTimestamp(r.timestampMillis()).setPayload(ByteString.copyFrom(r.payload())));
      }
    } catch (OffsetOutOfRangeException e) {
      return out.setCode(Code.BAD_REQUEST).setError("fromOffset: " + e.getMessage()).build();
    } catch (RuntimeException e) {
      return out.setCode(Code.INTERNAL).setError("shard " + leader.shard() + ": read failed: " + e.getMessage()).build();
    }
    return out.setCode(Code.OK).setStartOffset(log.startOffset()).setDurableOffset(log.durableOffset()).build();
  }

  @Override
  public Future<CloseRoomResult> closeRoom(CloseRoomRequest request) {
    SessionId session;
    try {
      session = roomSession(request.getSessionId());
    } catch (StoaException e) {
      return Future.succeededFuture(CloseRoomResult.newBuilder().setCode(e.code()).setError(e.getMessage()).build());
    }
    ShardLeader leader = leaderOf(session.id());
    if (leader == null) {
      return Future.succeededFuture(CloseRoomResult.newBuilder().setCode(Code.UNAVAILABLE)
          .setError(unavailable(session.id())).build());
    }
    return onCaller(leader.close(session.id())
        .thenApply(v -> CloseRoomResult.newBuilder().setCode(Code.OK).build())
        .exceptionally(err -> CloseRoomResult.newBuilder().setCode(Code.UNAVAILABLE)
            .setError("shard " + leader.shard() + ": close failed: " + describe(err)).build()));
  }

  /** Why {@code sessionId}'s shard has no leader: the server is not started, or the shard is offline. */
  private String unavailable(String sessionId) {
    return leaders == null ? "index server " + serverId + ": not started" : offlineReason(shardOf(sessionId));
  }

  private String offlineReason(int shard) {
    String[] why = offline;
    return "index server " + serverId + ": shard " + shard + " is offline since start (" + (why == null ? "?" : why[shard])
        + ")";
  }

  private ShardLeader leaderOf(String sessionId) {
    ShardLeader[] ls = leaders;
    return ls == null ? null : ls[shardOf(sessionId)];
  }

  private static SessionId roomSession(String raw) {
    if (raw == null || !raw.startsWith(SessionId.ROOM_PREFIX)) {
      throw StoaException.badRequest("sessionId: the index server serves room sessions (room:<roomId>), got "
          + (raw == null ? "nothing" : "'" + raw + "'"));
    }
    return SessionId.room(raw.substring(SessionId.ROOM_PREFIX.length()));
  }

  private static AppendResult refusal(AppendRequest request, Code code, String error, int epoch) {
    SendAck ack = SendAck.newBuilder().setCode(code).setClientMsgId(request.getSend().getClientMsgId())
        .setSessionId(request.getSend().getSessionId()).build();
    return AppendResult.newBuilder().setAck(ack).setError(error).setEpoch(epoch).build();
  }

  private static String describe(Throwable err) {
    Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
    if (!(cause instanceof WalOfflineException)) {
      LOG.log(Level.WARNING, "index append failed", cause);
    }
    return cause.getMessage();
  }

  private <T> Future<T> onCaller(CompletableFuture<T> stage) {
    Context context = vertx.getOrCreateContext();
    return Future.fromCompletionStage(stage, context);
  }
}
