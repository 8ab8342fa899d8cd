package dev.stoa.gateway.impl;

/**
 * Who is on an accepted connection: set once when {@code connect} succeeds. Immutable.
 *
 * @param stateServerId the state server the connection was attached to
 */
public record ConnectionInfo(String userId, String deviceId, long connId, String stateServerId) {}
