package dev.stoa.bench.wal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Scratch directories of the WAL benchmarks: under {@code -Dwal.bench.dir} (default: the temp dir). */
final class BenchDirs {
  /** Held so that the level sticks: the WAL logs every open at INFO, which would clutter JMH's output. */
  private static final java.util.logging.Logger WAL_LOG = java.util.logging.Logger.getLogger("dev.stoa.index.wal");

  static {
    WAL_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  private BenchDirs() {}

  static Path create(String prefix) {
    try {
      Path root = Path.of(System.getProperty("wal.bench.dir", System.getProperty("java.io.tmpdir")));
      Files.createDirectories(root);
      return Files.createTempDirectory(root, prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void delete(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
