package dev.stoa.sdk;

import dev.stoa.proto.client.Code;
import dev.stoa.proto.client.Error;

/**
 * An {@code error} frame from the server that the client could not attribute to a pending send or
 * request, or a problem the client detected on its own (an undecodable server frame, a failed gap
 * pull), as delivered to {@link StoaClient#onError}.
 *
 * @param code the protocol error code
 * @param message the human-readable reason; names the field at fault
 * @param clientMsgId the {@code clientMsgId} the server named, or {@code null} when it named none
 */
public record ErrorFrame(Code code, String message, String clientMsgId) {

  /** Converts the protobuf {@code Error} (whose simple name clashes with {@link java.lang.Error}). */
  public static ErrorFrame of(Error error) {
    return new ErrorFrame(error.getCode(), error.getMessage(), error.hasClientMsgId() ? error.getClientMsgId() : null);
  }
}
