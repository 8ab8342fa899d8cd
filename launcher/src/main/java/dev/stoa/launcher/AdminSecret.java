package dev.stoa.launcher;

import dev.stoa.common.config.ConfigException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The admin bearer secret of a node (DESIGN.md §5): the configured {@code admin.secret} when set;
 * else the one stored in {@code <data.dir>/admin.secret}; else a new random one, written there
 * ({@link SecretFile}: owner-only permissions, fsynced) and printed once. A stored file that is
 * empty or has whitespace inside is an error naming the file, never silently replaced.
 */
final class AdminSecret {
  static final String FILE_NAME = "admin.secret";
  static final int MIN_LENGTH = 16;

  private AdminSecret() {}

  static String resolve(String configured, Path dataDir, PrintStream announce) {
    if (!configured.isEmpty()) {
      if (configured.length() < MIN_LENGTH) {
        throw new ConfigException("config key 'admin.secret': must be at least " + MIN_LENGTH
            + " characters, got " + configured.length());
      }
      return configured;
    }
    Path file = dataDir.resolve(FILE_NAME);
    if (Files.exists(file)) {
      return SecretFile.read(file, "admin secret", MIN_LENGTH);
    }
    String secret = SecretFile.create(file, "admin secret");
    announce.println("stoa: generated an admin secret (stored in " + file + "): " + secret);
    return secret;
  }
}
