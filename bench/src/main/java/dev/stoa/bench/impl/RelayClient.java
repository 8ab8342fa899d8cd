package dev.stoa.bench.impl;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * A client of the bare relay: connects to {@code <url>?me=<id>&peer=<peerId>}, sends each message
 * body as one text frame and treats every text frame received as a body from its peer. A write
 * counts as sent when it is handed to the socket. Not thread-safe: one event loop.
 */
public final class RelayClient extends BenchClient {
  private final String url;

  public RelayClient(Vertx vertx, String url, String id, String peerId, LoadStats stats, Progress progress,
      int bodyBytes) {
    super(vertx, id, peerId, stats, progress, bodyBytes);
    this.url = url;
  }

  @Override
  protected Future<Void> open(WebSocketClient client) {
    String uri = url + (url.contains("?") ? "&" : "?") + "me=" + URLEncoder.encode(id, StandardCharsets.UTF_8)
        + "&peer=" + URLEncoder.encode(peerId, StandardCharsets.UTF_8);
    return client.connect(new WebSocketConnectOptions().setAbsoluteURI(uri)).map(socket -> {
      ws = socket;
      socket.textMessageHandler(text -> delivered(text, System.nanoTime()));
      socket.exceptionHandler(e -> stats.error("exception: " + e.getClass().getSimpleName()));
      return null;
    });
  }

  @Override
  protected void writeMessage(long k, String body) {
    ws.writeTextMessage(body);
    sentOk(System.nanoTime());
  }
}
