package dev.stoa.router.impl;

import io.vertx.core.Future;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Unary gRPC calls through one shared {@link GrpcClient} (connections pooled per address), each
 * with a deadline; failures are mapped by {@link GrpcErrors} so the caller sees the
 * {@code StoaException} the remote service failed with. The generated {@code XGrpcClient}s would
 * drop the status message, hence these few lines; they use the generated method descriptors.
 * Thread-safe.
 */
public final class GrpcCalls {
  private final GrpcClient client;
  private final long timeoutMillis;

  public GrpcCalls(GrpcClient client, Duration timeout) {
    this.client = client;
    this.timeoutMillis = timeout.toMillis();
  }

  public <Req, Resp> Future<Resp> unary(SocketAddress address, String what, ServiceMethod<Resp, Req> method,
      Req request) {
    return client.request(address, method)
        .compose(req -> {
          req.timeout(timeoutMillis, TimeUnit.MILLISECONDS);
          return req.send(request);
        })
        .compose(resp -> resp.last().recover(err -> {
          GrpcStatus status = resp.status();
          if (status != null && status != GrpcStatus.OK) {
            return Future.failedFuture(GrpcErrors.fromStatus(what, status, resp.statusMessage()));
          }
          return Future.failedFuture(err);
        }))
        .recover(err -> Future.failedFuture(GrpcErrors.transport(what, err)));
  }

  public Future<Void> close() {
    return client.close();
  }
}
