package dev.stoa.cluster.impl;

import dev.stoa.common.StoaException;
import dev.stoa.proto.client.Code;
import io.vertx.core.Future;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Unary gRPC calls through one shared {@link GrpcClient} (connections pooled per address), each
 * with a deadline and the cluster credential in the header {@value CallerCheck#HEADER}; failures
 * are mapped by {@link GrpcErrors} so the caller sees the {@code StoaException} the remote
 * service failed with. A refusal of the credential itself (the remote node has another cluster
 * secret) is INTERNAL, naming the endpoint, never the UNAUTHENTICATED a client would take for its
 * own token. The generated {@code XGrpcClient}s would drop the status message, hence these few
 * lines; they use the generated method descriptors. Thread-safe.
 */
public final class GrpcCalls {
  private final GrpcClient client;
  private final long timeoutMillis;
  private final String credential;

  public GrpcCalls(GrpcClient client, Duration timeout, String credential) {
    this.client = client;
    this.timeoutMillis = timeout.toMillis();
    this.credential = credential;
  }

  public <Req, Resp> Future<Resp> unary(SocketAddress address, String what, ServiceMethod<Resp, Req> method,
      Req request) {
    return client.request(address, method)
        .compose(req -> {
          req.headers().set(CallerCheck.HEADER_NAME, credential);
          req.timeout(timeoutMillis, TimeUnit.MILLISECONDS);
          return req.send(request);
        })
        .compose(resp -> resp.last().recover(err -> {
          GrpcStatus status = resp.status();
          if (status == GrpcStatus.UNAUTHENTICATED && resp.headers().contains(CallerCheck.REFUSED_HEADER)) {
            return Future.failedFuture(new StoaException(Code.INTERNAL, what + " refused this node's cluster"
                + " credential: every node of the cluster must be given the same cluster secret"));
          }
          if (status != null && status != GrpcStatus.OK) {
            return Future.failedFuture(GrpcErrors.fromStatus(what, status, resp.statusMessage()));
          }
          return Future.failedFuture(err);
        }))
        .recover(err -> Future.failedFuture(GrpcErrors.transport(what, err)));
  }

  /** {@link #unary} for a declared call whose request is known only as an Object (the binding's proxy). */
  @SuppressWarnings("unchecked")
  public <Req, Resp> Future<Resp> call(SocketAddress address, String what, Unary<?, Req, Resp> call, Object request) {
    return unary(address, what, call.client(), (Req) request);
  }

  public Future<Void> close() {
    return client.close();
  }
}
