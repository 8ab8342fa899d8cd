package dev.stoa.launcher;

import dev.stoa.common.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A secret kept in a file of one line: read back as one token (surrounding whitespace stripped),
 * or created with 32 random bytes in URL-safe base64, written to a temporary file with
 * owner-only permissions, fsynced and renamed into place, so a crash never leaves half a secret.
 * A file that is empty, too short or has whitespace inside is an error naming it, never silently
 * replaced. Stateless.
 */
final class SecretFile {
  private SecretFile() {}

  /** The token stored in {@code file}; {@code what} names the secret in the error. */
  static String read(Path file, String what, int minLength) {
    String stored;
    try {
      stored = Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new ConfigException("cannot read the " + what + " in " + file + ": " + e.getMessage(), e);
    }
    if (stored.length() < minLength || stored.chars().anyMatch(Character::isWhitespace)) {
      throw new ConfigException(what + " file " + file + " is damaged (expected one token of at least "
          + minLength + " characters); fix it or remove it to generate a new secret");
    }
    return stored;
  }

  /** Creates {@code file} (and its directory) holding a new random token, and returns the token. */
  static String create(Path file, String what) {
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(tmp, secret + "\n", StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE,
          StandardOpenOption.SYNC);
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException ignored) {
        // not a POSIX file system: the file keeps the default permissions
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new ConfigException("cannot create the " + what + " in " + file + ": " + e.getMessage(), e);
    }
    return secret;
  }
}
