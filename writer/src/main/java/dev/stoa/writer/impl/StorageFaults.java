package dev.stoa.writer.impl;

import dev.stoa.common.StoaException;
import dev.stoa.kv.KvException;
import dev.stoa.proto.client.Code;

/**
 * How the writer answers a failure of its store: a {@link KvException} (the engine could not read,
 * write or sync) is transient for the client, who was not acknowledged and may retry, so it
 * becomes UNAVAILABLE naming what failed; anything else is a bug and stays as it is (INTERNAL
 * further up). Stateless.
 */
public final class StorageFaults {
  private StorageFaults() {}

  /** {@code failure} as the client sees it: UNAVAILABLE for a storage fault, else unchanged. */
  public static Throwable toAnswer(String what, Throwable failure) {
    return failure instanceof KvException ? unavailable(what, failure) : failure;
  }

  /** UNAVAILABLE: {@code what} failed in storage; the message keeps the cause's. */
  static StoaException unavailable(String what, Throwable cause) {
    return new StoaException(Code.UNAVAILABLE, "writer: " + what + " failed in storage, retry: "
        + cause.getMessage());
  }
}
