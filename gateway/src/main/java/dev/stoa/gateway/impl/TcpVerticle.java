package dev.stoa.gateway.impl;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import java.util.function.IntConsumer;

/**
 * One instance of the TCP long-connection server; the gateway deploys one per event loop on a
 * shared port. Each socket gets {@link FlushBatching}. Runs on its own event loop.
 */
public final class TcpVerticle extends VerticleBase {
  private final GatewayContext gw;
  private final LongConnectionFactory sessions;
  private final int port;
  private final IntConsumer boundPort;
  private NetServer server;

  public TcpVerticle(GatewayContext gw, LongConnectionFactory sessions, int port, IntConsumer boundPort) {
    this.gw = gw;
    this.sessions = sessions;
    this.port = port;
    this.boundPort = boundPort;
  }

  @Override
  public Future<?> start() {
    NetServerOptions options = new NetServerOptions().setHost(gw.options().host()).setPort(port).setTcpNoDelay(true);
    server = vertx.createNetServer(options).connectHandler(socket -> {
      FlushBatching.install(socket);
      sessions.accept(socket);
    });
    return server.listen().onSuccess(s -> boundPort.accept(s.actualPort()));
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
