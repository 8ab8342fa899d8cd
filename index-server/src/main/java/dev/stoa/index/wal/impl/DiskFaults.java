package dev.stoa.index.wal.impl;

import java.io.IOException;
import java.nio.file.Path;

/** Test seam: runs before each force of a log file, and may throw to simulate a failing disk. */
@FunctionalInterface
public interface DiskFaults {
  DiskFaults NONE = file -> {};

  void beforeForce(Path file) throws IOException;
}
