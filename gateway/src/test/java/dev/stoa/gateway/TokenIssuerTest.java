package dev.stoa.gateway;

import static dev.stoa.gateway.TestClients.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.common.StoaException;
import dev.stoa.proto.client.Code;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TokenIssuerTest {
  final Vertx vertx = Vertx.vertx();
  final Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
  final TokenIssuer issuer = new TokenIssuer(vertx, "s3cret", clock);

  @AfterEach
  void close() {
    await(vertx.close());
  }

  static StoaException failure(Future<?> f) {
    Throwable t = await(f.map(x -> (Throwable) null).otherwise(e -> e));
    assertThat(t).as("expected a failure").isInstanceOf(StoaException.class);
    return (StoaException) t;
  }

  @Test
  void anIssuedTokenVerifiesWithItsClaims() {
    TokenIssuer.IssuedToken issued = issuer.issue("alice", "web-1", Duration.ofSeconds(90));
    assertThat(issued.expiresAt()).isEqualTo(Instant.parse("2026-01-01T00:01:30Z"));
    TokenIssuer.TokenClaims claims = await(issuer.verify(issued.token()));
    assertThat(claims).isEqualTo(new TokenIssuer.TokenClaims("alice", "web-1", issued.expiresAt()));
    JsonObject payload = new JsonObject(new String(Base64.getUrlDecoder().decode(issued.token().split("\\.")[1])));
    assertThat(payload.fieldNames()).containsExactlyInAnyOrder("sub", "did", "exp");
  }

  @Test
  void expiryIsCheckedAgainstTheClock() {
    String token = issuer.issue("alice", "web-1", Duration.ofSeconds(60)).token();
    TokenIssuer later = new TokenIssuer(vertx, "s3cret", Clock.offset(clock, Duration.ofSeconds(60)));
    StoaException e = failure(later.verify(token));
    assertThat(e.code()).isEqualTo(Code.UNAUTHENTICATED);
    assertThat(e.getMessage()).startsWith("token: expired at 2026-01-01T00:01:00Z");
    assertThat(await(new TokenIssuer(vertx, "s3cret", Clock.offset(clock, Duration.ofSeconds(59))).verify(token))
        .userId()).isEqualTo("alice");
  }

  @Test
  void garbledMissingAndForeignTokensAreUnauthenticated() {
    String foreign = new TokenIssuer(vertx, "other", clock).issue("alice", "web-1", Duration.ofHours(1)).token();
    String token = issuer.issue("alice", "web-1", Duration.ofHours(1)).token();
    String tampered = token.substring(0, token.length() - 2) + (token.endsWith("A") ? "BB" : "AA");
    for (String bad : new String[] {"", null, "abc", "a.b.c", foreign, tampered}) {
      StoaException e = failure(issuer.verify(bad));
      assertThat(e.code()).as("%s", bad).isEqualTo(Code.UNAUTHENTICATED);
      assertThat(e.getMessage()).startsWith("token: ");
    }
  }

  @Test
  void theAdminSecretItselfDoesNotSignTokens() {
    JWTAuth raw = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(
        new PubSecKeyOptions().setAlgorithm("HS256").setBuffer("s3cret")));
    String forged = raw.generateToken(new JsonObject().put("sub", "alice").put("did", "d")
        .put("exp", clock.instant().getEpochSecond() + 3600), new JWTOptions().setAlgorithm("HS256"));
    assertThat(failure(issuer.verify(forged)).code()).isEqualTo(Code.UNAUTHENTICATED);
  }

  @Test
  void issueValidatesItsArguments() {
    assertThatThrownBy(() -> issuer.issue("a b", "d", Duration.ofSeconds(1))).hasMessageStartingWith("userId: ");
    assertThatThrownBy(() -> issuer.issue("a", "", Duration.ofSeconds(1))).hasMessageStartingWith("deviceId: ");
    assertThatThrownBy(() -> issuer.issue("a", "d", Duration.ZERO)).hasMessageStartingWith("ttlSeconds: ");
    assertThatThrownBy(() -> new TokenIssuer(vertx, "", clock)).hasMessageContaining("adminSecret");
  }
}
