package dev.stoa.cluster.impl;

import io.vertx.core.Future;
import io.vertx.grpc.common.ServiceMethod;
import java.util.function.BiFunction;

/**
 * One unary call of a service: the Java method of the service interface (by name), its gRPC
 * method on the server side and on the client side (the generated descriptors), and how to make
 * the call on an instance. A {@code notice} is a call whose callers do not wait on its answer
 * (they only log a failure): the bindings complete it on whatever thread answered instead of
 * bringing the answer back to the caller's context. Immutable.
 *
 * @param <T> the service interface
 * @param <Req> the request message
 * @param <Resp> the response message
 */
public record Unary<T, Req, Resp>(String javaName, ServiceMethod<Req, Resp> server, ServiceMethod<Resp, Req> client,
    BiFunction<T, Req, Future<Resp>> call, boolean notice) {

  /** The Java method name of a gRPC method: its name with the first letter lower-cased ({@code Send} → {@code send}). */
  public static String javaName(String grpcMethodName) {
    return Character.toLowerCase(grpcMethodName.charAt(0)) + grpcMethodName.substring(1);
  }

  /** Calls this method on {@code instance}; a throw becomes a failed future, a null answer too. */
  @SuppressWarnings("unchecked")
  public Future<Resp> invokeOn(Object instance, Object request) {
    Future<Resp> answer;
    try {
      answer = call.apply((T) instance, (Req) request);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return answer != null ? answer
        : Future.failedFuture(new IllegalStateException(javaName + " returned no future"));
  }
}
