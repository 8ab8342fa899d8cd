package dev.stoa.gateway.impl;

import dev.stoa.proto.internal.Route;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps a user at {@code gateway.user.max.connections} long connections over the whole cluster.
 * After a connect has registered its route, the user's routes are read; while there are more than
 * the cap, the oldest connection other than the new one (earliest {@code connectedAt}, then
 * smallest connection id) is kicked through the gateway that holds it, with a reason naming the
 * cap, and its route removed. The newest connection always wins: a user who opens one more device
 * is never refused, and a device whose previous socket died unnoticed is not locked out by it.
 * Each kick is counted in {@code stoa_gateway_user_connections_kicked_total}; failures are logged
 * and leave the cap to the next connect. Stateless; thread-safe.
 */
final class UserConnectionCap {
  private static final Logger LOG = Logger.getLogger(UserConnectionCap.class.getName());
  private static final Comparator<Route> OLDEST_FIRST = Comparator.comparingLong(Route::getConnectedAt)
      .thenComparing(Route::getConnId, Long::compareUnsigned);

  private UserConnectionCap() {
  }

  /** Kicks the connections of {@code userId} beyond the cap, oldest first, sparing {@code newConnId}. */
  static Future<Integer> enforce(GatewayContext gw, String userId, long newConnId) {
    int max = gw.options().userMaxConnections();
    return gw.routes().lookup(userId).compose(routes -> {
      if (routes.size() <= max) {
        return Future.succeededFuture(0);
      }
      List<Route> oldestFirst = new ArrayList<>(routes);
      oldestFirst.sort(OLDEST_FIRST);
      List<Future<Void>> kicks = new ArrayList<>();
      for (Route route : oldestFirst) {
        if (kicks.size() == routes.size() - max) {
          break;
        }
        if (route.getConnId() != newConnId) {
          kicks.add(kick(gw, userId, route, max));
        }
      }
      return Future.join(kicks).map(v -> kicks.size());
    }).onFailure(e -> LOG.log(Level.WARNING, "connection cap of user '" + userId + "' not enforced: " + e));
  }

  private static Future<Void> kick(GatewayContext gw, String userId, Route route, int max) {
    gw.metrics().userConnectionKicked();
    String reason = "too many connections: user '" + userId + "' connected more than " + max
        + " at once (gateway.user.max.connections); this one was the oldest";
    return gw.backend().kick(route.getGatewayId(), route.getConnId(), reason)
        .eventually(() -> gw.routes().unregister(userId, route.getConnId()))
        .onFailure(e -> LOG.log(Level.FINE, "kick of conn " + Long.toUnsignedString(route.getConnId())
            + " of user '" + userId + "' on gateway " + route.getGatewayId() + " failed", e));
  }
}
