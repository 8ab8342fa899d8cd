package dev.stoa.launcher;

import dev.stoa.common.Lifecycle;
import dev.stoa.common.config.Config;
import dev.stoa.common.config.ConfigKey;
import dev.stoa.common.config.NodeOptions;
import dev.stoa.gateway.GatewayOptions;
import dev.stoa.gateway.GatewayServer;
import dev.stoa.index.IndexOptions;
import dev.stoa.index.IndexRole;
import dev.stoa.kv.KvStore;
import dev.stoa.kv.MeteredKvStore;
import dev.stoa.kv.RocksDbKvStore;
import dev.stoa.reader.ReaderOptions;
import dev.stoa.reader.ReaderRole;
import dev.stoa.cluster.ClusterDirectory;
import dev.stoa.cluster.ClusterNode;
import dev.stoa.cluster.ClusterOptions;
import dev.stoa.cluster.Role;
import dev.stoa.cluster.ServiceDirectory;
import dev.stoa.cluster.ClusterSecret;
import dev.stoa.cluster.EmbeddedStoreClaim;
import dev.stoa.router.HazelcastRoomTable;
import dev.stoa.router.HazelcastRouteTable;
import dev.stoa.router.RouterOptions;
import dev.stoa.state.StateOptions;
import dev.stoa.state.StateRole;
import dev.stoa.state.StateServer;
import dev.stoa.writer.WriterOptions;
import dev.stoa.writer.WriterRole;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The composition root of one Stoa process: reads the options of every role it hosts, builds the
 * shared plumbing (one Vert.x, one Hazelcast member, the service directory, the route table and,
 * for writer/reader, the embedded RocksDB store) and then the roles, each reaching the others
 * through the {@link dev.stoa.cluster.ServiceDirectory} — directly in one JVM, over gRPC across
 * processes. {@code stoa standalone} is this class with every role. Start and stop once each;
 * stop releases in reverse order of start.
 */
public final class StoaNode implements Lifecycle {
  private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(StoaNode.class.getName());

  /** Every config key any role of a node reads. */
  public static final List<ConfigKey<?>> KEYS = Stream.of(
          NodeOptions.KEYS, ClusterOptions.KEYS, RouterOptions.KEYS, WriterOptions.KEYS, ReaderOptions.KEYS,
          StateOptions.KEYS, GatewayOptions.KEYS, IndexOptions.KEYS, LogSetup.KEYS)
      .flatMap(List::stream).toList();

  private final Config config;
  private final Set<Role> roles;
  private final PrintStream out;
  private final List<Lifecycle> started = Collections.synchronizedList(new ArrayList<>());
  private final String nodeId;
  /** Nanoseconds of each start phase of the last start, read by the gauges. */
  private static final java.util.Map<String, java.util.concurrent.atomic.AtomicLong> PHASE_NANOS =
      new java.util.concurrent.ConcurrentHashMap<>();
  private Vertx vertx;
  private volatile KvStore kv;
  private GatewayServer gateway;
  private volatile ClusterDirectory directory;

  public StoaNode(Config config, Set<Role> roles, PrintStream out) {
    this.config = config;
    this.roles = Set.copyOf(roles);
    this.out = out;
    NodeOptions node = NodeOptions.from(config);
    this.nodeId = NodeIdentity.resolve(node.nodeId(), node.dataDir());
  }

