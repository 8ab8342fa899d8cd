package dev.stoa.proto;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.stoa.proto.client.Frame;

/**
 * The JSON encoding of the client protocol: the proto3 JSON mapping with lowerCamel names, 64-bit
 * integers as decimal strings and every field without presence printed (so {@code "preSeq":"0"}
 * appears), compact. Unknown fields in input are rejected so a misspelt field is reported, not
 * silently dropped.
 *
 * <p>The reference is protobuf's {@code JsonFormat} ({@code printer().alwaysPrintFieldsWithNoPresence()
 * .omittingInsignificantWhitespace()} and the default {@code parser()}). Messages of
 * {@code stoa/v1/client.proto} are printed by {@link FastJsonPrinter} and plain frames are parsed by
 * {@link FastFrameParser}: same characters out, same messages in, several times faster. Every
 * other message, and every input the fast parser does not recognise as plain, goes to JsonFormat,
 * so acceptance and error messages are JsonFormat's. Thread-safe: all of it is stateless.
 */
public final class ProtoJson {
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().alwaysPrintFieldsWithNoPresence().omittingInsignificantWhitespace();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser();

  private ProtoJson() {}

  /** Prints any protocol message as compact JSON. */
  public static String print(Message message) {
    String json = FastJsonPrinter.print(message);
    return json != null ? json : printWithJsonFormat(message);
  }

  /**
   * Parses one frame object such as {@code {"send":{...}}}.
   *
   * @throws InvalidProtocolBufferException with a message naming the bad field or token
   */
  public static Frame parseFrame(String json) throws InvalidProtocolBufferException {
    Frame frame = FastFrameParser.parse(json);
    return frame != null ? frame : parseFrameWithJsonFormat(json);
  }

  /** Parses JSON into the given builder, for HTTP bodies and tests. */
  public static <B extends Message.Builder> B merge(String json, B builder) throws InvalidProtocolBufferException {
    if (builder instanceof Frame.Builder frameBuilder && isEmpty(frameBuilder)) {
      Frame frame = FastFrameParser.parse(json);
      if (frame != null) {
        frameBuilder.mergeFrom(frame);
        return builder;
      }
    }
    PARSER.merge(json, builder);
    return builder;
  }

  /** The reference printer, JsonFormat; for tests and measurements. */
  static String printWithJsonFormat(Message message) {
    try {
      return PRINTER.print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot print " + message.getDescriptorForType().getFullName(), e);
    }
  }

  /** The reference parser, JsonFormat; for tests and measurements. */
  static Frame parseFrameWithJsonFormat(String json) throws InvalidProtocolBufferException {
    Frame.Builder builder = Frame.newBuilder();
    PARSER.merge(json, builder);
    return builder.build();
  }

  /** JsonFormat's merge depends on what the builder holds; the fast path only takes a fresh one. */
  private static boolean isEmpty(Frame.Builder builder) {
    return builder.getFrameCase() == Frame.FrameCase.FRAME_NOT_SET
        && builder.getUnknownFields().asMap().isEmpty();
  }
}
