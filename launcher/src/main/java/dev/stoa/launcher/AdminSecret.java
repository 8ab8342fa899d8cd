package dev.stoa.launcher;

import dev.stoa.common.config.ConfigException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The admin bearer secret of a node (DESIGN.md §5): the configured {@code admin.secret} when set;
 * else the one stored in {@code <data.dir>/admin.secret}; else a new random one, written there
 * (owner-only permissions, fsynced) and printed once. A stored file that is empty or has
 * whitespace inside is an error naming the file, never silently replaced.
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
    try {
      if (Files.exists(file)) {
        String stored = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (stored.length() < MIN_LENGTH || stored.chars().anyMatch(Character::isWhitespace)) {
          throw new ConfigException("admin secret file " + file + " is damaged (expected one token of at least "
              + MIN_LENGTH + " characters); fix it or remove it to generate a new secret");
        }
        return stored;
      }
      Files.createDirectories(dataDir);
      byte[] random = new byte[32];
      new SecureRandom().nextBytes(random);
      String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
      Path tmp = dataDir.resolve(FILE_NAME + ".tmp");
      Files.writeString(tmp, secret + "\n", StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE,
          StandardOpenOption.SYNC);
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException ignored) {
        // not a POSIX file system: the file keeps the default permissions
      }
      Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      announce.println("stoa: generated an admin secret (stored in " + file + "): " + secret);
      return secret;
    } catch (IOException e) {
      throw new ConfigException("cannot read or create the admin secret in " + file + ": " + e.getMessage(), e);
    }
  }
}
