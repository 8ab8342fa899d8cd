package dev.stoa.sdk.impl;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.stoa.proto.ProtoJson;
import dev.stoa.proto.client.Frame;

/**
 * The WebSocket text encoding: one frame object per text message in the proto3 JSON mapping
 * (lowerCamel keys, 64-bit integers as decimal strings). Encoding uses {@link ProtoJson#print}, as
 * the server does. Decoding ignores keys this client does not know, so a server that adds a field
 * or a frame kind does not break older clients (an unknown frame kind decodes to
 * {@code FRAME_NOT_SET}, which the client skips). Frames are first given to the strict fast parser
 * of {@link ProtoJson}; only what it rejects is parsed again leniently. Thread-safe.
 */
public final class JsonFrames {
  private static final JsonFormat.Parser LENIENT = JsonFormat.parser().ignoringUnknownFields();

  private JsonFrames() {}

  public static String encode(Frame frame) {
    return ProtoJson.print(frame);
  }

  public static Frame decode(String json) throws FrameDecodeException {
    try {
      return ProtoJson.parseFrame(json); // the fast strict parser; unknown keys land below
    } catch (InvalidProtocolBufferException | RuntimeException strictRejected) {
      // fall through to the lenient parser
    }
    Frame.Builder builder = Frame.newBuilder();
    try {
      LENIENT.merge(json, builder);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new FrameDecodeException("cannot parse JSON frame of " + json.length() + " chars: " + e.getMessage(), e);
    }
    return builder.build();
  }
}
