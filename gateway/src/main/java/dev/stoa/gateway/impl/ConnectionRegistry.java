package dev.stoa.gateway.impl;

import dev.stoa.router.RouteTable.UserConnection;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The connections of this gateway by connection id, from the moment a {@code connect} is accepted
 * (so a push racing the {@code connAck} is queued, not lost) until the socket closes. Sessions
 * that have not sent {@code connect} yet are not here. Thread-safe.
 */
public final class ConnectionRegistry {
  private final ConcurrentHashMap<Long, LongConnection> connections = new ConcurrentHashMap<>();

  public void add(long connId, LongConnection connection) {
    LongConnection previous = connections.putIfAbsent(connId, connection);
    if (previous != null && previous != connection) {
      throw new IllegalStateException("connId " + Long.toUnsignedString(connId)
          + " is already in use on this gateway: the connection id supplier repeated itself");
    }
  }

  public void remove(long connId, LongConnection connection) {
    connections.remove(connId, connection);
  }

  public LongConnection get(long connId) {
    return connections.get(connId);
  }

  public int size() {
    return connections.size();
  }

  public Collection<LongConnection> all() {
    return List.copyOf(connections.values());
  }

  /** (user, connection) of every connection past {@code connect}, for the route-table heartbeat. */
  public List<UserConnection> userConnections() {
    List<UserConnection> list = new ArrayList<>(connections.size());
    for (LongConnection s : connections.values()) {
      ConnectionInfo info = s.info();
      if (info != null) {
        list.add(new UserConnection(info.userId(), info.connId()));
      }
    }
    return list;
  }
}
