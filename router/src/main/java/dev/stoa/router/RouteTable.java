package dev.stoa.router;

import dev.stoa.proto.internal.Route;
import io.vertx.core.Future;
import java.util.Collection;
import java.util.List;

/**
 * The router table: user -> the devices it has online, each with its connection, gateway and state
 * server (DESIGN.md §2). Gateways write it on connect and disconnect and refresh it with
 * heartbeats; an entry not refreshed within the route TTL disappears, so a crashed gateway's
 * connections age out. Writers read it to find where to push. Futures complete on the calling
 * context; implementations never block an event loop. Thread-safe.
 */
public interface RouteTable {

  /** Adds or replaces the route of {@code route.getConnId()} for {@code userId}. */
  Future<Void> register(String userId, Route route);

  /** Removes the route of {@code connId}; succeeds if it was already gone. */
  Future<Void> unregister(String userId, long connId);

  /** Marks the given connections of their users alive now (heartbeat from one gateway). */
  Future<Void> refresh(String gatewayId, Collection<UserConnection> connections);

  /** Every live route of {@code userId}; empty when the user is offline. */
  Future<List<Route>> lookup(String userId);

  /** A (user, connection) pair for {@link #refresh}. */
  record UserConnection(String userId, long connId) {}
}
