package dev.stoa.sdk.impl;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.stoa.proto.client.Frame;
import io.vertx.core.buffer.Buffer;

/**
 * The protobuf encoding shared by WebSocket binary messages and TCP payloads. A frame kind this
 * client does not know decodes to {@code FRAME_NOT_SET} (skipped by the client). Thread-safe.
 */
public final class ProtobufFrames {
  private ProtobufFrames() {}

  public static Buffer encode(Frame frame) {
    return Buffer.buffer(frame.toByteArray());
  }

  public static Frame decode(Buffer payload) throws FrameDecodeException {
    try {
      return Frame.parseFrom(payload.getBytes());
    } catch (InvalidProtocolBufferException e) {
      throw new FrameDecodeException("cannot parse protobuf frame of " + payload.length() + " bytes: " + e.getMessage(), e);
    }
  }
}
