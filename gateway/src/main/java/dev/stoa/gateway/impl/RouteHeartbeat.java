package dev.stoa.gateway.impl;

import dev.stoa.router.RouteTable.UserConnection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Every {@code gateway.heartbeat.seconds}, marks every connection of this gateway alive in the
 * route table, so routes of a crashed gateway age out while live ones stay, and re-attaches the
 * connections (with their rooms) of every state server that has been started again since they
 * were attached ({@link LongConnection#reattachIfRestarted}; a push reaches a forgotten connection even
 * before that, since it names the connection's gateway, but room fan-out needs the re-join).
 * Start and stop once; the timer runs on a Vert.x event loop.
 */
public final class RouteHeartbeat {
  private static final Logger LOG = Logger.getLogger(RouteHeartbeat.class.getName());

  private final GatewayContext gw;
  private long timer = -1;

  public RouteHeartbeat(GatewayContext gw) {
    this.gw = gw;
  }

  public void start() {
    timer = gw.vertx().setPeriodic(gw.options().heartbeatSeconds() * 1000L, id -> beat());
  }

  public void stop() {
    if (timer >= 0) {
      gw.vertx().cancelTimer(timer);
      timer = -1;
    }
  }

  /** One refresh now; public so a test need not wait a period. */
  public void beat() {
    reattachRestarted();
    List<UserConnection> connections = gw.registry().userConnections();
    if (connections.isEmpty()) {
      return;
    }
    try {
      gw.routes().refresh(gw.gatewayId(), connections).onFailure(e -> LOG.log(Level.WARNING,
          "route refresh of " + connections.size() + " connections of gateway " + gw.gatewayId() + " failed", e));
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "route refresh of gateway " + gw.gatewayId() + " failed", e);
    }
  }

  private void reattachRestarted() {
    Map<String, String> incarnations = new HashMap<>();
    int reattached = 0;
    for (LongConnection connection : gw.registry().all()) {
      ConnectionInfo who = connection.info();
      if (who != null && connection.reattachIfRestarted(
          incarnations.computeIfAbsent(who.stateServerId(), gw.backend()::stateIncarnation))) {
        gw.metrics().reattached();
        reattached++;
      }
    }
    if (reattached > 0) {
      int count = reattached;
      LOG.info(() -> "gateway " + gw.gatewayId() + " re-attaching " + count
          + " connection(s) to restarted state server(s)");
    }
  }
}
