package dev.stoa.cluster.impl;

import dev.stoa.common.CallerContext;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.StatusException;
import java.util.List;
import java.util.function.Supplier;

/**
 * The gRPC side of one service on this process's endpoint: each declared call is served by
 * forwarding it to the instance hosted here now (looked up per call, so registering and
 * withdrawing needs no rebinding). No hosted instance answers UNAVAILABLE; a failure of the
 * instance is answered with its {@code StoaException} code and message ({@link GrpcErrors}); the
 * answer is written from the context of the request. Thread-safe.
 */
public final class ServiceHost {
  private final String name;
  private final Supplier<Object> hosted;

  /**
   * @param name the service's name, for messages
   * @param hosted the instance hosted here now, or null
   */
  public ServiceHost(String name, Supplier<Object> hosted) {
    this.name = name;
    this.hosted = hosted;
  }

  /** Serves {@code calls} on {@code server}. */
  public void bind(GrpcServer server, List<? extends Unary<?, ?, ?>> calls) {
    for (Unary<?, ?, ?> call : calls) {
      bindOne(server, call);
    }
  }

  private <Req, Resp> void bindOne(GrpcServer server, Unary<?, Req, Resp> call) {
    server.callHandler(call.server(), request -> request.handler(message -> answer(request, call, message)));
  }

  @SuppressWarnings("unchecked")
  private <Req, Resp> void answer(GrpcServerRequest<Req, Resp> request, Unary<?, Req, Resp> call, Req message) {
    forward(call, message).onComplete(ar -> {
      if (ar.succeeded()) {
        request.response().end(ar.result());
      } else {
        request.response().fail(ar.cause());
      }
    });
  }

  private <Req, Resp> Future<Resp> forward(Unary<?, Req, Resp> call, Req message) {
    String what = name + " hosted here";
    Object target = hosted.get();
    if (target == null) {
      return Future.failedFuture(new StatusException(GrpcStatus.UNAVAILABLE,
          "no " + name + " is hosted at this endpoint any more"));
    }
    Context caller = Vertx.currentContext();
    return CallerContext.completeOn(caller, call.invokeOn(target, message))
        .recover(err -> Future.failedFuture(GrpcErrors.toStatusException(what, err)));
  }
}
