package dev.stoa.launcher;

import dev.stoa.common.config.ConfigException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.UUID;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The identity of a node: created once per data directory and kept, so that what a node names
 * after itself (the state server's Chronicle Map file {@code state/<id>-state.cmap} with its
 * pending pushes, the index and writer role ids) is found again after a restart or a
 * {@code kill -9}. {@code node.id}, when set, wins and is not stored. Otherwise the id is read from
 * {@code <data.dir>/node.id}, or generated ({@code node-} and 8 hex digits) and written there
 * atomically: a temporary file, fsync, rename, fsync of the directory, so a crash leaves either no
 * file or a whole one. A file that does not hold one id of 1-64 characters of
 * {@code [A-Za-z0-9_.-]} is an error naming it, never replaced. Stateless.
 */
final class NodeIdentity {
  static final String FILE = "node.id";
  private static final Logger LOG = Logger.getLogger(NodeIdentity.class.getName());
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  private NodeIdentity() {}

  /** The node id: {@code configured} when not empty, else the one kept in {@code dataDir}. */
  static String resolve(String configured, Path dataDir) {
    if (!configured.isEmpty()) {
      return configured;
    }
    Path file = dataDir.resolve(FILE);
    if (Files.exists(file)) {
      return read(file);
    }
    String id = "node-" + UUID.randomUUID().toString().substring(0, 8);
    write(file, id);
    LOG.info(() -> "node id " + id + " created in " + file + "; it is kept for this data directory");
    return id;
  }

  /**
   * Logs at WARNING, once per start, the state-server map files in {@code dataDir} that belong to
   * no id of this node (left by versions that took a new id at every start), with their sizes, so
   * an operator can remove them; nothing is deleted.
   */
  static void reportOrphanMaps(Path dataDir, String ownMapName) {
    Path dir = dataDir.resolve("state");
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> orphans = files.filter(f -> f.getFileName().toString().endsWith(".cmap"))
          .filter(f -> !f.getFileName().toString().equals(ownMapName)).sorted().toList();
      long bytes = 0;
      for (Path f : orphans) {
        bytes += Files.size(f);
      }
      if (!orphans.isEmpty()) {
        long total = bytes;
        LOG.warning(() -> orphans.size() + " state map file(s) in " + dir + " belong to no id of this node ("
            + total / (1024 * 1024) + " MiB; this node's is " + ownMapName + "): " + orphans.stream()
            .map(f -> f.getFileName().toString()).toList() + "; their pending pushes are not delivered, "
            + "remove them once no node uses them");
      }
    } catch (IOException e) {
      LOG.warning(() -> "cannot list " + dir + " for orphan state maps: " + e.getMessage());
    }
  }

  private static String read(Path file) {
    String id;
    try {
      id = Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new ConfigException("cannot read the node id in " + file + ": " + e.getMessage(), e);
    }
    if (!VALID.matcher(id).matches()) {
      throw new ConfigException("node id file " + file + " is damaged (expected one id of 1-64 characters of "
          + "[A-Za-z0-9_.-]); restore it, or set node.id to the id this data directory was used with");
    }
    return id;
  }

  private static void write(Path file, String id) {
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = file.resolveSibling(FILE + ".tmp");
    try {
      Files.createDirectories(dir);
      Files.writeString(tmp, id + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true);
      }
    } catch (IOException e) {
      throw new ConfigException("cannot create the node id file " + file + ": " + e.getMessage(), e);
    }
  }
}
