package dev.stoa.state;

import dev.stoa.proto.client.Code;
import dev.stoa.proto.client.Message;
import dev.stoa.proto.internal.AppendRequest;
import dev.stoa.proto.internal.AppendResult;
import dev.stoa.proto.internal.CloseRoomRequest;
import dev.stoa.proto.internal.CloseRoomResult;
import dev.stoa.proto.internal.FetchRequest;
import dev.stoa.proto.internal.FetchResult;
import dev.stoa.proto.internal.Index;
import dev.stoa.proto.internal.ReadRequest;
import dev.stoa.proto.internal.ReadResult;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An index-server test peer: per room session the messages appended through {@link #append}
 * (seq 1, 2, ... per session; msgIds unique in the JVM), of which reads
 * see those not {@link #trim trimmed} away, like a ring. Only {@link #read} is served. While
 * {@link #failing} is positive every read fails (and counts it down). Thread-safe.
 */
final class InMemoryIndex implements Index {
  private static final AtomicInteger MSG_IDS = new AtomicInteger(1_000_000);

  private final Map<String, List<Message>> sessions = new HashMap<>();
  final AtomicInteger failing = new AtomicInteger();
  final AtomicInteger reads = new AtomicInteger();

  /** Appends a message to {@code room:<roomId>} and returns it, seq assigned. */
  synchronized Message append(String roomId, String body) {
    String sessionId = "room:" + roomId;
    List<Message> ring = sessions.computeIfAbsent(sessionId, s -> new ArrayList<>());
    long latest = latest(ring);
    Message message = Message.newBuilder().setSessionId(sessionId).setSeq(latest + 1).setPreSeq(latest)
        .setMsgId(MSG_IDS.incrementAndGet()).setFromUserId("sender").setBody(body).setSentAt(1).build();
    ring.add(message);
    return message;
  }

  /** Drops the messages of {@code room:<roomId>} below {@code seq}, as a full ring does. */
  synchronized void trim(String roomId, long seq) {
    sessions.getOrDefault("room:" + roomId, new ArrayList<>()).removeIf(m -> m.getSeq() < seq);
  }

  @Override
  public synchronized Future<ReadResult> read(ReadRequest request) {
    reads.incrementAndGet();
    if (failing.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      return Future.failedFuture(new IllegalStateException("index failing on purpose"));
    }
    List<Message> ring = sessions.getOrDefault(request.getSessionId(), List.of());
    ReadResult.Builder result = ReadResult.newBuilder().setCode(Code.OK).setLatestSeq(latest(ring))
        .setOldestSeq(ring.isEmpty() ? 0 : ring.getFirst().getSeq());
    List<Message> after = ring.stream().filter(m -> m.getSeq() > request.getAfterSeq()).toList();
    int n = Math.min(after.size(), request.getLimit());
    result.addAllMessages(after.subList(0, n)).setHasMore(after.size() > n);
    return Future.succeededFuture(result.build());
  }

  private static long latest(List<Message> ring) {
    return ring.isEmpty() ? 0 : ring.getLast().getSeq();
  }

  @Override
  public Future<AppendResult> append(AppendRequest request) {
    throw new UnsupportedOperationException("append: not served by this test peer");
  }

  @Override
  public Future<FetchResult> fetch(FetchRequest request) {
    throw new UnsupportedOperationException("fetch: not served by this test peer");
  }

  @Override
  public Future<CloseRoomResult> closeRoom(CloseRoomRequest request) {
    throw new UnsupportedOperationException("closeRoom: not served by this test peer");
  }
}
