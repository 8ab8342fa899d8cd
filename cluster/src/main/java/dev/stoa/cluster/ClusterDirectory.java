package dev.stoa.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryEvictedListener;
import com.hazelcast.map.listener.EntryExpiredListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import com.hazelcast.query.Predicates;
import dev.stoa.common.Lifecycle;
import dev.stoa.common.StoaException;
import dev.stoa.common.config.NodeOptions;
import dev.stoa.cluster.impl.Announcement;
import dev.stoa.cluster.impl.AnnouncementCache;
import dev.stoa.cluster.impl.CallerCheck;
import dev.stoa.cluster.impl.GrpcCalls;
import dev.stoa.cluster.impl.Invoker;
import dev.stoa.cluster.impl.ServiceHost;
import dev.stoa.cluster.internal.HazelcastFutures;
import dev.stoa.cluster.impl.RemoveIfValue;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.server.GrpcProtocol;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerOptions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@link ServiceDirectory} over Hazelcast and Vert.x gRPC.
 *
 * <p>Each process runs one gRPC server (Vert.x {@link GrpcServer}, HTTP/2 only, on a server bound to
 * the internal address {@link NodeOptions#internalHost()}:{@link ClusterOptions#grpcPort()}) that
 * serves every declared service ({@link Services#ALL}, each a {@link ServiceKind}) by forwarding to
 * the instance of that service registered here, so a process hosts at most one instance per
 * service. Every request
 * passes {@link CallerCheck} first: a call without this cluster's credential (derived from the
 * node's {@link ClusterSecret}) reaches no service; every call made through the directory
 * carries it. {@link #register} announces the instance in the Hazelcast
 * map {@value #MAP_NAME}: key {@code <service>/<instanceId>} ({@link ServiceKind#name()}), value
 * {@code <host>:<port>|<memberUuid>} naming this process's gRPC endpoint and Hazelcast member.
 * {@link #unregister} and {@link #stop} withdraw the entries (only if still theirs). Entries of a
 * member that is no longer in the cluster are ignored at once and deleted by the oldest member
 * (with the member's {@link EmbeddedStoreClaim}).
 *
 * <p>Lookups never block: they read a local copy of the map kept by entry events and re-read in
 * full every {@value #RESYNC_MILLIS} ms. Resolution: an instance hosted in this process is bound
 * directly (its calls go to the object itself); a remote one as a gRPC client of the same
 * interface (cached per endpoint and service, each call with the {@link ClusterOptions#rpcTimeout()}
 * deadline). Both bindings complete a call on the caller's context. A remote failure arrives as
 * the {@link StoaException} the remote instance failed with; an unreachable endpoint as
 * UNAVAILABLE. {@link #any} picks an instance per call (this process's own, else round robin),
 * failing UNAVAILABLE while none is announced: keep it. Do not keep what {@link #find} returns;
 * ask again per use.
 *
 * <p>Start after the {@link ClusterNode}, stop before it. Thread-safe.
 */
public final class ClusterDirectory implements ServiceDirectory, Lifecycle {
  public static final String MAP_NAME = "stoa.services";
  public static final long RESYNC_MILLIS = 5_000;
  private static final Logger LOG = Logger.getLogger(ClusterDirectory.class.getName());

  /**
   * An instance hosted here: itself, its binding for callers here ({@code local}), the invoker
   * {@link #any} uses for it and its announcement.
   */
  private record Hosted(String instanceId, Object service, Object local, Invoker direct, Announcement announcement) {}

  private record Endpoint(String address, String service) {}

  /** A service at another process's endpoint: how its calls go, and the client of its interface over that. */
  private record Remote(Invoker invoker, Object client) {}

  private final Vertx vertx;
  private final ClusterNode node;
  private final ClusterOptions options;
  private final NodeOptions nodeOptions;
  private final List<ServiceKind<?>> served;
  private final Map<ServiceKind<?>, Hosted> hosted = new ConcurrentHashMap<>();
  private final Map<ServiceKind<?>, Object> anyOf = new ConcurrentHashMap<>();
  private final AnnouncementCache cache = new AnnouncementCache(System::nanoTime);
  private final Map<Endpoint, Remote> remotes = new ConcurrentHashMap<>();
  private final AtomicInteger rotation = new AtomicInteger();

  private volatile boolean running;
  private HazelcastInstance hazelcast;
  private IMap<String, String> services;
  private volatile HttpServer httpServer;
  private volatile GrpcCalls calls;
  private volatile Context callContext;
  private UUID entryListenerId;
  private UUID membershipListenerId;
  private volatile long resyncTimer = -1;

  /** A directory serving every service of {@link Services#ALL}. */
  public ClusterDirectory(Vertx vertx, ClusterNode node, ClusterOptions options, NodeOptions nodeOptions) {
    this(vertx, node, options, nodeOptions, Services.ALL);
  }

  /** A directory serving the services {@code served} (each process of a cluster must serve the same). */
  public ClusterDirectory(Vertx vertx, ClusterNode node, ClusterOptions options, NodeOptions nodeOptions,
      List<ServiceKind<?>> served) {
    this.served = List.copyOf(served);
    this.vertx = vertx;
    this.node = node;
    this.options = options;
    this.nodeOptions = nodeOptions;
  }

  @Override
  public Future<Void> start() {
    if (httpServer != null || calls != null) {
      return Future.failedFuture(new IllegalStateException("service directory already started"));
    }
    try {
      hazelcast = node.hazelcast();
    } catch (IllegalStateException e) {
      return Future.failedFuture(new IllegalStateException("start the cluster node before the service directory", e));
    }
    String credential = node.secret().grpcCredential();
    callContext = ((VertxInternal) vertx).createEventLoopContext();
    GrpcServer grpc = GrpcServer.server(vertx, new GrpcServerOptions()
        .removeEnabledProtocol(GrpcProtocol.TRANSCODING)
        .removeEnabledProtocol(GrpcProtocol.WEB)
        .removeEnabledProtocol(GrpcProtocol.WEB_TEXT));
    for (ServiceKind<?> kind : served) {
      new ServiceHost(kind.name(), () -> {
        Hosted h = hosted.get(kind);
        return h == null ? null : h.service();
      }).bind(grpc, kind.calls());
    }
    calls = new GrpcCalls(GrpcClient.client(vertx, new GrpcClientOptions().setScheduleDeadlineAutomatically(true)),
        options.rpcTimeout(), credential);
    HttpServerOptions serverOptions = new HttpServerOptions().setHost(nodeOptions.internalHost())
        .setPort(options.grpcPort());
    return vertx.createHttpServer(serverOptions).requestHandler(new CallerCheck(credential, grpc)).listen()
        .recover(err -> Future.failedFuture(new IllegalStateException("service directory: cannot listen for gRPC on "
            + nodeOptions.internalHost() + ":" + options.grpcPort() + " (internal.host, grpc.port): "
            + err.getMessage(), err)))
        .compose(server -> {
          httpServer = server;
          return HazelcastFutures.<Void>blocking(vertx, "service directory: start", () -> {
            services = hazelcast.getMap(MAP_NAME);
            entryListenerId = services.addEntryListener(new EntryEvents(), true);
            membershipListenerId = hazelcast.getCluster().addMembershipListener(new MembershipEvents());
            long startedAt = System.nanoTime();
            cache.reconcile(new HashMap<>(services), startedAt);
            return null;
          });
        })
        .onSuccess(v -> {
          running = true;
          scheduleResync();
          LOG.info(() -> "service directory: gRPC endpoint " + endpoint() + ", " + cache.all().size()
              + " announced instance(s) in the cluster");
        });
  }

  @Override
  public Future<Void> stop() {
    running = false;
    if (resyncTimer >= 0) {
      vertx.cancelTimer(resyncTimer);
    }
    List<Future<Void>> withdrawals = new ArrayList<>();
    for (Map.Entry<ServiceKind<?>, Hosted> e : hosted.entrySet()) {
      withdrawals.add(withdraw(e.getValue().announcement()).otherwiseEmpty());
    }
    hosted.clear();
    return Future.join(withdrawals)
        .otherwiseEmpty()
        .compose(v -> services == null ? Future.<Void>succeededFuture()
            : HazelcastFutures.blocking(vertx, "service directory: stop", () -> {
              services.removeEntryListener(entryListenerId);
              hazelcast.getCluster().removeMembershipListener(membershipListenerId);
              return (Void) null;
            }).otherwise(err -> {
              LOG.log(Level.FINE, "service directory: listeners not removed", err);
              return null;
            }))
        .compose(v -> httpServer == null ? Future.<Void>succeededFuture() : httpServer.close())
        .compose(v -> calls == null ? Future.<Void>succeededFuture() : calls.close())
        .onComplete(ar -> remotes.clear());
  }

  /** The port the gRPC endpoint is bound to (the one announced). */
  public int grpcPort() {
    HttpServer server = httpServer;
    if (server == null) {
      throw new IllegalStateException("service directory not started");
    }
    return server.actualPort();
  }

  /** {@code host:port} of this process's gRPC endpoint. */
  public String endpoint() {
    return nodeOptions.internalHost() + ":" + grpcPort();
  }

  @Override
  public <T> Future<Void> register(ServiceKind<T> kind, String instanceId, T service) {
    if (!running) {
      return Future.failedFuture(new IllegalStateException("service directory not started (register "
          + kind + " '" + instanceId + "')"));
    }
    RuntimeException refused = kind.refusal(instanceId, service);
    if (refused != null) {
      return Future.failedFuture(refused);
    }
    if (!served.contains(kind)) {
      return Future.failedFuture(new IllegalArgumentException("service '" + kind + "' is not served by this directory"
          + " (declare it in Services)"));
    }
    Announcement a = new Announcement(kind.name(), instanceId, nodeOptions.internalHost(), grpcPort(),
        hazelcast.getCluster().getLocalMember().getUuid());
    Hosted mine = new Hosted(instanceId, service, kind.local(service), kind.direct(service), a);
    Hosted other = hosted.compute(kind, (k, prev) -> prev == null || prev.instanceId().equals(instanceId) ? mine : prev);
    if (other != mine) {
      return Future.failedFuture(new IllegalStateException("this process already hosts " + kind + " '"
          + other.instanceId() + "'; it can host one instance per service, so '" + instanceId + "' was not registered"));
    }
    cache.put(a.key(), a.value());
    return HazelcastFutures.adapt(vertx, () -> "service directory: announce " + a.key(), services.setAsync(a.key(), a.value()))
        .onFailure(err -> hosted.remove(kind, mine));
  }

  @Override
  public Future<Void> unregister(ServiceKind<?> kind, String instanceId) {
    Hosted h = hosted.get(kind);
    if (h == null || !h.instanceId().equals(instanceId) || !hosted.remove(kind, h)) {
      return Future.succeededFuture();
    }
    cache.remove(h.announcement().key());
    return withdraw(h.announcement());
  }

  @Override
  public <T> T any(ServiceKind<T> kind) {
    return kind.type().cast(anyOf.computeIfAbsent(kind, k -> kind.bind(
        (call, request) -> resolveAny(kind).invoke(call, request), "any " + kind.description())));
  }

  @Override
  public <T> Optional<T> find(ServiceKind<T> kind, String instanceId) {
    Hosted h = hosted.get(kind);
    if (h != null && h.instanceId().equals(instanceId)) {
      return Optional.of(kind.type().cast(h.local()));
    }
    return liveAnnouncement(kind, instanceId).map(a -> kind.type().cast(remote(kind, a).client()));
  }

  @Override
  public Optional<String> incarnation(ServiceKind<?> kind, String instanceId) {
    Hosted h = hosted.get(kind);
    if (h != null && h.instanceId().equals(instanceId)) {
      return running ? Optional.of(hazelcast.getCluster().getLocalMember().getUuid().toString()) : Optional.empty();
    }
    return liveAnnouncement(kind, instanceId).map(a -> a.member().toString());
  }

  @Override
  public Optional<String> pick(ServiceKind<?> kind, long key) {
    Hosted h = hosted.get(kind);
    if (h != null) {
      return Optional.of(h.instanceId());
    }
    List<Announcement> live = live(kind);
    if (live.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(ServiceKind.byKey(live, key).instanceId());
  }

  @Override
  public List<String> announced(ServiceKind<?> kind) {
    Set<String> ids = new HashSet<>();
    live(kind).forEach(a -> ids.add(a.instanceId()));
    Hosted h = hosted.get(kind);
    if (h != null) {
      ids.add(h.instanceId());
    }
    return ids.stream().sorted().toList();
  }

  /** Where a call of {@link #any} goes now: the instance here, else a live one elsewhere (round robin). */
  private Invoker resolveAny(ServiceKind<?> kind) {
    Hosted h = hosted.get(kind);
    if (h != null) {
      return h.direct();
    }
    List<Announcement> live = live(kind);
    if (live.isEmpty()) {
      return kind.noneAnnounced();
    }
    return remote(kind, live.get(Math.floorMod(rotation.getAndIncrement(), live.size()))).invoker();
  }

  /** The announcement of {@code instanceId} of {@code kind} if its member is in the cluster. */
  private Optional<Announcement> liveAnnouncement(ServiceKind<?> kind, String instanceId) {
    if (instanceId == null || !running) {
      return Optional.empty();
    }
    Announcement a = cache.get(Announcement.key(kind.name(), instanceId));
    return a == null || !liveMembers().contains(a.member()) ? Optional.empty() : Optional.of(a);
  }

  /** Announced instances of {@code kind} whose member is in the cluster, by instance id. */
  private List<Announcement> live(ServiceKind<?> kind) {
    if (!running) {
      return List.of();
    }
    Set<UUID> members = liveMembers();
    return cache.all().stream()
        .filter(a -> a.service().equals(kind.name()) && members.contains(a.member()))
        .sorted(Comparator.comparing(Announcement::instanceId))
        .toList();
  }

  private Set<UUID> liveMembers() {
    Set<UUID> uuids = new HashSet<>();
    for (Member m : hazelcast.getCluster().getMembers()) {
      uuids.add(m.getUuid());
    }
    return uuids;
  }

  /** The gRPC binding of {@code kind} at the endpoint of {@code a}, cached per (endpoint, service). */
  private Remote remote(ServiceKind<?> kind, Announcement a) {
    return remotes.computeIfAbsent(new Endpoint(a.address(), kind.name()), e -> {
      Invoker invoker = remoteInvoker(kind, a);
      return new Remote(invoker, kind.bind(invoker, kind.description() + " at " + a.address()));
    });
  }

  /**
   * Calls over gRPC from the caller's context; a caller on no Vert.x thread (a role's own lane or
   * timer thread) has its call sent from the directory's context instead, where Vert.x would
   * otherwise make a new context for every call.
   */
  private Invoker remoteInvoker(ServiceKind<?> kind, Announcement a) {
    SocketAddress to = SocketAddress.inetSocketAddress(a.port(), a.host());
    String what = kind.description() + " at " + a.address();
    GrpcCalls grpc = calls;
    Context home = callContext;
    return (call, request) -> {
      if (Vertx.currentContext() != null) {
        return grpc.call(to, what, call, request);
      }
      Promise<Object> answer = Promise.promise();
      home.runOnContext(v -> grpc.call(to, what, call, request).onComplete(answer));
      return answer.future();
    };
  }

  private Future<Void> withdraw(Announcement a) {
    try {
      return HazelcastFutures.adapt(vertx, () -> "service directory: withdraw " + a.key(),
          services.submitToKey(a.key(), new RemoveIfValue(a.value()))).mapEmpty();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /**
   * The next resync starts {@value #RESYNC_MILLIS} ms after the previous one ended, never beside
   * it: when the cluster is slow, a periodic timer piled blocked re-reads onto the worker pool.
   */
  private void scheduleResync() {
    if (running) {
      resyncTimer = vertx.setTimer(RESYNC_MILLIS, id -> resync());
    }
  }

  private void resync() {
    if (!running) {
      return;
    }
    long startedAt = System.nanoTime();
    HazelcastFutures.blocking(vertx, "service directory: resync", () -> new HashMap<>(services))
        .onSuccess(read -> {
          cache.reconcile(read, startedAt);
          Set<String> addresses = new HashSet<>();
          cache.all().forEach(a -> addresses.add(a.address()));
          remotes.keySet().removeIf(e -> !addresses.contains(e.address()));
        })
        .onFailure(err -> LOG.log(Level.FINE, err.getMessage(), err))
        .onComplete(ignored -> scheduleResync());
  }

  private final class EntryEvents implements EntryAddedListener<String, String>,
      EntryUpdatedListener<String, String>, EntryRemovedListener<String, String>,
      EntryEvictedListener<String, String>, EntryExpiredListener<String, String> {
    @Override
    public void entryAdded(EntryEvent<String, String> event) {
      cache.put(event.getKey(), event.getValue());
    }

    @Override
    public void entryUpdated(EntryEvent<String, String> event) {
      cache.put(event.getKey(), event.getValue());
    }

    @Override
    public void entryRemoved(EntryEvent<String, String> event) {
      cache.remove(event.getKey());
    }

    @Override
    public void entryEvicted(EntryEvent<String, String> event) {
      cache.remove(event.getKey());
    }

    @Override
    public void entryExpired(EntryEvent<String, String> event) {
      cache.remove(event.getKey());
    }
  }

  private final class MembershipEvents implements MembershipListener {
    @Override
    public void memberAdded(MembershipEvent event) {
    }

    @Override
    public void memberRemoved(MembershipEvent event) {
      UUID gone = event.getMember().getUuid();
      cache.removeMember(gone);
      Set<Member> members = event.getMembers();
      boolean oldest = !members.isEmpty() && members.iterator().next().localMember();
      if (oldest && running) {
        HazelcastFutures.blocking(vertx, "service directory: drop entries of departed member " + gone, () -> {
          services.removeAll(Predicates.like("this", "%|" + gone));
          EmbeddedStoreClaim.dropClaimsOf(hazelcast, gone);
          return null;
        }).onFailure(err -> LOG.log(Level.WARNING, err.getMessage(), err));
      }
    }
  }
}
