package dev.stoa.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.FlakeIdGeneratorConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.flakeidgen.FlakeIdGenerator;
import dev.stoa.common.Lifecycle;
import dev.stoa.common.config.NodeOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * This process's embedded Hazelcast member (community edition; the CP subsystem is not used).
 *
 * <p>The member binds the internal address {@link NodeOptions#internalHost()} (never the
 * client-facing {@link NodeOptions#host()}) on {@link ClusterOptions#clusterPort()} or the next
 * free port after it, joins the members of {@link ClusterOptions#clusterMembers()} over TCP/IP
 * (multicast and auto-detection off; an empty list means it runs alone), and neither phones home
 * nor installs a shutdown hook: {@link #stop()} shuts it down. Its Hazelcast cluster name is
 * derived from the cluster label and the {@link ClusterSecret}, so only members given the same
 * secret join. A loopback internal address with a non-loopback address in the member list fails
 * the start, naming both. Hazelcast logs through {@code java.util.logging}, without the
 * per-line prefix that would print the cluster name. Start-up blocks, so it runs on a Vert.x
 * worker thread.
 *
 * <p>{@link #msgIds()} draws from the Flake id generator {@value #MSG_ID_GENERATOR}: positive,
 * cluster-unique, time-ordered longs (strictly increasing for one caller of one member).
 *
 * <p>{@link #start()} and {@link #stop()} are called once each; the accessors are thread-safe
 * after start.
 */
public final class ClusterNode implements Lifecycle {
  public static final String MSG_ID_GENERATOR = "stoa.msgId";
  private static final Logger LOG = Logger.getLogger(ClusterNode.class.getName());

  private final Vertx vertx;
  private final ClusterOptions options;
  private final NodeOptions node;
  private final ClusterSecret secret;
  private volatile HazelcastInstance hazelcast;
  private volatile FlakeIdGenerator flakeIds;

  public ClusterNode(Vertx vertx, ClusterOptions options, NodeOptions node, ClusterSecret secret) {
    this.vertx = vertx;
    this.options = options;
    this.node = node;
    this.secret = Objects.requireNonNull(secret, "a cluster node needs the cluster secret");
  }

  @Override
  public Future<Void> start() {
    if (hazelcast != null) {
      return Future.failedFuture(new IllegalStateException("cluster node already started"));
    }
    return vertx.executeBlocking(() -> {
      long began = System.nanoTime();
      HazelcastInstance hz = Hazelcast.newHazelcastInstance(config());
      flakeIds = hz.getFlakeIdGenerator(MSG_ID_GENERATOR);
      hazelcast = hz;
      LOG.info(() -> "cluster member " + hz.getCluster().getLocalMember() + " of '" + options.clusterName()
          + "' up in " + (System.nanoTime() - began) / 1_000_000 + " ms; members: "
          + hz.getCluster().getMembers().size());
      return null;
    }, false);
  }

  @Override
  public Future<Void> stop() {
    HazelcastInstance hz = hazelcast;
    if (hz == null) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> {
      hz.shutdown();
      return null;
    }, false);
  }

  /** The running member; throws IllegalStateException before {@link #start()} completes. */
  public HazelcastInstance hazelcast() {
    HazelcastInstance hz = hazelcast;
    if (hz == null) {
      throw new IllegalStateException("cluster node not started");
    }
    return hz;
  }

  /** The secret this member was started with (the directory derives the gRPC credential from it). */
  public ClusterSecret secret() {
    return secret;
  }

  /** Cluster-unique, time-ordered, positive message ids; throws before {@link #start()} completes. */
  public LongSupplier msgIds() {
    FlakeIdGenerator ids = flakeIds;
    if (ids == null) {
      throw new IllegalStateException("cluster node not started");
    }
    return ids::newId;
  }

  private Config config() throws Exception {
    Config config = new Config();
    config.setClusterName(secret.hazelcastClusterName(options.clusterName()));
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.setProperty("hazelcast.logging.type", "jdk");
    // the default prefix of every line is "[address] [cluster name] [version]"
    config.setProperty("hazelcast.logging.details.enabled", "false");
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.max.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.max.join.seconds", "30");
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", "15");
    config.setProperty("hazelcast.socket.bind.any", "false");
    if (!node.nodeId().isEmpty()) {
      config.getMemberAttributeConfig().setAttribute("stoa.node", node.nodeId());
    }

    // Connection ids are drawn on event loops and msgIds on the writer's commit thread: a larger
    // prefetch makes the (blocking) fetch of a new batch ten times rarer.
    config.addFlakeIdGeneratorConfig(new FlakeIdGeneratorConfig(MSG_ID_GENERATOR).setPrefetchCount(1000));

    NetworkConfig network = config.getNetworkConfig();
    network.setPort(options.clusterPort()).setPortAutoIncrement(true).setPortCount(100);
    InetAddress bind = InetAddress.getByName(node.internalHost());
    requireReachable(bind);
    network.getInterfaces().setEnabled(true).setInterfaces(List.of(bind.getHostAddress()));

    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    // TCP/IP join stays enabled with an empty list: the member then joins nobody but is still
    // joinable by members that list it (Hazelcast rejects joins between different join methods).
    join.getTcpIpConfig().setEnabled(true).setMembers(options.clusterMembers()).setConnectionTimeoutSeconds(2);
    return config;
  }

  private void requireReachable(InetAddress bind) {
    if (bind.isAnyLocalAddress()) {
      throw new IllegalStateException("internal.host '" + node.internalHost() + "' is a wildcard address: set it to"
          + " a specific private-network address of this machine, which peers can reach");
    }
    if (!bind.isLoopbackAddress()) {
      return;
    }
    for (String member : options.clusterMembers()) {
      InetAddress to;
      try {
        to = InetAddress.getByName(hostOf(member));
      } catch (java.net.UnknownHostException e) {
        continue; // Hazelcast reports an unresolvable member itself
      }
      if (!to.isLoopbackAddress()) {
        throw new IllegalStateException("cluster.members lists '" + member + "', another machine, but internal.host is"
            + " the loopback address '" + node.internalHost() + "', which no other machine can reach: set"
            + " internal.host to this machine's private-network address");
      }
    }
  }

  /** The host of {@code host}, {@code host:port}, {@code [v6]} or {@code [v6]:port}. */
  static String hostOf(String member) {
    if (member.startsWith("[")) {
      int end = member.indexOf(']');
      return end < 0 ? member : member.substring(1, end);
    }
    int colon = member.indexOf(':');
    return colon >= 0 && colon == member.lastIndexOf(':') ? member.substring(0, colon) : member;
  }
}
