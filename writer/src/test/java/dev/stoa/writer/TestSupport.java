package dev.stoa.writer;

import dev.stoa.proto.client.Message;
import dev.stoa.proto.client.Send;
import dev.stoa.proto.internal.SendRequest;
import io.vertx.core.Future;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** Helpers shared by the writer tests. */
final class TestSupport {
  private TestSupport() {}

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static SendRequest send(String user, String device, long connId, String clientMsgId, String sessionId,
      String body) {
    return SendRequest.newBuilder()
        .setUserId(user)
        .setDeviceId(device)
        .setConnId(connId)
        .setSend(Send.newBuilder().setClientMsgId(clientMsgId).setSessionId(sessionId).setBody(body))
        .build();
  }

  /** A push trigger that records what it was asked to push. */
  static final class RecordingPush implements PushTrigger {
    record Call(List<String> members, long senderConnId, Message message) {}

    final List<Call> calls = new CopyOnWriteArrayList<>();

    @Override
    public Future<Void> push(List<String> members, long senderConnId, Message message) {
      calls.add(new Call(members, senderConnId, message));
      return Future.succeededFuture();
    }
  }
}
