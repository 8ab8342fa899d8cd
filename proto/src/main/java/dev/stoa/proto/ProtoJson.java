package dev.stoa.proto;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.stoa.proto.client.Frame;
import dev.stoa.proto.client.Send;

/**
 * The JSON encoding of the client protocol: the proto3 JSON mapping with lowerCamel names, 64-bit
 * integers as decimal strings and every field without presence printed (so {@code "preSeq":"0"}
 * appears), compact. Unknown fields in input are rejected so a misspelt field is reported, not
 * silently dropped.
 *
 * <p>The reference is protobuf's {@code JsonFormat} ({@code printer().alwaysPrintFieldsWithNoPresence()
 * .omittingInsignificantWhitespace()} and the default {@code parser()}). Messages of
 * {@code stoa/v1/client.proto} are printed by {@link FastJsonPrinter} (same characters, several
 * times faster); other messages are printed by JsonFormat. Input is parsed by
 * {@link FastFrameParser} only, at a cost linear in its length: what it does not accept is
 * rejected with a message naming the field, never handed to JsonFormat, whose number parsing
 * expands exponents ({@code "1e100000000"}) and can take minutes for a 60-byte frame.
 * Thread-safe: all of it is stateless.
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

  /** {@link #print} as UTF-8 bytes, without a {@code String} in between for client-protocol messages. */
  public static byte[] printUtf8(Message message) {
    byte[] utf8 = FastJsonPrinter.printUtf8(message);
    return utf8 != null ? utf8 : printWithJsonFormat(message).getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * Parses one frame object such as {@code {"send":{...}}}.
   *
   * @throws InvalidProtocolBufferException with a message that starts with the bad field's path
   */
  public static Frame parseFrame(String json) throws InvalidProtocolBufferException {
    return FastFrameParser.parse(json);
  }

  /** Parses a {@code send} object (the body of {@code POST /v1/messages}); errors as {@link #parseFrame}. */
  public static Send parseSend(String json) throws InvalidProtocolBufferException {
    return FastFrameParser.parseSend(json);
  }

  /**
   * The key of a frame object ({@code "connect"}) without decoding its value, or null when the
   * input does not start with an object and a key; for refusing anything but {@code connect}
   * before a connection is authenticated at the cost of reading one key.
   */
  public static String frameKey(String json) {
    return FastFrameParser.firstKey(json);
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
}
