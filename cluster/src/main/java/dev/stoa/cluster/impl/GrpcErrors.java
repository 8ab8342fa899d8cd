package dev.stoa.cluster.impl;

import java.util.logging.Level;
import java.util.logging.Logger;
import dev.stoa.common.StoaException;
import dev.stoa.proto.client.Code;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;

/**
 * Carries a {@link StoaException} across gRPC so both bindings fail identically: the server
 * side turns it into a gRPC status (code mapped one to one, message kept), the client side turns
 * the status back. Transport trouble (refused, reset, deadline) and statuses Stoa never sends
 * become UNAVAILABLE or INTERNAL naming the endpoint. Stateless.
 */
public final class GrpcErrors {
  private static final Logger LOG = Logger.getLogger(GrpcErrors.class.getName());

  private GrpcErrors() {}

  public static GrpcStatus toStatus(Code code) {
    return switch (code) {
      case UNAUTHENTICATED -> GrpcStatus.UNAUTHENTICATED;
      case FORBIDDEN -> GrpcStatus.PERMISSION_DENIED;
      case BAD_REQUEST -> GrpcStatus.INVALID_ARGUMENT;
      case NOT_FOUND -> GrpcStatus.NOT_FOUND;
      case TOO_LARGE -> GrpcStatus.OUT_OF_RANGE;
      case RATE_LIMITED -> GrpcStatus.RESOURCE_EXHAUSTED;
      case UNAVAILABLE -> GrpcStatus.UNAVAILABLE;
      case OK, INTERNAL, UNRECOGNIZED -> GrpcStatus.INTERNAL;
    };
  }

  public static Code toCode(GrpcStatus status) {
    return switch (status) {
      case UNAUTHENTICATED -> Code.UNAUTHENTICATED;
      case PERMISSION_DENIED -> Code.FORBIDDEN;
      case INVALID_ARGUMENT -> Code.BAD_REQUEST;
      case NOT_FOUND -> Code.NOT_FOUND;
      case OUT_OF_RANGE -> Code.TOO_LARGE;
      case RESOURCE_EXHAUSTED -> Code.RATE_LIMITED;
      case UNAVAILABLE, UNIMPLEMENTED, DEADLINE_EXCEEDED, CANCELLED, ABORTED -> Code.UNAVAILABLE;
      default -> Code.INTERNAL;
    };
  }

  /** Server side: the status a failure of a hosted service is answered with. */
  public static StatusException toStatusException(String what, Throwable err) {
    if (err instanceof StatusException se) {
      return se;
    }
    if (err instanceof StoaException se) {
      return new StatusException(toStatus(se.code()), se.getMessage());
    }
    return new StatusException(GrpcStatus.INTERNAL, failedMessage(what, err));
  }

  /**
   * In process: the exception a failure of a service hosted here arrives as, the same the gRPC
   * binding delivers (a {@code StoaException} as it is, anything else INTERNAL with the message
   * {@link #toStatusException} sends). Anything but a {@code StoaException} is a bug of the
   * service and is logged with its stack, once, here.
   */
  public static StoaException asAnswer(String what, Throwable err) {
    if (err instanceof StoaException se) {
      return se;
    }
    if (err instanceof StatusException se) {
      return fromStatus(what, se.status(), se.message());
    }
    return new StoaException(Code.INTERNAL, failedMessage(what, err));
  }

  private static String failedMessage(String what, Throwable err) {
    LOG.log(Level.WARNING, what + " failed with an unexpected exception", err);
    return what + " failed: " + err;
  }

  /** Client side: the exception for a non-OK status answered by {@code what}. */
  public static StoaException fromStatus(String what, GrpcStatus status, String message) {
    Code code = toCode(status);
    boolean fromStoa = message != null && !message.isEmpty() && toStatus(code) == status;
    return new StoaException(code, fromStoa ? message
        : what + " answered gRPC status " + status.name() + (message == null ? "" : ": " + message));
  }

  /** Client side: the exception for a call that got no status at all. */
  public static StoaException transport(String what, Throwable err) {
    if (err instanceof StoaException se) {
      return se;
    }
    return new StoaException(Code.UNAVAILABLE, what + " is unreachable: " + err);
  }
}
