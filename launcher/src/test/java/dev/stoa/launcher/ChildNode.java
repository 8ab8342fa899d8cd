package dev.stoa.launcher;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A Stoa node in a child JVM, started with the launcher's real entry point and JVM flags, so a
 * test can kill it with SIGKILL and start it again on the same data directory: {@code stoa
 * standalone} (ready when {@code /health} answers), or {@code stoa run <roles>} with the given
 * flags (ready when it prints that it is up).
 */
final class ChildNode implements AutoCloseable {
  final Path dataDir;
  final int httpPort;
  final String clusterName = "stoa-child-" + UUID.randomUUID();
  private final Path log;
  private final List<String> command;
  private Process process;

  /** {@code stoa standalone} on its own cluster, HTTP on {@link #httpPort}. */
  ChildNode(Path dataDir) throws IOException {
    this.dataDir = dataDir;
    this.httpPort = freePort();
    this.log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
    this.command = List.of("standalone", "--http.port=" + httpPort, "--tcp.port=" + freePort(),
        "--cluster.name=" + clusterName);
  }

  /** {@code stoa run <roles> <flags>} (the flags name the cluster; no HTTP is assumed). */
  ChildNode(Path dataDir, String roles, List<String> flags) {
    this.dataDir = dataDir;
    this.httpPort = -1;
    this.log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
    List<String> cmd = new ArrayList<>(List.of("run", roles));
    cmd.addAll(flags);
    this.command = List.copyOf(cmd);
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  void start(Vertx vertx) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    String flags = System.getProperty("stoa.jvm.flags", "");
    for (String flag : flags.trim().split("\\s+")) {
      if (!flag.isEmpty()) {
        cmd.add(flag);
      }
    }
    cmd.add("-Xmx512m");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(StoaMain.class.getName());
    cmd.add(command.get(0));
    cmd.addAll(command.subList(1, command.size()));
    cmd.add("--data.dir=" + dataDir);
    cmd.add("--admin.secret=" + TestNode.ADMIN_SECRET);
    int upLinesBefore = upLines();
    process = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("stoa " + command.get(0) + " exited with " + process.exitValue() + "; log:\n"
            + Files.readString(log));
      }
      if (httpPort < 0 ? upLines() > upLinesBefore : healthy(vertx)) {
        return;
      }
      sleep(250);
    }
    throw new AssertionError("stoa " + command.get(0) + " not up within 90 s; log:\n" + Files.readString(log));
  }

  private boolean healthy(Vertx vertx) {
    try {
      return TestNode.http(vertx, httpPort, HttpMethod.GET, "/health", null, null).status() == 200;
    } catch (AssertionError notYet) {
      return false; // not listening yet
    }
  }

  /** How many times the log says a start finished. */
  private int upLines() throws IOException {
    if (!Files.exists(log)) {
      return 0;
    }
    try (java.util.stream.Stream<String> lines = Files.lines(log)) {
      return (int) lines.filter(l -> l.startsWith("stoa: node ") && l.contains(" up with roles ")).count();
    }
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM: the shutdown hook stops the node gracefully. */
  void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** Thread.sleep that fails the test when interrupted. */
  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      kill();
    }
  }
}
