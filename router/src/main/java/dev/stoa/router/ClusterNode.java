package dev.stoa.router;

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
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * This process's embedded Hazelcast member (community edition; the CP subsystem is not used).
 *
 * <p>The member binds {@link NodeOptions#host()} on {@link RouterOptions#clusterPort()} or the next
 * free port after it, joins the members of {@link RouterOptions#clusterMembers()} over TCP/IP
 * (multicast and auto-detection off; an empty list means it runs alone), and neither phones home
 * nor installs a shutdown hook: {@link #stop()} shuts it down. Hazelcast logs through
 * {@code java.util.logging}. Start-up blocks, so it runs on a Vert.x worker thread.
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
  private final RouterOptions options;
  private final NodeOptions node;
  private volatile HazelcastInstance hazelcast;
  private volatile FlakeIdGenerator flakeIds;

  public ClusterNode(Vertx vertx, RouterOptions options, NodeOptions node) {
    this.vertx = vertx;
    this.options = options;
    this.node = node;
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
    config.setClusterName(options.clusterName());
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.setProperty("hazelcast.logging.type", "jdk");
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
    String ip = InetAddress.getByName(node.host()).getHostAddress();
    network.getInterfaces().setEnabled(true).setInterfaces(List.of(ip));

    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    // TCP/IP join stays enabled with an empty list: the member then joins nobody but is still
    // joinable by members that list it (Hazelcast rejects joins between different join methods).
    join.getTcpIpConfig().setEnabled(true).setMembers(options.clusterMembers()).setConnectionTimeoutSeconds(2);
    return config;
  }
}
