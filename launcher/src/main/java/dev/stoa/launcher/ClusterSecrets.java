package dev.stoa.launcher;

import dev.stoa.common.config.ConfigException;
import dev.stoa.cluster.ClusterSecret;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a node's {@link ClusterSecret} comes from, first match wins:
 *
 * <ol>
 *   <li>{@code cluster.secret}, the value itself (for example from {@code STOA_CLUSTER_SECRET});
 *   <li>{@code cluster.secret.file}, a file holding it (for example on a volume every node
 *       mounts); it must exist;
 *   <li>{@code <data.dir>/cluster.secret}, stored by an earlier start or copied there from
 *       another node;
 *   <li>only when {@code cluster.members} is empty (a standalone node, or the first node that
 *       others will join): a new random secret, stored in {@code <data.dir>/cluster.secret}. Its
 *       file is named on the console, the secret is not printed.
 * </ol>
 *
 * A node that joins others ({@code cluster.members} set) and has none of 1-3 does not start: it
 * would have to invent a secret no other member has. Setting both keys is an error, as is a
 * secret shorter than {@value ClusterSecret#MIN_LENGTH} characters; messages name the key or the
 * file and never contain the secret. Stateless.
 */
final class ClusterSecrets {
  static final String FILE_NAME = "cluster.secret";

  private ClusterSecrets() {}

  static ClusterSecret resolve(String configured, String configuredFile, Path dataDir, List<String> clusterMembers,
      PrintStream announce) {
    if (!configured.isEmpty() && !configuredFile.isEmpty()) {
      throw new ConfigException("config keys 'cluster.secret' and 'cluster.secret.file' are both set: set one");
    }
    if (!configured.isEmpty()) {
      return parse(configured, "config key 'cluster.secret'");
    }
    if (!configuredFile.isEmpty()) {
      Path file = Path.of(configuredFile);
      if (!Files.isRegularFile(file)) {
        throw new ConfigException("config key 'cluster.secret.file': no such file " + file.toAbsolutePath());
      }
      return parse(SecretFile.read(file, "cluster secret", ClusterSecret.MIN_LENGTH), "cluster secret file " + file);
    }
    Path stored = dataDir.resolve(FILE_NAME);
    if (Files.exists(stored)) {
      return parse(SecretFile.read(stored, "cluster secret", ClusterSecret.MIN_LENGTH), "cluster secret file " + stored);
    }
    if (!clusterMembers.isEmpty()) {
      throw new ConfigException("no cluster secret: this node joins cluster.members " + clusterMembers
          + ", so it needs the secret the other members have. Give every node of the cluster the same one:"
          + " set cluster.secret (environment STOA_CLUSTER_SECRET) or cluster.secret.file, or copy a member's"
          + " <data.dir>/" + FILE_NAME + " to " + stored.toAbsolutePath());
    }
    String secret = SecretFile.create(stored, "cluster secret");
    announce.println("stoa: generated a cluster secret in " + stored + "; a node that joins this one needs the same"
        + " secret (copy the file into its data directory, or set cluster.secret.file or cluster.secret)");
    return parse(secret, "cluster secret file " + stored);
  }

  private static ClusterSecret parse(String secret, String source) {
    try {
      return ClusterSecret.of(secret);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(source + ": " + e.getMessage(), e);
    }
  }
}
