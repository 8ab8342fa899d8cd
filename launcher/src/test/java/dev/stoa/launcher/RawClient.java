package dev.stoa.launcher;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A bare WebSocket client speaking PROTOCOL.md's JSON frames by hand, for tests that need to
 * misbehave (never ack, send garbage) where the SDK would do the right thing.
 */
final class RawClient implements AutoCloseable {
  private final WebSocketClient client;
  final WebSocket socket;
  private final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
  private volatile boolean closed;

  private RawClient(WebSocketClient client, WebSocket socket) {
    this.client = client;
    this.socket = socket;
    socket.textMessageHandler(text -> frames.add(new JsonObject(text)));
    socket.closeHandler(v -> closed = true);
  }

  static RawClient open(Vertx vertx, int port) {
    WebSocketClient client = vertx.createWebSocketClient();
    WebSocket ws = TestNode.await(client.connect(new WebSocketConnectOptions()
        .setHost("127.0.0.1").setPort(port).setURI("/v1/ws")));
    return new RawClient(client, ws);
  }

  void send(String json) {
    TestNode.await(socket.writeTextMessage(json));
  }

  /** The next frame, or fails the test after {@code seconds}. */
  JsonObject next(int seconds) {
    try {
      JsonObject frame = frames.poll(seconds, TimeUnit.SECONDS);
      if (frame == null) {
        throw new AssertionError("no frame within " + seconds + " s");
      }
      return frame;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The next frame within {@code millis}, or null. */
  JsonObject poll(long millis) {
    try {
      return frames.poll(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Skips frames until one with key {@code type} arrives. */
  JsonObject nextOf(String type, int seconds) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      JsonObject frame = poll(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      if (frame != null && frame.containsKey(type)) {
        return frame.getJsonObject(type);
      }
    }
    throw new AssertionError("no '" + type + "' frame within " + seconds + " s");
  }

  JsonObject connect(String token, String deviceId) {
    send(new JsonObject().put("connect", new JsonObject().put("token", token).put("deviceId", deviceId)).encode());
    return nextOf("connAck", 10);
  }

  boolean isClosed() {
    return closed;
  }

  @Override
  public void close() {
    if (!closed) {
      socket.close();
    }
    client.close();
  }
}
