package dev.stoa.gateway.impl;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * One instance of the HTTP server (API + WebSocket upgrade on {@code /v1/ws}); the gateway deploys
 * one per event loop on a shared port. The WebSocket layer's own frame and message limits are set
 * to four times {@code gateway.frame.max.bytes}, so a client message between the limit and that
 * is answered TOO_LARGE by the session and only a grossly larger one is cut off by the WebSocket
 * layer (close code 1009). Each connection gets {@link FlushBatching}. Connections without traffic
 * for {@code http.idle.timeout.seconds} are closed by Vert.x; connections over
 * {@code http.max.connections} (all instances together, see {@link HttpConnectionCap}) are closed on
 * accept. Runs on its own event loop.
 */
public final class HttpVerticle extends VerticleBase {
  private final GatewayContext gw;
  private final HttpApi api;
  private final LongConnectionFactory sessions;
  private final int port;
  private final IntConsumer boundPort;
  private final HttpConnectionCap cap;
  private HttpServer server;

  public HttpVerticle(GatewayContext gw, HttpApi api, LongConnectionFactory sessions, HttpConnectionCap cap, int port,
      IntConsumer boundPort) {
    this.gw = gw;
    this.cap = cap;
    this.api = api;
    this.sessions = sessions;
    this.port = port;
    this.boundPort = boundPort;
  }

  static int webSocketLimit(int frameMaxBytes) {
    return (int) Math.min(Integer.MAX_VALUE, 4L * frameMaxBytes);
  }

  @Override
  public Future<?> start() {
    int wsLimit = webSocketLimit(gw.options().frameMaxBytes());
    HttpServerOptions options = new HttpServerOptions()
        .setHost(gw.options().host())
        .setPort(port)
        .setIdleTimeout(gw.options().httpIdleTimeoutSeconds())
        .setIdleTimeoutUnit(TimeUnit.SECONDS)
        .setMaxWebSocketFrameSize(wsLimit)
        .setMaxWebSocketMessageSize(wsLimit);
    server = vertx.createHttpServer(options)
        .connectionHandler(connection -> {
          if (cap.admit(connection)) {
            FlushBatching.install(connection);
          }
        })
        .requestHandler(api.router(vertx, sessions::accept));
    return server.listen().onSuccess(s -> boundPort.accept(s.actualPort()));
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
