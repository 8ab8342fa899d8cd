package dev.stoa.gateway.impl;

import dev.stoa.common.StoaException;
import dev.stoa.gateway.TokenIssuer.TokenClaims;
import dev.stoa.proto.client.Code;
import dev.stoa.proto.client.Connect;
import dev.stoa.proto.internal.Connection;
import dev.stoa.proto.internal.Route;
import io.vertx.core.Future;
import java.util.function.Supplier;

/**
 * The {@code connect} of one long connection, after its frame has been read: the token is
 * verified (and the device it names, if the frame names one), the connection gets a cluster-unique
 * id and a state server, is attached to it and registered in the route table; then, and never
 * before the {@code connAck} is due, the user's oldest connections beyond
 * {@code gateway.user.max.connections} are kicked. A step that fails fails the handshake with the
 * {@code StoaException} the client gets; the steps done before it are undone by the connection's
 * cleanup, which the {@link Steps} callbacks tell what was done.
 *
 * <p>Thread-safety: runs on whatever threads its calls complete on; the callbacks must be
 * thread-safe. One handshake per connection.
 */
final class ConnectHandshake {
  /** What the connection learns as the handshake goes. */
  interface Steps {
    /** The connection has its id and state server ({@code stateIncarnation} as seen before attaching). */
    void identified(ConnectionInfo who, String stateIncarnation);

    /** The state server holds the connection. */
    void attached();

    /** The route table holds the connection. */
    void routed();
  }

  private final GatewayContext gw;

  ConnectHandshake(GatewayContext gw) {
    this.gw = gw;
  }

  Future<ConnectionInfo> run(Connect connect, Steps steps) {
    String wantedDevice = connect.hasDeviceId() ? connect.getDeviceId() : null;
    return gw.tokens().verify(connect.getToken()).compose(claims -> {
      try {
        return accept(claims, wantedDevice, steps);
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    });
  }

  private Future<ConnectionInfo> accept(TokenClaims claims, String wantedDevice, Steps steps) {
    if (wantedDevice != null && !wantedDevice.equals(claims.deviceId())) {
      return Future.failedFuture(new StoaException(Code.UNAUTHENTICATED,
          "deviceId: token was issued for device '" + claims.deviceId() + "'"));
    }
    long connId = gw.connIds().getAsLong();
    String stateServerId = gw.backend().pickStateServer(connId);
    ConnectionInfo who = new ConnectionInfo(claims.userId(), claims.deviceId(), connId, stateServerId);
    // the incarnation before attaching: a restart during the attach shows at a later heartbeat
    steps.identified(who, gw.backend().stateIncarnation(stateServerId));
    return gw.backend().attach(stateServerId, protoConnection(gw, who))
        .compose(v -> {
          steps.attached();
          long now = gw.clock().millis();
          Route route = Route.newBuilder().setConnId(connId).setDeviceId(who.deviceId())
              .setGatewayId(gw.gatewayId()).setStateServerId(stateServerId)
              .setRefreshedAt(now).setConnectedAt(now).build();
          return call("routeTable", () -> gw.routes().register(who.userId(), route));
        })
        .map(v -> {
          steps.routed();
          UserConnectionCap.enforce(gw, who.userId(), connId); // after the connAck is due: never delays it
          return who;
        });
  }

  /** The connection as the state server knows it. */
  static Connection protoConnection(GatewayContext gw, ConnectionInfo who) {
    return Connection.newBuilder().setConnId(who.connId()).setUserId(who.userId()).setDeviceId(who.deviceId())
        .setGatewayId(gw.gatewayId()).build();
  }

  /** {@code call}'s future, any failure mapped to the StoaException a client gets ({@link Backend#failure}). */
  static <T> Future<T> call(String role, Supplier<Future<T>> call) {
    try {
      Future<T> f = call.get();
      return f.recover(e -> Future.failedFuture(Backend.failure(role, e)));
    } catch (RuntimeException e) {
      return Future.failedFuture(Backend.failure(role, e));
    }
  }
}
