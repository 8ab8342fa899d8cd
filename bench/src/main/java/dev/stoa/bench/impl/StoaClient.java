package dev.stoa.bench.impl;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;

/**
 * A client of a Stoa gateway (PROTOCOL.md): connects with {@code connect{token, deviceId}} and is
 * ready on {@code connAck}; sends {@code send{clientMsgId=<k>, sessionId=user:<peer>, body}};
 * counts an OK {@code sendAck} as sent and any other code, or an {@code error} naming the
 * clientMsgId, as refused; answers every {@code push} with {@code ack{sessionId, msgId}} and
 * records the push as a delivery (a push of its own message is only counted as an echo).
 * Not thread-safe: one event loop.
 */
public final class StoaClient extends BenchClient implements StoaCodec.Events {
  private final String url;
  private final String token;
  private final String deviceId;
  private final StoaCodec codec;
  private final String peerSession;
  private Promise<Void> ready;

  public StoaClient(Vertx vertx, String url, String id, String peerId, String token, String deviceId,
      StoaCodec codec, LoadStats stats, Progress progress, int bodyBytes) {
    super(vertx, id, peerId, stats, progress, bodyBytes);
    this.url = url;
    this.token = token;
    this.deviceId = deviceId;
    this.codec = codec;
    this.peerSession = "user:" + peerId;
  }

  @Override
  protected Future<Void> open(WebSocketClient client) {
    ready = Promise.promise();
    return client.connect(new WebSocketConnectOptions().setAbsoluteURI(url)).compose(socket -> {
      ws = socket;
      codec.install(socket, this);
      socket.exceptionHandler(e -> stats.error("exception: " + e.getClass().getSimpleName()));
      socket.closeHandler(v -> ready.tryFail("connection of " + id + " closed before connAck (close code "
          + socket.closeStatusCode() + ", reason " + socket.closeReason() + ")"));
      codec.writeConnect(socket, token, deviceId);
      return ready.future();
    });
  }

  @Override
  protected void writeMessage(long k, String body) {
    codec.writeSend(ws, Long.toString(k), peerSession, body);
  }

  @Override
  public void connAck() {
    if (!ready.tryComplete()) {
      stats.error("unexpected connAck");
    }
  }

  @Override
  public void sendAck(String clientMsgId, String code, long seq) {
    if ("OK".equals(code)) {
      sentOk(System.nanoTime());
    } else {
      refused(parseK(clientMsgId), "sendAck " + code);
    }
  }

  @Override
  public void push(String sessionId, long msgId, long seq, long preSeq, String fromUserId, String body) {
    long now = System.nanoTime();
    codec.writeAck(ws, sessionId, msgId);
    if (id.equals(fromUserId)) {
      stats.echoes++;
    } else {
      delivered(body, now);
    }
  }

  @Override
  public void error(String code, String message, String clientMsgId) {
    if (!ready.future().isComplete()) {
      ready.tryFail("connect of " + id + " refused: " + code + " " + message);
      return;
    }
    stats.sample("error " + code + ": " + message);
    if (clientMsgId != null) {
      refused(parseK(clientMsgId), "error " + code);
    } else {
      stats.error("error " + code);
    }
  }

  @Override
  public void notify(String sessionId) {
    stats.notifies++;
  }

  @Override
  public void other(String kind) {
    if (!"pong".equals(kind)) {
      stats.error("unexpected " + kind);
    }
  }

  private static long parseK(String clientMsgId) {
    try {
      return Long.parseLong(clientMsgId);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
