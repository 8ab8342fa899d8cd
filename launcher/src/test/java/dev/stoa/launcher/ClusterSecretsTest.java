package dev.stoa.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.common.config.ConfigException;
import dev.stoa.cluster.ClusterSecret;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterSecretsTest {
  static final List<String> ALONE = List.of();
  static final List<String> JOINING = List.of("10.0.0.2:5701");

  @TempDir
  Path dir;
  final ByteArrayOutputStream console = new ByteArrayOutputStream();
  final PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8);

  static String credential(ClusterSecret secret) {
    return secret.grpcCredential();
  }

  @Test
  void aNodeAloneGeneratesItsSecretOnceKeepsItOwnerOnlyAndDoesNotPrintIt() throws Exception {
    ClusterSecret first = ClusterSecrets.resolve("", "", dir, ALONE, out);
    Path file = dir.resolve(ClusterSecrets.FILE_NAME);
    String stored = Files.readString(file).strip();

    ClusterSecret again = ClusterSecrets.resolve("", "", dir, ALONE, out);

    assertThat(credential(again)).isEqualTo(credential(first)).isEqualTo(credential(ClusterSecret.of(stored)));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(console.toString(StandardCharsets.UTF_8)).contains(file.toString()).doesNotContain(stored);
  }

  @Test
  void aJoiningNodeWithoutASecretDoesNotStartAndIsToldWhatToSet() {
    assertThatThrownBy(() -> ClusterSecrets.resolve("", "", dir, JOINING, out))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("no cluster secret").hasMessageContaining("cluster.secret (environment STOA_CLUSTER_SECRET)")
        .hasMessageContaining("cluster.secret.file").hasMessageContaining(ClusterSecrets.FILE_NAME);
    assertThat(dir.resolve(ClusterSecrets.FILE_NAME)).doesNotExist();
  }

  @Test
  void aJoiningNodeTakesTheConfiguredSecretTheSharedFileOrOneCopiedIntoItsDataDirectory() throws Exception {
    ClusterSecret given = ClusterSecret.of("the-secret-of-this-cluster");
    Path shared = dir.resolve("shared.secret");
    Files.writeString(shared, "the-secret-of-this-cluster\n");

    assertThat(credential(ClusterSecrets.resolve("the-secret-of-this-cluster", "", dir, JOINING, out)))
        .isEqualTo(credential(given));
    assertThat(credential(ClusterSecrets.resolve("", shared.toString(), dir, JOINING, out)))
        .isEqualTo(credential(given));
    Files.copy(shared, dir.resolve(ClusterSecrets.FILE_NAME));
    assertThat(credential(ClusterSecrets.resolve("", "", dir, JOINING, out))).isEqualTo(credential(given));
  }

  @Test
  void badSecretsAreErrorsNamingTheirSourceNeverTheSecret() throws Exception {
    assertThatThrownBy(() -> ClusterSecrets.resolve("too-short", "", dir, ALONE, out))
        .hasMessageContaining("'cluster.secret'").hasMessageContaining("at least 16").hasMessageNotContaining("too-short");
    assertThatThrownBy(() -> ClusterSecrets.resolve("the-secret-of-this-cluster", "/x", dir, ALONE, out))
        .hasMessageContaining("both set");
    assertThatThrownBy(() -> ClusterSecrets.resolve("", dir.resolve("missing").toString(), dir, ALONE, out))
        .hasMessageContaining("'cluster.secret.file': no such file");
    Files.writeString(dir.resolve(ClusterSecrets.FILE_NAME), "two words and-more-than-16\n");
    assertThatThrownBy(() -> ClusterSecrets.resolve("", "", dir, ALONE, out))
        .hasMessageContaining(dir.resolve(ClusterSecrets.FILE_NAME) + " is damaged")
        .hasMessageNotContaining("and-more-than-16");
  }
}
