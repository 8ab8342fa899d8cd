package dev.stoa.sdk;

/**
 * The connection state reported by {@link StoaClient#onStateChange}.
 *
 * <ul>
 *   <li>{@link #CONNECTING}: opening a connection or waiting for {@code connAck}, or synchronising
 *       what was missed right after it;
 *   <li>{@link #CONNECTED}: {@code connAck} received, the sync on connect (if any) done and pending
 *       sends re-sent; new sends go out immediately;
 *   <li>{@link #DISCONNECTED}: no usable connection; the client is either waiting to reconnect
 *       (after an unexpected drop) or idle (never connected, closed, kicked, or gave up after an
 *       authentication failure).
 * </ul>
 */
public enum ConnectionState {
  CONNECTING,
  CONNECTED,
  DISCONNECTED
}
