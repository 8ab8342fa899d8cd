package dev.stoa.state;

import dev.stoa.proto.client.Frame;
import dev.stoa.proto.internal.DeliverReply;
import dev.stoa.proto.internal.DeliverRequest;
import dev.stoa.proto.internal.Gateway;
import io.vertx.core.Future;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A gateway test peer: records every deliver call with its arrival time, answers that the
 * connections in {@link #closed} are closed, and fails every call while {@link #failing} is set.
 * Thread-safe.
 */
final class RecordingGateway implements Gateway {

  /** One deliver call. */
  record Call(long atMillis, List<Long> connIds, Frame frame) {
    long msgId() {
      return frame.getPush().getMessage().getMsgId();
    }
  }

  final String id;
  final List<Call> calls = new CopyOnWriteArrayList<>();
  final Set<Long> closed = ConcurrentHashMap.newKeySet();
  volatile boolean failing;

  RecordingGateway(String id) {
    this.id = id;
  }

  @Override
  public Future<DeliverReply> deliver(DeliverRequest request) {
    calls.add(new Call(System.currentTimeMillis(), List.copyOf(request.getConnIdsList()), request.getFrame()));
    if (failing) {
      return Future.failedFuture(new IllegalStateException("gateway " + id + " failing on purpose"));
    }
    DeliverReply.Builder reply = DeliverReply.newBuilder();
    request.getConnIdsList().stream().filter(closed::contains).forEach(reply::addClosedConnIds);
    return Future.succeededFuture(reply.build());
  }

  /** The calls that delivered {@code msgId} to {@code connId}, oldest first. */
  List<Call> deliveries(long connId, long msgId) {
    return calls.stream().filter(c -> c.connIds().contains(connId) && c.msgId() == msgId).toList();
  }
}
