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
 * {@code stoa standalone} in a child JVM, started with the launcher's real entry point and JVM
 * flags, so a test can kill it with SIGKILL and start it again on the same data directory.
 */
final class ChildNode implements AutoCloseable {
  final Path dataDir;
  final int httpPort;
  final String clusterName = "stoa-child-" + UUID.randomUUID();
  private final Path log;
  private Process process;

  ChildNode(Path dataDir) throws IOException {
    this.dataDir = dataDir;
    this.httpPort = freePort();
    this.log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
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
    cmd.add("standalone");
    cmd.add("--data.dir=" + dataDir);
    cmd.add("--http.port=" + httpPort);
    cmd.add("--tcp.port=" + freePort());
    cmd.add("--admin.secret=" + TestNode.ADMIN_SECRET);
    cmd.add("--cluster.name=" + clusterName);
    process = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("stoa standalone exited with " + process.exitValue() + "; log:\n" + Files.readString(log));
      }
      try {
        if (TestNode.http(vertx, httpPort, HttpMethod.GET, "/health", null, null).status() == 200) {
          return;
        }
      } catch (AssertionError notYet) {
        // not listening yet
      }
      sleep(250);
    }
    throw new AssertionError("stoa standalone not healthy within 90 s; log:\n" + Files.readString(log));
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

  private static void sleep(long millis) {
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
