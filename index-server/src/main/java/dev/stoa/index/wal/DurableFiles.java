package dev.stoa.index.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The two steps that make small files of a shard directory crash-safe: replacing a file's whole
 * contents atomically, and making a directory's renames, creations and deletions durable.
 * Stateless.
 */
public final class DurableFiles {
  private DurableFiles() {}

  /**
   * Replaces {@code dir/name} with {@code contents} (from its position to its limit) so that after
   * a crash at any point the file holds either its old or its new contents, whole: the bytes go
   * to {@code dir/tempName} and are forced, the temp file is renamed over {@code name}
   * (ATOMIC_MOVE), and the directory is forced.
   */
  public static void replace(Path dir, String name, String tempName, ByteBuffer contents) throws IOException {
    Path tmp = dir.resolve(tempName);
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      while (contents.hasRemaining()) {
        ch.write(contents);
      }
      ch.force(true);
    }
    Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    fsyncDirectory(dir);
  }

  /** Makes renames, creations and deletions in {@code dir} durable (Linux, macOS). */
  public static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
  }
}
