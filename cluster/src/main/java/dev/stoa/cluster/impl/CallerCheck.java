package dev.stoa.cluster.impl;

import dev.stoa.common.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.grpc.common.GrpcStatus;

/**
 * The one door of the internal gRPC endpoint: every HTTP request reaches the gRPC server only if
 * its header {@value #HEADER} equals the cluster's credential
 * ({@link dev.stoa.cluster.ClusterSecret#grpcCredential()}), compared in constant time. A request
 * without it, or with another value, is answered with gRPC status UNAUTHENTICATED (a
 * trailers-only response that also carries {@value #REFUSED_HEADER}, so the calling node can tell
 * this refusal from an UNAUTHENTICATED answer of a service), is counted in
 * {@code stoa_router_grpc_unauthenticated_total{reason=missing|wrong}} and reaches no service.
 * The check allocates nothing. Thread-safe; runs on the event loop of the connection.
 */
public final class CallerCheck implements Handler<HttpServerRequest> {
  public static final String HEADER = "stoa-cluster-credential";
  public static final String REFUSED_HEADER = "stoa-refused";
  static final CharSequence HEADER_NAME = HttpHeaders.createOptimized(HEADER);
  private static final String STATUS = Integer.toString(GrpcStatus.UNAUTHENTICATED.code);

  private final String credential;
  private final Handler<HttpServerRequest> next;
  private final Counter missing;
  private final Counter wrong;

  public CallerCheck(String credential, Handler<HttpServerRequest> next) {
    if (credential == null || credential.isEmpty()) {
      throw new IllegalArgumentException("credential: must not be empty");
    }
    this.credential = credential;
    this.next = next;
    this.missing = counter("missing");
    this.wrong = counter("wrong");
  }

  private static Counter counter(String reason) {
    return Counter.builder("stoa_router_grpc_unauthenticated").tag("reason", reason)
        .description("internal gRPC calls refused for a missing or wrong cluster credential")
        .register(Metrics.registry());
  }

  @Override
  public void handle(HttpServerRequest request) {
    String presented = request.getHeader(HEADER_NAME);
    if (presented == null) {
      missing.increment();
      refuse(request, "internal gRPC call refused: it carries no cluster credential (header " + HEADER + ")");
    } else if (!constantTimeEquals(credential, presented)) {
      wrong.increment();
      refuse(request, "internal gRPC call refused: wrong cluster credential; every node of a cluster needs the"
          + " same cluster secret");
    } else {
      next.handle(request);
    }
  }

  private static void refuse(HttpServerRequest request, String message) {
    MultiMap headers = request.response().headers();
    headers.set(HttpHeaders.CONTENT_TYPE, "application/grpc");
    headers.set("grpc-status", STATUS);
    headers.set("grpc-message", message);
    headers.set(REFUSED_HEADER, "cluster-credential");
    request.response().setStatusCode(200).end();
  }

  /** Equality whose time depends on the lengths only, never on where the strings differ. */
  static boolean constantTimeEquals(String expected, String presented) {
    int n = expected.length();
    int diff = n ^ presented.length();
    for (int i = 0; i < n; i++) {
      char p = i < presented.length() ? presented.charAt(i) : 0;
      diff |= expected.charAt(i) ^ p;
    }
    return diff == 0;
  }
}
