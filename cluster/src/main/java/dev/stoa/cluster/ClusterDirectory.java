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
import dev.stoa.common.Ids;
import dev.stoa.common.Lifecycle;
import dev.stoa.common.StoaException;
import dev.stoa.common.config.NodeOptions;
import dev.stoa.proto.client.Code;
import dev.stoa.proto.internal.Gateway;
import dev.stoa.proto.internal.Index;
import dev.stoa.proto.internal.Reader;
import dev.stoa.proto.internal.Rooms;
import dev.stoa.proto.internal.State;
import dev.stoa.proto.internal.Writer;
import dev.stoa.cluster.impl.Announcement;
import dev.stoa.cluster.impl.AnnouncementCache;
import dev.stoa.cluster.impl.CallerCheck;
import dev.stoa.cluster.impl.GrpcCalls;
import dev.stoa.cluster.internal.HazelcastFutures;
import dev.stoa.cluster.impl.HostedServices;
import dev.stoa.cluster.impl.LateBound;
import dev.stoa.cluster.impl.RemoteBindings;
import dev.stoa.cluster.impl.RemoveIfValue;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
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
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@link ServiceDirectory} over Hazelcast and Vert.x gRPC.
 *
 * <p>Each process runs one gRPC server (Vert.x {@link GrpcServer}, HTTP/2 only, on a server bound to
 * the internal address {@link NodeOptions#internalHost()}:{@link ClusterOptions#grpcPort()}) that
 * serves the Writer, Reader, State, Gateway, Index and Rooms services by forwarding to the instance
 * of that role registered here, so a process hosts at most one instance per role. Every request
 * passes {@link CallerCheck} first: a call without this cluster's credential (derived from the
 * node's {@link ClusterSecret}) reaches no service; every call made through the directory
 * carries it. {@link #register} announces the instance in the Hazelcast
 * map {@value #MAP_NAME}: key {@code <role>/<instanceId>} (role lower-case), value
 * {@code <host>:<port>|<memberUuid>} naming this process's gRPC endpoint and Hazelcast member.
 * {@link #unregister} and {@link #stop} withdraw the entries (only if still theirs). Entries of a
 * member that is no longer in the cluster are ignored at once and deleted by the oldest member
 * (with the member's {@link EmbeddedStoreClaim}).
 *
 * <p>Lookups never block: they read a local copy of the map kept by entry events and re-read in
 * full every {@value #RESYNC_MILLIS} ms. Resolution: an instance hosted in this process is
 * returned as the object itself; a remote one as a gRPC client of the same interface (cached per
 * endpoint, each call with the {@link ClusterOptions#rpcTimeout()} deadline). A remote failure
 * arrives as the {@link StoaException} the remote instance failed with; an unreachable endpoint
 * as UNAVAILABLE. {@link #writer()} and {@link #reader()} without a local instance return a
 * late-bound object that picks an announced instance per call (round robin), failing
 * UNAVAILABLE while none is announced: keep it. Do not keep what {@link #state} and
 * {@link #gateway} return; ask again per use.
 *
 * <p>Start after the {@link ClusterNode}, stop before it. Thread-safe.
 */
public final class ClusterDirectory implements ServiceDirectory, Lifecycle {
  public static final String MAP_NAME = "stoa.services";
  public static final long RESYNC_MILLIS = 5_000;
  private static final Logger LOG = Logger.getLogger(ClusterDirectory.class.getName());

  private record Hosted(String instanceId, Object service, Announcement announcement) {}

  private final Vertx vertx;
  private final ClusterNode node;
  private final ClusterOptions options;
  private final NodeOptions nodeOptions;
  private final Map<Role, Hosted> hosted = new ConcurrentHashMap<>();
  private final AnnouncementCache cache = new AnnouncementCache(System::nanoTime);
  private final Map<String, RemoteBindings> remotes = new ConcurrentHashMap<>();
  private final AtomicInteger rotation = new AtomicInteger();
  private final Writer anyWriter = LateBound.writer(this::resolveWriter);
  private final Reader anyReader = LateBound.reader(this::resolveReader);
  private final Index anyIndex = LateBound.index(this::resolveIndex);

  private volatile boolean running;
  private HazelcastInstance hazelcast;
  private IMap<String, String> services;
  private volatile HttpServer httpServer;
  private volatile GrpcCalls calls;
  private UUID entryListenerId;
  private UUID membershipListenerId;
  private volatile long resyncTimer = -1;

  public ClusterDirectory(Vertx vertx, ClusterNode node, ClusterOptions options, NodeOptions nodeOptions) {
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
    GrpcServer grpc = GrpcServer.server(vertx, new GrpcServerOptions()
        .removeEnabledProtocol(GrpcProtocol.TRANSCODING)
        .removeEnabledProtocol(GrpcProtocol.WEB)
        .removeEnabledProtocol(GrpcProtocol.WEB_TEXT));
    HostedServices.all(this::hostedService).forEach(grpc::addService);
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
    for (Map.Entry<Role, Hosted> e : hosted.entrySet()) {
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
  public Future<Void> register(Role role, String instanceId, Object service) {
    if (!running) {
      return Future.failedFuture(new IllegalStateException("service directory not started (register "
          + role + " '" + instanceId + "')"));
    }
    try {
      Ids.requireId("instanceId", instanceId);
    } catch (StoaException e) {
      return Future.failedFuture(e);
    }
    Class<?> type = typeOf(role);
    if (!type.isInstance(service)) {
      return Future.failedFuture(new IllegalArgumentException(role + " instance '" + instanceId + "' must implement "
          + type.getName() + ", got " + (service == null ? "null" : service.getClass().getName())));
    }
    Announcement a = new Announcement(role, instanceId, nodeOptions.internalHost(), grpcPort(),
        hazelcast.getCluster().getLocalMember().getUuid());
    Hosted mine = new Hosted(instanceId, service, a);
    Hosted other = hosted.compute(role, (r, prev) -> prev == null || prev.instanceId().equals(instanceId) ? mine : prev);
    if (other != mine) {
      return Future.failedFuture(new IllegalStateException("this process already hosts " + role + " '"
          + other.instanceId() + "'; it can host one instance per role, so '" + instanceId + "' was not registered"));
    }
    cache.put(a.key(), a.value());
    return HazelcastFutures.adapt(vertx, () -> "service directory: announce " + a.key(), services.setAsync(a.key(), a.value()))
        .onFailure(err -> hosted.remove(role, mine));
  }

  @Override
  public Future<Void> unregister(Role role, String instanceId) {
    Hosted h = hosted.get(role);
    if (h == null || !h.instanceId().equals(instanceId) || !hosted.remove(role, h)) {
      return Future.succeededFuture();
    }
    cache.remove(h.announcement().key());
    return withdraw(h.announcement());
  }

  @Override
  public Writer writer() {
    Hosted h = hosted.get(Role.WRITER);
    return h != null ? (Writer) h.service() : anyWriter;
  }

  @Override
  public boolean writerInProcess() {
    return hosted.get(Role.WRITER) != null;
  }

  @Override
  public Reader reader() {
    Hosted h = hosted.get(Role.READER);
    return h != null ? (Reader) h.service() : anyReader;
  }

  @Override
  public Index index() {
    Hosted h = hosted.get(Role.INDEX);
    return h != null ? (Index) h.service() : anyIndex;
  }

  @Override
  public Optional<Rooms> rooms(String stateServerId) {
    return find(Role.ROOMS, stateServerId, Rooms.class, RemoteBindings::rooms);
  }

  @Override
  public Optional<State> state(String stateServerId) {
    return find(Role.STATE, stateServerId, State.class, RemoteBindings::state);
  }

  @Override
  public Optional<Gateway> gateway(String gatewayId) {
    return find(Role.GATEWAY, gatewayId, Gateway.class, RemoteBindings::gateway);
  }

  @Override
  public Optional<String> incarnation(Role role, String instanceId) {
    Hosted h = hosted.get(role);
    if (h != null && h.instanceId().equals(instanceId)) {
      return running ? Optional.of(hazelcast.getCluster().getLocalMember().getUuid().toString()) : Optional.empty();
    }
    return liveAnnouncement(role, instanceId).map(a -> a.member().toString());
  }

  @Override
  public Optional<String> pickStateServer(long connId) {
    Hosted h = hosted.get(Role.STATE);
    if (h != null) {
      return Optional.of(h.instanceId());
    }
    List<Announcement> live = live(Role.STATE);
    if (live.isEmpty()) {
      return Optional.empty();
    }
    int spread = (int) ((connId * 0x9E3779B97F4A7C15L) >>> 32);
    return Optional.of(live.get(Math.floorMod(spread, live.size())).instanceId());
  }

  @Override
  public List<String> announced(Role role) {
    Set<String> ids = new HashSet<>();
    live(role).forEach(a -> ids.add(a.instanceId()));
    Hosted h = hosted.get(role);
    if (h != null) {
      ids.add(h.instanceId());
    }
    return ids.stream().sorted().toList();
  }

  private Writer resolveWriter() {
    Hosted h = hosted.get(Role.WRITER);
    return h != null ? (Writer) h.service() : remote(pickAny(Role.WRITER)).writer();
  }

  private Reader resolveReader() {
    Hosted h = hosted.get(Role.READER);
    return h != null ? (Reader) h.service() : remote(pickAny(Role.READER)).reader();
  }

  private Index resolveIndex() {
    Hosted h = hosted.get(Role.INDEX);
    return h != null ? (Index) h.service() : remote(pickAny(Role.INDEX)).index();
  }

  private Announcement pickAny(Role role) {
    List<Announcement> live = live(role);
    if (live.isEmpty()) {
      throw new StoaException(Code.UNAVAILABLE, "no " + role.name().toLowerCase(Locale.ROOT)
          + " is announced in the cluster");
    }
    return live.get(Math.floorMod(rotation.getAndIncrement(), live.size()));
  }

  private <T> Optional<T> find(Role role, String instanceId, Class<T> type, Function<RemoteBindings, T> binding) {
    Hosted h = hosted.get(role);
    if (h != null && h.instanceId().equals(instanceId)) {
      return Optional.of(type.cast(h.service()));
    }
    return liveAnnouncement(role, instanceId).map(a -> binding.apply(remote(a)));
  }

  /** The announcement of {@code instanceId} of {@code role} if its member is in the cluster. */
  private Optional<Announcement> liveAnnouncement(Role role, String instanceId) {
    if (instanceId == null || !running) {
      return Optional.empty();
    }
    Announcement a = cache.get(Announcement.key(role, instanceId));
    return a == null || !liveMembers().contains(a.member()) ? Optional.empty() : Optional.of(a);
  }

  /** Announced instances of {@code role} whose member is in the cluster, by instance id. */
  private List<Announcement> live(Role role) {
    if (!running) {
      return List.of();
    }
    Set<UUID> members = liveMembers();
    return cache.all().stream()
        .filter(a -> a.role() == role && members.contains(a.member()))
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

  private RemoteBindings remote(Announcement a) {
    return remotes.computeIfAbsent(a.address(), addr -> new RemoteBindings(calls, a.host(), a.port()));
  }

  private Object hostedService(Role role) {
    Hosted h = hosted.get(role);
    return h == null ? null : h.service();
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
          remotes.keySet().retainAll(addresses);
        })
        .onFailure(err -> LOG.log(Level.FINE, err.getMessage(), err))
        .onComplete(ignored -> scheduleResync());
  }

  private static Class<?> typeOf(Role role) {
    return switch (role) {
      case WRITER -> Writer.class;
      case READER -> Reader.class;
      case STATE -> State.class;
      case GATEWAY -> Gateway.class;
      case INDEX -> Index.class;
      case ROOMS -> Rooms.class;
    };
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
