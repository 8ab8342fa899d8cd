package dev.stoa.cluster;

import dev.stoa.common.config.NodeOptions;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Real Hazelcast members on 127.0.0.1 in this JVM, each with its own Vertx, in a cluster of a
 * random name and a random secret (so a member of another test run on this machine can never join
 * it).
 */
public final class TestCluster implements AutoCloseable {
  public record Member(Vertx vertx, ClusterNode node, ClusterOptions options, NodeOptions nodeOptions) {}

  private final String name = "stoa-test-" + UUID.randomUUID();
  private final ClusterSecret secret = ClusterSecret.of("test-secret-" + UUID.randomUUID());
  private final List<Member> members = new ArrayList<>();
  private String seed;

  private TestCluster() {}

  public static TestCluster start(int size) throws Exception {
    TestCluster cluster = new TestCluster();
    for (int i = 0; i < size; i++) {
      cluster.add();
    }
    return cluster;
  }

  public static NodeOptions nodeOptions(String id) {
    return new NodeOptions(Path.of("data"), "127.0.0.1", "127.0.0.1", "", id);
  }

  /** The secret of this cluster's members. */
  public ClusterSecret secret() {
    return secret;
  }

  /** The label of this cluster ({@code cluster.name}). */
  public String name() {
    return name;
  }

  /** {@code 127.0.0.1:<port>} of the first member, which every later member joins. */
  public String seed() {
    return seed;
  }

  /** Starts one more member that joins the first one. */
  public Member add() throws Exception {
    int port = freePort();
    List<String> join = seed == null ? List.of() : List.of(seed);
    ClusterOptions options = ClusterOptions.defaults().withClusterName(name).withClusterPort(port)
        .withClusterMembers(join).withRpcTimeout(Duration.ofSeconds(10));
    Vertx vertx = Vertx.vertx();
    NodeOptions nodeOptions = nodeOptions("m" + members.size());
    ClusterNode node = new ClusterNode(vertx, options, nodeOptions, secret);
    node.start().await(60, TimeUnit.SECONDS);
    if (seed == null) {
      seed = "127.0.0.1:" + node.hazelcast().getCluster().getLocalMember().getAddress().getPort();
    }
    Member member = new Member(vertx, node, options, nodeOptions);
    members.add(member);
    return member;
  }

  public Member member(int i) {
    return members.get(i);
  }

  /** Stops one member's Hazelcast and Vertx (a graceful leave). */
  public void stop(Member member) throws Exception {
    if (members.remove(member)) {
      member.node().stop().await(60, TimeUnit.SECONDS);
      member.vertx().close().await(30, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() throws Exception {
    for (Member member : List.copyOf(members).reversed()) {
      stop(member);
    }
  }

  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