  @Override
  public Future<Void> start() {
    NodeOptions node = NodeOptions.from(config);
    ClusterOptions clusterOptions = ClusterOptions.from(config);
    RouterOptions routerOptions = RouterOptions.from(config);
    // epoll where the native library loads (Linux x86-64), NIO elsewhere
    vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    if (!vertx.isNativeTransportEnabled()) {
      LOG.info(() -> "Vert.x uses NIO: the native epoll transport is unavailable ("
          + vertx.unavailableNativeTransportCause() + ")");
    }
    String adminSecret;
    ClusterSecret clusterSecret;
    try {
      adminSecret = roles.contains(Role.GATEWAY) ? AdminSecret.resolve(node.adminSecret(), node.dataDir(), out) : "";
      clusterSecret = ClusterSecrets.resolve(config.get(ClusterOptions.CLUSTER_SECRET),
          config.get(ClusterOptions.CLUSTER_SECRET_FILE), node.dataDir(), clusterOptions.clusterMembers(), out);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    ClusterNode cluster = new ClusterNode(vertx, clusterOptions, node, clusterSecret);
    ClusterDirectory directory = new ClusterDirectory(vertx, cluster, clusterOptions, node);
    this.directory = directory;
    boolean hasStore = roles.contains(Role.WRITER) || roles.contains(Role.READER);
    Path kvDir = node.dataDir().resolve("kv");
    // Phases that need nothing of each other run side by side: RocksDB opens while Hazelcast
    // forms the cluster, and the index server replays its logs while the state server opens its map.
    Future<Void> kvOpened = !hasStore ? Future.succeededFuture() : timed("kv", () -> vertx.executeBlocking(() -> {
      kv = new MeteredKvStore(RocksDbKvStore.open(kvDir), dev.stoa.common.metrics.Metrics.registry());
      return null;
    }));
    return startStep("cluster", cluster)
        .compose(v -> startStep("directory", directory))
        .compose(v -> {
          HazelcastRouteTable routes = new HazelcastRouteTable(cluster.hazelcast(), vertx, routerOptions);
          HazelcastRoomTable rooms = new HazelcastRoomTable(cluster.hazelcast(), vertx, routerOptions);
          List<Future<Void>> independent = new ArrayList<>();
          if (hasStore) {
            independent.add(kvOpened.compose(x -> startStep("store-claim", new EmbeddedStoreClaim(vertx, cluster, nodeId,
                storeRoles(), node.internalHost() + ":" + kvDir.toAbsolutePath().normalize()))));
          }
          if (roles.contains(Role.INDEX)) {
            independent.add(startStep("index", new IndexRole(vertx, nodeId + "-index", node.dataDir(),
                IndexOptions.from(config), cluster.msgIds(), directory, Clock.systemUTC())));
          }
          if (roles.contains(Role.STATE)) {
            NodeIdentity.reportOrphanMaps(node.dataDir(), StateServer.mapFile(node.dataDir(), nodeId + "-state")
                .getFileName().toString());
            independent.add(startStep("state", new StateRole(vertx, nodeId + "-state", node.dataDir(),
                StateOptions.from(config), directory, rooms, routerOptions.routeTtl())));
          }
          // all of them settle before the next step, so a failed start stops only what did start
          Future<Void> chain = Future.join(independent).mapEmpty();
          if (roles.contains(Role.WRITER)) {
            chain = chain.compose(x -> startStep("writer", new WriterRole(vertx, nodeId + "-writer", kv, cluster.msgIds(),
                routes, rooms, directory, WriterOptions.from(config), Clock.systemUTC())));
          }
          if (roles.contains(Role.READER)) {
            chain = chain.compose(x -> startStep("reader", new ReaderRole(vertx, nodeId + "-reader", kv, rooms, directory,
                ReaderOptions.from(config))));
          }
          if (roles.contains(Role.GATEWAY)) {
            chain = chain.compose(x -> {
              gateway = new GatewayServer(vertx, GatewayOptions.from(config), adminSecret, nodeId + "-gateway",
                  directory, routes, rooms, cluster.msgIds(), Clock.systemUTC());
              return startStep("gateway", gateway);
            });
          }
          return chain;
        })
        .recover(e -> kvOpened.transform(ignored -> Future.failedFuture(e))); // kv is set (or not) before stop()
  }

  /** The roles of this node that use its embedded KV store, for the cluster's store claim. */
  private String storeRoles() {
    return Stream.of(Role.WRITER, Role.READER).filter(roles::contains)
        .map(r -> r.name().toLowerCase(java.util.Locale.ROOT)).collect(java.util.stream.Collectors.joining(","));
  }

  private Future<Void> startStep(String phase, Lifecycle component) {
    return timed(phase, () -> component.start().onSuccess(v -> started.add(component)));
  }

  /**
   * Runs one start phase and, when it succeeds, logs at INFO how long it took and sets the gauge
   * {@code stoa_start_phase_seconds{phase}} (the last start of this process).
   */
  private static Future<Void> timed(String phase, java.util.function.Supplier<Future<Void>> step) {
    long began = System.nanoTime();
    return step.get().onSuccess(v -> {
      long nanos = System.nanoTime() - began;
      PHASE_NANOS.computeIfAbsent(phase, p -> {
        java.util.concurrent.atomic.AtomicLong holder = new java.util.concurrent.atomic.AtomicLong();
        io.micrometer.core.instrument.Gauge.builder("stoa.start.phase.seconds", holder, h -> h.get() / 1e9)
            .tag("phase", p).description("time the last start of this process spent in this phase")
            .register(dev.stoa.common.metrics.Metrics.registry());
        return holder;
      }).set(nanos);
      LOG.info(() -> "start phase " + phase + " took " + nanos / 1_000_000 + " ms");
    });
  }

  @Override
  public Future<Void> stop() {
    Future<Void> chain = Future.succeededFuture();
    List<Lifecycle> reverse = new ArrayList<>(started);
    Collections.reverse(reverse);
    for (Lifecycle component : reverse) {
      chain = chain.transform(ignored -> component.stop());
    }
    return chain.transform(ignored -> {
      if (kv != null) {
        kv.close();
      }
      return vertx == null ? Future.<Void>succeededFuture() : vertx.close();
    });
  }

  /** The gateway of this node, or null when it hosts none (tests read its bound ports). */
  public GatewayServer gateway() {
    return gateway;
  }

  /** This node's service directory (tests call its services through it), or null before {@link #start()}. */
  public ServiceDirectory directory() {
    return directory;
  }

  public String nodeId() {
    return nodeId;
  }

  /** One line for the start-up log: roles and where clients connect. */
  public String describe() {
    StringBuilder sb = new StringBuilder("node ").append(nodeId).append(" up with roles ").append(roles);
    if (gateway != null) {
      sb.append("; HTTP/WebSocket on ").append(NodeOptions.from(config).host()).append(':')
          .append(gateway.httpPort()).append(", TCP on port ").append(gateway.tcpPort());
    }
    return sb.toString();
  }
}
