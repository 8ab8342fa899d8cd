package dev.stoa.cluster;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret every node of one cluster shares, and the two values derived from it by
 * HMAC-SHA256 under fixed, distinct labels, so that neither reveals the other or the secret:
 *
 * <ul>
 *   <li>{@link #hazelcastClusterName(String)}: {@code <label>-<24 hex digits>}, the Hazelcast
 *       cluster name. Members of another cluster, or with the default name, are refused at join.
 *       Hazelcast sends it in clear in join messages: it keeps clusters apart, it does not
 *       authenticate a member (Hazelcast's member security is Enterprise-only), so the Hazelcast
 *       port stays on a private network.
 *   <li>{@link #grpcCredential()}: the bearer credential every internal gRPC call carries
 *       ({@link dev.stoa.cluster.impl.CallerCheck}). It is the same on every call: the internal
 *       channel is plaintext, so whoever can read its traffic reads the messages anyway, and a
 *       per-call MAC would cost an HMAC per call for no gain until the channel is encrypted.
 * </ul>
 *
 * <p>The secret is at least {@value #MIN_LENGTH} characters without whitespace, and its UTF-8
 * bytes are the HMAC key. {@link #toString()} never shows it. Immutable; thread-safe.
 */
public final class ClusterSecret {
  public static final int MIN_LENGTH = 16;
  private static final String NAME_LABEL = "stoa/hazelcast-cluster-name/v1\n";
  private static final String GRPC_LABEL = "stoa/internal-grpc-credential/v1";

  private final byte[] key;
  private final String grpcCredential;

  private ClusterSecret(byte[] key) {
    this.key = key;
    this.grpcCredential = Base64.getUrlEncoder().withoutPadding().encodeToString(hmac(GRPC_LABEL));
  }

  /**
   * The secret {@code secret}; throws IllegalArgumentException (without the value) when it is
   * shorter than {@value #MIN_LENGTH} characters or has whitespace.
   */
  public static ClusterSecret of(String secret) {
    if (secret == null || secret.length() < MIN_LENGTH) {
      throw new IllegalArgumentException("cluster secret: must be at least " + MIN_LENGTH + " characters, got "
          + (secret == null ? 0 : secret.length()));
    }
    if (secret.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("cluster secret: must not contain whitespace");
    }
    return new ClusterSecret(secret.getBytes(StandardCharsets.UTF_8));
  }

  /** The Hazelcast cluster name of the cluster labelled {@code label}: {@code <label>-<24 hex digits>}. */
  public String hazelcastClusterName(String label) {
    byte[] tag = hmac(NAME_LABEL + label);
    return label + "-" + HexFormat.of().formatHex(tag, 0, 12);
  }

  /** The credential of internal gRPC calls (43 characters of URL-safe base64). */
  public String grpcCredential() {
    return grpcCredential;
  }

  private byte[] hmac(String message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JDK", e);
    }
  }

  @Override
  public String toString() {
    return "ClusterSecret[hidden]";
  }
}
