package dev.stoa.gateway.impl;

import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.NetSocket;

/**
 * Turns each accepted socket into a started {@link Session}. Call on the event loop that accepted
 * the socket (a server's connect or upgrade handler). Thread-safe.
 */
public final class SessionFactory {
  private final GatewayContext gw;

  public SessionFactory(GatewayContext gw) {
    this.gw = gw;
  }

  public void accept(ServerWebSocket ws) {
    new Session(gw, new WebSocketConnection(ws, Vertx.currentContext(), gw.options().frameMaxBytes(),
        gw.options().writeQueueMaxBytes())).start();
  }

  public void accept(NetSocket socket) {
    new Session(gw, new TcpConnection(socket, Vertx.currentContext(), gw.options().frameMaxBytes(),
        gw.options().writeQueueMaxBytes())).start();
  }
}
