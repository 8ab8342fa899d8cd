package dev.stoa.gateway.impl;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.stoa.common.StoaException;
import dev.stoa.proto.ProtoJson;
import dev.stoa.proto.client.Frame;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Encodes and decodes client-protocol frames: JSON text (the proto3 JSON mapping of
 * {@link ProtoJson}), protobuf binary, and protobuf prefixed with its varint32 length for TCP.
 * Decoding failures are BAD_REQUEST {@link StoaException}s whose message starts {@code frame: }
 * and carries the parser's explanation (which names the bad field or token). Stateless.
 */
public final class FrameCodec {
  /** Highest field number of a client-to-server frame in the {@code Frame} oneof. */
  private static final int LAST_CLIENT_FRAME = Frame.PING_FIELD_NUMBER;

  private FrameCodec() {}

  public static Frame parseJson(String text) {
    try {
      return ProtoJson.parseFrame(text);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw StoaException.badRequest("frame: not a valid JSON frame: " + describe(e));
    }
  }

  public static Frame parseBinary(Buffer bytes) {
    try {
      return Frame.parseFrom(bytes.getBytes());
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw StoaException.badRequest("frame: not a valid protobuf Frame: " + describe(e));
    }
  }

  /**
   * The field number of the first field of protobuf bytes, read from the first tag alone (a
   * client encoder writes a frame's one field first; costs at most five bytes), or 0 when the
   * bytes do not start with a length-delimited field.
   */
  public static int firstField(Buffer bytes) {
    try {
      int tag = com.google.protobuf.CodedInputStream.newInstance(bytes.getBytes(0, Math.min(bytes.length(), 5)))
          .readTag();
      return com.google.protobuf.WireFormat.getTagWireType(tag) == com.google.protobuf.WireFormat.WIRETYPE_LENGTH_DELIMITED
          ? com.google.protobuf.WireFormat.getTagFieldNumber(tag) : 0;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  public static String toJson(Frame frame) {
    return ProtoJson.print(frame);
  }

  /** {@link #toJson} as UTF-8 bytes, without a {@code String} in between. */
  public static byte[] toJsonUtf8(Frame frame) {
    return ProtoJson.printUtf8(frame);
  }

  public static Buffer toBinary(Frame frame) {
    return Buffer.buffer(frame.toByteArray());
  }

  /** The frame prefixed with its length as a varint32. */
  public static Buffer toTcp(Frame frame) {
    int size = frame.getSerializedSize();
    byte[] out = new byte[CodedOutputStream.computeUInt32SizeNoTag(size) + size];
    try {
      CodedOutputStream cos = CodedOutputStream.newInstance(out);
      cos.writeUInt32NoTag(size);
      frame.writeTo(cos);
      cos.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Buffer.buffer(out);
  }

  /** The JSON key of a frame case ({@code connAck}), or {@code none} when no key is set. */
  public static String typeName(Frame.FrameCase type) {
    if (type == Frame.FrameCase.FRAME_NOT_SET) {
      return "none";
    }
    FieldDescriptor field = Frame.getDescriptor().findFieldByNumber(type.getNumber());
    return field.getJsonName();
  }

  /** True for the frames a client may send ({@code connect} .. {@code ping}). */
  public static boolean isClientFrame(Frame.FrameCase type) {
    return type != Frame.FrameCase.FRAME_NOT_SET && type.getNumber() <= LAST_CLIENT_FRAME;
  }

  /** UTF-8 length of {@code s} without encoding it. */
  public static long utf8Length(String s) {
    long n = 0;
    int len = s.length();
    for (int i = 0; i < len; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  private static String describe(Exception e) {
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      return e.getClass().getSimpleName();
    }
    return message.length() > 300 ? message.substring(0, 300) + "..." : message;
  }
}
