package dev.stoa.gateway;

import dev.stoa.cluster.Services;
import dev.stoa.common.Ids;
import dev.stoa.common.Lifecycle;
import dev.stoa.common.metrics.Metrics;
import dev.stoa.gateway.impl.Backend;
import dev.stoa.gateway.impl.ConnectionRegistry;
import dev.stoa.gateway.impl.EncodedFrame;
import dev.stoa.gateway.impl.FrameDispatcher;
import dev.stoa.gateway.impl.GatewayContext;
import dev.stoa.gateway.impl.GatewayMetrics;
import dev.stoa.gateway.impl.HttpApi;
import dev.stoa.gateway.impl.HttpConnectionCap;
import dev.stoa.gateway.impl.HttpVerticle;
import dev.stoa.gateway.impl.RouteHeartbeat;
import dev.stoa.gateway.impl.LongConnection;
import dev.stoa.gateway.impl.LongConnectionFactory;
import dev.stoa.gateway.impl.TcpVerticle;
import dev.stoa.proto.internal.DeliverReply;
import dev.stoa.proto.internal.DeliverRequest;
import dev.stoa.proto.internal.Gateway;
import dev.stoa.router.RoomTable;
import dev.stoa.router.RouteTable;
import dev.stoa.cluster.ServiceDirectory;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The gateway role (DESIGN.md §2/§3): holds client sockets and nothing else. {@link #start()}
 * binds the HTTP server (HTTP API, {@code /health}, {@code /metrics} and the WebSocket
 * {@code /v1/ws}) and the TCP server, one instance per event loop on each port, starts the route
 * heartbeat and announces this object in the {@link ServiceDirectory} as
 * {@link Services#GATEWAY} under {@code gatewayId}, so state servers push through
 * {@link #deliver}. {@link #stop()} withdraws the announcement, kicks and closes every connection
 * (each is detached from its state server and removed from the route table) and closes the
 * servers. Start and stop once each. Thread-safe; {@link #deliver} may be called from any thread.
 *
 * <p>Threads: each connection lives on the event loop that accepted it, where its frames are
 * parsed, limited and answered ({@code impl.LongConnection}); a push delivered from another thread is
 * handed to that loop; calls to other roles and to the route table never block it (their work
 * runs on their own threads and, by the directory's rule, their answers complete on the loop). A
 * connection's sends go to its writer without waiting for earlier answers ({@code impl.SendQueue}).
 */
public final class GatewayServer implements Gateway, Lifecycle {
  private static final Logger LOG = Logger.getLogger(GatewayServer.class.getName());
  private static final long STOP_GRACE_MS = 5_000;

  private final Vertx vertx;
  private final GatewayOptions options;
  private final String adminSecret;
  private final String gatewayId;
  private final ServiceDirectory directory;
  private final RouteTable routes;
  private final LongSupplier connIds;
  private final Clock clock;
  private final RoomTable rooms;
  private final TokenIssuer tokens;
  private final ConnectionRegistry registry = new ConnectionRegistry();
  private final List<String> deployments = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger httpPort = new AtomicInteger(-1);
  private final AtomicInteger tcpPort = new AtomicInteger(-1);
  private volatile GatewayContext context;
  private volatile RouteHeartbeat heartbeat;
  private volatile boolean registered;

  /**
   * @param adminSecret the resolved admin secret: authorizes {@code POST /v1/tokens} and derives the token key
   * @param gatewayId this gateway's id in routes and the directory ({@code [A-Za-z0-9_.-]}, ≤ 64)
   * @param connIds cluster-unique connection ids (Flake ids in production)
   */
  public GatewayServer(Vertx vertx, GatewayOptions options, String adminSecret, String gatewayId,
      ServiceDirectory directory, RouteTable routes, LongSupplier connIds, Clock clock) {
    this(vertx, options, adminSecret, gatewayId, directory, routes, null, connIds, clock);
  }

  /** @param rooms the room table, for {@code POST /v1/rooms/{roomId}/close}; null answers it UNAVAILABLE */
  public GatewayServer(Vertx vertx, GatewayOptions options, String adminSecret, String gatewayId,
      ServiceDirectory directory, RouteTable routes, RoomTable rooms, LongSupplier connIds, Clock clock) {
    this.rooms = rooms;
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.options = Objects.requireNonNull(options, "options");
    this.adminSecret = Objects.requireNonNull(adminSecret, "adminSecret");
    if (!Ids.isValidId(gatewayId)) {
      throw new IllegalArgumentException("gatewayId: must be 1-64 chars of [A-Za-z0-9_.-], got '" + gatewayId + "'");
    }
    this.gatewayId = gatewayId;
    this.directory = Objects.requireNonNull(directory, "directory");
    this.routes = Objects.requireNonNull(routes, "routes");
    this.connIds = Objects.requireNonNull(connIds, "connIds");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.tokens = new TokenIssuer(vertx, adminSecret, clock);
  }

  @Override
  public Future<Void> start() {
    GatewayMetrics metrics = new GatewayMetrics(Metrics.registry(), gatewayId, registry::size);
    Backend backend = new Backend(directory, rooms);
    GatewayContext gw = new GatewayContext(vertx, options, gatewayId, tokens, backend,
        new FrameDispatcher(backend, clock), routes, registry, metrics, connIds, clock);
    context = gw;
    HttpApi api = new HttpApi(gw, adminSecret);
    LongConnectionFactory connections = new LongConnectionFactory(gw);
    HttpConnectionCap httpCap = new HttpConnectionCap(options.httpMaxConnections(), Metrics.registry());
    return deploy(options.httpPort(), httpPort,
            (port, bound) -> new HttpVerticle(gw, api, connections, httpCap, port, bound))
        .compose(v -> deploy(options.tcpPort(), tcpPort, (port, bound) -> new TcpVerticle(gw, connections, port, bound)))
        .compose(v -> directory.register(Services.GATEWAY, gatewayId, this))
        .onSuccess(v -> {
          registered = true;
          RouteHeartbeat beat = new RouteHeartbeat(gw);
          beat.start();
          heartbeat = beat;
          LOG.info(() -> "gateway " + gatewayId + " listening on " + options.host() + ": HTTP/WebSocket port "
              + httpPort.get() + ", TCP port " + tcpPort.get());
        })
        .recover(e -> undeployAll().transform(ignored -> Future.failedFuture(e)));
  }

  private interface VerticleFactory {
    Deployable create(int port, IntConsumer boundPort);
  }

  /** Deploys one instance on {@code port}, then the others on the port it actually bound. */
  private Future<Void> deploy(int port, AtomicInteger bound, VerticleFactory factory) {
    return vertx.deployVerticle(() -> factory.create(port, bound::set), new DeploymentOptions())
        .compose(id -> {
          deployments.add(id);
          int more = options.instancesFor(port) - 1;
          if (more <= 0) {
            return Future.succeededFuture();
          }
          int actual = bound.get();
          return vertx.deployVerticle(() -> factory.create(actual, p -> { }), new DeploymentOptions().setInstances(more))
              .map(id2 -> {
                deployments.add(id2);
                return null;
              });
        });
  }

  @Override
  public Future<Void> stop() {
    RouteHeartbeat beat = heartbeat;
    if (beat != null) {
      beat.stop();
    }
    Future<Void> withdrawn = registered
        ? directory.unregister(Services.GATEWAY, gatewayId)
            .onFailure(e -> LOG.log(Level.WARNING, "could not withdraw gateway " + gatewayId, e))
        : Future.succeededFuture();
    return withdrawn.transform(ignored -> {
      List<Future<Void>> closing = new ArrayList<>();
      for (LongConnection connection : registry.all()) {
        closing.add(connection.shutdown("gateway " + gatewayId + " is shutting down; reconnect"));
      }
      return Future.join(closing).timeout(STOP_GRACE_MS, TimeUnit.MILLISECONDS);
    }).transform(ignored -> undeployAll()).onComplete(ignored -> {
      GatewayContext gw = context;
      if (gw != null) {
        gw.metrics().close();
      }
    });
  }

  private Future<Void> undeployAll() {
    List<Future<Void>> undeploys = new ArrayList<>();
    List<String> ids;
    synchronized (deployments) {
      ids = new ArrayList<>(deployments);
      deployments.clear();
    }
    for (String id : ids) {
      undeploys.add(vertx.undeploy(id));
    }
    return Future.join(undeploys).mapEmpty();
  }

  /**
   * Writes {@code request.frame} to each listed connection open on this gateway, encoding it at
   * most once per encoding; reports in {@code closed_conn_ids} the ids not open here (and slow
   * consumers, which are closed). Never fails.
   */
  @Override
  public Future<DeliverReply> deliver(DeliverRequest request) {
    EncodedFrame frame = new EncodedFrame(request.getFrame());
    DeliverReply.Builder reply = DeliverReply.newBuilder();
    for (int i = 0; i < request.getConnIdsCount(); i++) {
      long connId = request.getConnIds(i);
      LongConnection connection = registry.get(connId);
      if (connection == null || !connection.deliver(frame)) {
        reply.addClosedConnIds(connId);
      }
    }
    return Future.succeededFuture(reply.build());
  }

  /** The bound HTTP/WebSocket port once started (the real one when configured as 0), else -1. */
  public int httpPort() {
    return httpPort.get();
  }

  /** The bound TCP port once started (the real one when configured as 0), else -1. */
  public int tcpPort() {
    return tcpPort.get();
  }

  public String gatewayId() {
    return gatewayId;
  }

  /** Connections past {@code connect} (connecting or open). */
  public int connectionCount() {
    return registry.size();
  }

  /** The issuer/verifier of user tokens for this gateway's admin secret. */
  public TokenIssuer tokens() {
    return tokens;
  }

  public GatewayOptions options() {
    return options;
  }
}
