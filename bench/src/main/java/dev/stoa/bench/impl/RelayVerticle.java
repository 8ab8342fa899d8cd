package dev.stoa.bench.impl;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * One event loop of the bare relay: a WebSocket server on {@code /relay?me=<id>&peer=<id>} that
 * registers the connection under {@code me} and forwards every text (and binary) message it
 * receives, unchanged, to the connection registered under {@code peer}, or drops it when there is
 * none. No storage, no parsing of the payload. Several instances share the port and one registry;
 * a write to a peer owned by another event loop is handed to that loop by Vert.x.
 */
public final class RelayVerticle extends VerticleBase {
  /** Largest frame accepted, so a big {@code --body-bytes} still passes. */
  static final int MAX_FRAME_BYTES = 1 << 20;

  private final String host;
  private final int port;
  private final ConcurrentMap<String, ServerWebSocket> registry;
  private final LongAdder forwarded;
  private final LongAdder dropped;
  private HttpServer server;

  public RelayVerticle(String host, int port, ConcurrentMap<String, ServerWebSocket> registry,
      LongAdder forwarded, LongAdder dropped) {
    this.host = host;
    this.port = port;
    this.registry = registry;
    this.forwarded = forwarded;
    this.dropped = dropped;
  }

  @Override
  public Future<?> start() {
    server = vertx.createHttpServer(new HttpServerOptions()
        .setHost(host)
        .setPort(port)
        .setTcpNoDelay(true)
        .setMaxWebSocketFrameSize(MAX_FRAME_BYTES)
        .setMaxWebSocketMessageSize(MAX_FRAME_BYTES));
    server.webSocketHandler(this::accept);
    return server.listen();
  }

  /** The bound port; valid after {@link #start()}. */
  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  private void accept(ServerWebSocket ws) {
    if (!"/relay".equals(ws.path())) {
      ws.close((short) 1008, "path must be /relay, got " + ws.path());
      return;
    }
    Map<String, List<String>> params = new QueryStringDecoder(ws.uri()).parameters();
    String me = single(params, "me");
    String peer = single(params, "peer");
    if (me == null || peer == null) {
      ws.close((short) 1008, "query must carry me=<id>&peer=<id>, got " + ws.query());
      return;
    }
    registry.put(me, ws);
    ws.textMessageHandler(text -> {
      ServerWebSocket to = registry.get(peer);
      if (to == null) {
        dropped.increment();
      } else {
        forwarded.increment();
        to.writeTextMessage(text);
      }
    });
    ws.binaryMessageHandler(bytes -> {
      ServerWebSocket to = registry.get(peer);
      if (to == null) {
        dropped.increment();
      } else {
        forwarded.increment();
        to.writeBinaryMessage(bytes);
      }
    });
    ws.exceptionHandler(e -> ws.close());
    ws.closeHandler(v -> registry.remove(me, ws));
  }

  private static String single(Map<String, List<String>> params, String name) {
    List<String> values = params.get(name);
    return values == null || values.size() != 1 || values.getFirst().isEmpty() ? null : values.getFirst();
  }
}
