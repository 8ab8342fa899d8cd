package dev.stoa.gateway.impl;

import dev.stoa.router.RouteTable.UserConnection;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sessions of this gateway by connection id, from the moment a {@code connect} is accepted
 * (so a push racing the {@code connAck} is queued, not lost) until the socket closes. Sessions
 * that have not sent {@code connect} yet are not here. Thread-safe.
 */
public final class ConnectionRegistry {
  private final ConcurrentHashMap<Long, Session> sessions = new ConcurrentHashMap<>();

  public void add(long connId, Session session) {
    Session previous = sessions.putIfAbsent(connId, session);
    if (previous != null && previous != session) {
      throw new IllegalStateException("connId " + Long.toUnsignedString(connId)
          + " is already in use on this gateway: the connection id supplier repeated itself");
    }
  }

  public void remove(long connId, Session session) {
    sessions.remove(connId, session);
  }

  public Session get(long connId) {
    return sessions.get(connId);
  }

  public int size() {
    return sessions.size();
  }

  public Collection<Session> all() {
    return List.copyOf(sessions.values());
  }

  /** (user, connection) of every session past {@code connect}, for the route-table heartbeat. */
  public List<UserConnection> userConnections() {
    List<UserConnection> list = new ArrayList<>(sessions.size());
    for (Session s : sessions.values()) {
      SessionInfo info = s.info();
      if (info != null) {
        list.add(new UserConnection(info.userId(), info.connId()));
      }
    }
    return list;
  }
}
