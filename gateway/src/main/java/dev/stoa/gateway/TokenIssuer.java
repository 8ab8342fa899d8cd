package dev.stoa.gateway;

import dev.stoa.common.Ids;
import dev.stoa.common.StoaException;
import dev.stoa.proto.client.Code;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * User tokens: HS256 JWTs with the claims {@code sub} (user id), {@code did} (device id) and
 * {@code exp} (epoch seconds). The signing key is HMAC-SHA256 of the fixed label
 * {@value #KEY_LABEL} keyed with the admin secret, so the admin secret itself never signs a token
 * and every gateway sharing the secret accepts the tokens of the others. Expiry is checked
 * against the injected {@link Clock}. Every rejection is a {@link StoaException} with code
 * UNAUTHENTICATED and a message starting {@code token: }. Thread-safe.
 */
public final class TokenIssuer {
  static final String KEY_LABEL = "stoa/v1/user-token-signing-key";

  private final JWTAuth jwt;
  private final Clock clock;

  /** The issued token and when it stops being accepted (second precision). */
  public record IssuedToken(String token, Instant expiresAt) {}

  /** What a valid token says. */
  public record TokenClaims(String userId, String deviceId, Instant expiresAt) {}

  public TokenIssuer(Vertx vertx, String adminSecret, Clock clock) {
    if (adminSecret == null || adminSecret.isEmpty()) {
      throw new IllegalArgumentException("adminSecret: must not be empty");
    }
    this.clock = clock;
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(Buffer.buffer(signingKey(adminSecret))))
        .setJWTOptions(new JWTOptions().setAlgorithm("HS256").setIgnoreExpiration(true)));
  }

  static byte[] signingKey(String adminSecret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(adminSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal(KEY_LABEL.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /**
   * Issues a token for {@code (userId, deviceId)} valid for {@code ttl} from now.
   *
   * @throws StoaException BAD_REQUEST naming {@code userId}, {@code deviceId} or {@code ttlSeconds}
   */
  public IssuedToken issue(String userId, String deviceId, Duration ttl) {
    Ids.requireId("userId", userId);
    Ids.requireId("deviceId", deviceId);
    if (ttl == null || ttl.toSeconds() < 1) {
      throw StoaException.badRequest("ttlSeconds: must be >= 1, got " + (ttl == null ? "nothing" : ttl.toSeconds()));
    }
    long exp = clock.instant().getEpochSecond() + ttl.toSeconds();
    JsonObject claims = new JsonObject().put("sub", userId).put("did", deviceId).put("exp", exp);
    String token = jwt.generateToken(claims, new JWTOptions().setAlgorithm("HS256").setNoTimestamp(true));
    return new IssuedToken(token, Instant.ofEpochSecond(exp));
  }

  /** Checks signature, claims and expiry; fails with UNAUTHENTICATED naming what is wrong. */
  public Future<TokenClaims> verify(String token) {
    if (token == null || token.isEmpty()) {
      return Future.failedFuture(unauthenticated("token: is missing"));
    }
    return jwt.authenticate(new TokenCredentials(token))
        .recover(e -> Future.failedFuture(unauthenticated("token: invalid (" + e.getMessage() + ")")))
        .compose(user -> {
          // vertx-auth-jwt keeps the full payload under attributes.accessToken (exp is not in the principal)
          JsonObject claims = user.attributes().getJsonObject("accessToken", user.principal());
          Object sub = claims.getValue("sub");
          Object did = claims.getValue("did");
          Object exp = claims.getValue("exp");
          if (!(sub instanceof String userId) || !Ids.isValidId(userId)) {
            return Future.failedFuture(unauthenticated("token: claim 'sub' must be a user id"));
          }
          if (!(did instanceof String deviceId) || !Ids.isValidId(deviceId)) {
            return Future.failedFuture(unauthenticated("token: claim 'did' must be a device id"));
          }
          if (!(exp instanceof Number expSeconds)) {
            return Future.failedFuture(unauthenticated("token: claim 'exp' is missing"));
          }
          Instant expiresAt = Instant.ofEpochSecond(expSeconds.longValue());
          Instant now = clock.instant();
          if (!now.isBefore(expiresAt)) {
            return Future.failedFuture(unauthenticated("token: expired at " + expiresAt + " (now " + now + ")"));
          }
          return Future.succeededFuture(new TokenClaims(userId, deviceId, expiresAt));
        });
  }

  private static StoaException unauthenticated(String message) {
    return new StoaException(Code.UNAUTHENTICATED, message);
  }
}
