package dev.stoa.gateway.impl;

import dev.stoa.common.StoaException;
import dev.stoa.proto.client.Code;
import dev.stoa.proto.client.Error;
import dev.stoa.proto.client.Frame;

/** Builders of server frames used in more than one place. Stateless. */
public final class Frames {
  private Frames() {}

  public static Frame error(Code code, String message, String clientMsgId) {
    Error.Builder error = Error.newBuilder().setCode(code).setMessage(message);
    if (clientMsgId != null && !clientMsgId.isEmpty()) {
      error.setClientMsgId(clientMsgId);
    }
    return Frame.newBuilder().setError(error).build();
  }

  public static Frame error(Throwable failure, String clientMsgId) {
    StoaException e = Backend.failure("gateway", failure);
    return error(e.code(), e.getMessage(), clientMsgId);
  }
}
