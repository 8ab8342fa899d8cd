package dev.stoa.gateway.impl;

import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.NetSocket;

/**
 * Turns each accepted socket into a started {@link LongConnection}. Call on the event loop that accepted
 * the socket (a server's connect or upgrade handler). Thread-safe.
 */
public final class LongConnectionFactory {
  private final GatewayContext gw;

  public LongConnectionFactory(GatewayContext gw) {
    this.gw = gw;
  }

  public void accept(ServerWebSocket ws) {
    new LongConnection(gw, new WebSocketConnection(ws, Vertx.currentContext(), gw.options().frameMaxBytes(),
        gw.options().writeQueueMaxBytes())).start();
  }

  public void accept(NetSocket socket) {
    new LongConnection(gw, new TcpConnection(socket, Vertx.currentContext(), gw.options().frameMaxBytes(),
        gw.options().writeQueueMaxBytes())).start();
  }
}
