package dev.stoa.reader;

import dev.stoa.common.SessionId;
import dev.stoa.common.StoaException;
import dev.stoa.kv.KvStore;
import dev.stoa.kv.chain.SessionChain;
import dev.stoa.kv.chain.SessionEntry;
import dev.stoa.kv.chain.UserChain;
import dev.stoa.kv.chain.UserEntry;
import dev.stoa.proto.client.Code;
import dev.stoa.proto.client.Message;
import dev.stoa.proto.client.Messages;
import dev.stoa.proto.client.SyncResult;
import dev.stoa.proto.internal.PullRequest;
import dev.stoa.proto.internal.PullResult;
import dev.stoa.proto.internal.Reader;
import dev.stoa.proto.internal.SyncReply;
import dev.stoa.proto.internal.SyncRequest;
import dev.stoa.reader.impl.BodyLoader;
import dev.stoa.reader.impl.BodyRef;
import dev.stoa.reader.impl.ReadRequests;
import dev.stoa.reader.impl.ReaderMetrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The causal read path of DESIGN.md §3 "Pull / sync".
 *
 * <p><b>pull</b>: the session id may be {@code user:<peer>} (answered with the canonical id); the
 * user must be a member (FORBIDDEN otherwise); limit 0 takes the default, above
 * {@value ReaderOptions#MAX_LIMIT} is BAD_REQUEST. Reads up to limit+1 entries of the session chain
 * after {@code afterSeq} (the extra one only sets {@code hasMore}), links them with
 * {@link ChainMerge} (the first against afterSeq), then reads the bodies: {@code Messages} ascending
 * by seq.
 *
 * <p><b>sync</b>: walks the user's chain after {@code cursor} across all sessions, in userSeq
 * order, reads the bodies and links the messages of each session within the page (a c2c user chain
 * holds every message of the session, so consecutive ones must link). The answer's cursor is the
 * userSeq of the last entry of the page — also when its body was unusable, so a sync never sticks
 * — or the request's cursor when the page is empty.
 *
 * <p>Missing links and unusable bodies are reported (logged, counted), never hidden and never a
 * failure of the whole page. Rejections come back in-band as (code, error naming the field); the
 * future fails only for a storage fault. Storage is read on {@code reader.threads} platform
 * threads, never on the caller's event loop; futures complete on the caller's context. At most
 * {@code reader.queue.max} c2c reads are admitted at once (running or waiting for a thread); one
 * more is answered {@code UNAVAILABLE} in-band at once, naming the key, and counted as
 * {@code stoa_reader_requests_total{result="unavailable"}}. Room pulls are bounded by the room path.
 * Thread-safe; {@link #close} blocks.
 */
public final class ReadPipeline implements Reader, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ReadPipeline.class.getName());

  private final Vertx vertx;
  private final SessionChain sessionChain;
  private final UserChain userChain;
  private final BodyLoader bodies;
  private final ChainMerge chainMerge = new ChainMerge();
  private final ReadRequests requests;
  private final ReaderMetrics metrics = new ReaderMetrics();
  private final ExecutorService executor;
  private final RoomReader rooms;
  private final int queueMax;
  /** Reads admitted and not yet finished; never above {@link #queueMax}. */
  private final AtomicInteger admitted = new AtomicInteger();

  public ReadPipeline(Vertx vertx, KvStore kv, ReaderOptions options) {
    this(vertx, kv, null, options);
  }

  /** With the read path of room sessions; without one ({@code rooms} null) a room pull is NOT_FOUND. */
  public ReadPipeline(Vertx vertx, KvStore kv, RoomReader rooms, ReaderOptions options) {
    this.vertx = vertx;
    this.rooms = rooms;
    this.sessionChain = new SessionChain(kv);
    this.userChain = new UserChain(kv);
    this.bodies = new BodyLoader(kv);
    this.requests = new ReadRequests(options);
    this.queueMax = options.queueMax();
    this.executor = Executors.newFixedThreadPool(options.threads(),
        Thread.ofPlatform().name("stoa-reader-", 0).daemon(true).factory());
  }

  @Override
  public Future<PullResult> pull(PullRequest request) {
    long start = System.nanoTime();
    ReadRequests.Pull q;
    try {
      q = requests.pull(request);
    } catch (StoaException e) {
      metrics.rejected("pull", e.code(), start);
      return Future.succeededFuture(PullResult.newBuilder().setCode(e.code()).setError(e.getMessage()).build());
    }
    if (q.session().kind() == SessionId.Kind.ROOM) {
      return pullRoom(q, start);
    }
    return offLoop("pull", start, () -> PullResult.newBuilder()
        .setCode(Code.OK).setMessages(readSession(q)).build(),
        error -> PullResult.newBuilder().setCode(Code.UNAVAILABLE).setError(error).build());
  }

  private Future<PullResult> pullRoom(ReadRequests.Pull q, long start) {
    if (rooms == null) {
      metrics.rejected("pull", Code.NOT_FOUND, start);
      return Future.succeededFuture(PullResult.newBuilder().setCode(Code.NOT_FOUND)
          .setError("sessionId: room '" + q.session().first() + "' does not exist (no room path in this reader)")
          .build());
    }
    return rooms.pull(q.userId(), q.session(), q.afterSeq(), q.limit()).andThen(ar -> {
      if (ar.failed()) {
        metrics.error("pull", start);
      } else if (ar.result().getCode() == Code.OK) {
        metrics.ok("pull", start);
      } else {
        metrics.rejected("pull", ar.result().getCode(), start);
      }
    });
  }

  @Override
  public Future<SyncReply> sync(SyncRequest request) {
    long start = System.nanoTime();
    ReadRequests.Sync q;
    try {
      q = requests.sync(request);
    } catch (StoaException e) {
      metrics.rejected("sync", e.code(), start);
      return Future.succeededFuture(SyncReply.newBuilder().setCode(e.code()).setError(e.getMessage()).build());
    }
    return offLoop("sync", start, () -> SyncReply.newBuilder()
        .setCode(Code.OK).setResult(readUser(q)).build(),
        error -> SyncReply.newBuilder().setCode(Code.UNAVAILABLE).setError(error).build());
  }

  private Messages readSession(ReadRequests.Pull q) {
    String sessionId = q.session().id();
    String read = "pull of " + sessionId + " by '" + q.userId() + "' after seq " + q.afterSeq();
    List<SessionEntry> entries = sessionChain.range(sessionId, q.afterSeq(), q.limit() + 1);
    boolean hasMore = entries.size() > q.limit();
    List<ChainRef> chain = new ArrayList<>(Math.min(entries.size(), q.limit()));
    for (SessionEntry e : hasMore ? entries.subList(0, q.limit()) : entries) {
      chain.add(ChainRef.of(sessionId, e));
    }
    MergeResult merged = chainMerge.merge(List.of(chain), Map.of(sessionId, q.afterSeq()), read);
    List<BodyRef> refs = new ArrayList<>(merged.refs().size());
    merged.refs().stream().sorted(Comparator.comparingLong(ChainRef::seq))
        .forEach(r -> refs.add(new BodyRef(r.sessionId(), r.seq(), r.msgId())));
    return Messages.newBuilder()
        .setSessionId(sessionId)
        .addAllMessages(bodies.load(refs, read))
        .setHasMore(hasMore)
        .build();
  }

  private SyncResult readUser(ReadRequests.Sync q) {
    String read = "sync of '" + q.userId() + "' after cursor " + q.cursor();
    List<UserEntry> entries = userChain.range(q.userId(), q.cursor(), q.limit() + 1);
    boolean hasMore = entries.size() > q.limit();
    List<UserEntry> page = hasMore ? entries.subList(0, q.limit()) : entries;
    List<BodyRef> refs = new ArrayList<>(page.size());
    for (UserEntry e : page) {
      refs.add(new BodyRef(e.sessionId(), e.seq(), e.msgId()));
    }
    List<Message> messages = bodies.load(refs, read);
    List<ChainRef> chain = new ArrayList<>(messages.size());
    for (Message m : messages) {
      chain.add(ChainRef.of(m));
    }
    chainMerge.link(chain, Map.of(), read);
    return SyncResult.newBuilder()
        .addAllMessages(messages)
        .setCursor(page.isEmpty() ? q.cursor() : page.getLast().userSeq())
        .setHasMore(hasMore)
        .build();
  }

  /**
   * Runs {@code work} on a read thread if fewer than {@code reader.queue.max} reads are admitted;
   * otherwise answers {@code busy} (an UNAVAILABLE reply) at once.
   */
  private <T> Future<T> offLoop(String op, long start, Supplier<T> work, Function<String, T> busy) {
    if (admitted.incrementAndGet() > queueMax) {
      admitted.decrementAndGet();
      metrics.rejected(op, Code.UNAVAILABLE, start);
      return Future.succeededFuture(busy.apply("reader.queue.max: " + queueMax
          + " reads already admitted on this reader, retry"));
    }
    Context context = vertx.getOrCreateContext();
    CompletableFuture<T> done;
    try {
      done = CompletableFuture.supplyAsync(work, executor);
    } catch (RejectedExecutionException e) {
      admitted.decrementAndGet();
      metrics.rejected(op, Code.UNAVAILABLE, start);
      return Future.failedFuture(new StoaException(Code.UNAVAILABLE, "reader: stopping, retry"));
    }
    done.whenComplete((r, e) -> admitted.decrementAndGet());
    return Future.fromCompletionStage(done, context).andThen(ar -> {
      if (ar.succeeded()) {
        metrics.ok(op, start);
      } else {
        metrics.error(op, start);
        LOG.log(Level.WARNING, op + " failed", ar.cause());
      }
    });
  }

  /** Lets running reads finish (up to 10 s) and stops the read threads; blocks. Idempotent. */
  @Override
  public void close() {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.warning("reader: reads still running after 10 s at close");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
