package dev.stoa.proto;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.stoa.proto.client.Frame;

/**
 * The JSON encoding of the client protocol: the proto3 JSON mapping with lowerCamel names, 64-bit
 * integers as decimal strings and every field without presence printed (so {@code "preSeq":"0"}
 * appears), compact. Unknown fields in input are rejected so a misspelt field is reported, not
 * silently dropped. Thread-safe: the printer and parser are immutable.
 */
public final class ProtoJson {
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().alwaysPrintFieldsWithNoPresence().omittingInsignificantWhitespace();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser();

  private ProtoJson() {}

  /** Prints any protocol message as compact JSON. */
  public static String print(Message message) {
    try {
      return PRINTER.print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot print " + message.getDescriptorForType().getFullName(), e);
    }
  }

  /**
   * Parses one frame object such as {@code {"send":{...}}}.
   *
   * @throws InvalidProtocolBufferException with a message naming the bad field or token
   */
  public static Frame parseFrame(String json) throws InvalidProtocolBufferException {
    Frame.Builder builder = Frame.newBuilder();
    PARSER.merge(json, builder);
    return builder.build();
  }

  /** Parses JSON into the given builder, for HTTP bodies and tests. */
  public static <B extends Message.Builder> B merge(String json, B builder) throws InvalidProtocolBufferException {
    PARSER.merge(json, builder);
    return builder;
  }
}
