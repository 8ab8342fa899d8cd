package dev.stoa.proto;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.google.protobuf.InvalidProtocolBufferException;
import com.fasterxml.jackson.core.JsonToken;
import dev.stoa.proto.client.Ack;
import dev.stoa.proto.client.Code;
import dev.stoa.proto.client.ConnAck;
import dev.stoa.proto.client.Connect;
import dev.stoa.proto.client.Frame;
import dev.stoa.proto.client.Join;
import dev.stoa.proto.client.Joined;
import dev.stoa.proto.client.Kick;
import dev.stoa.proto.client.Leave;
import dev.stoa.proto.client.Left;
import dev.stoa.proto.client.Messages;
import dev.stoa.proto.client.Notify;
import dev.stoa.proto.client.Ping;
import dev.stoa.proto.client.Pong;
import dev.stoa.proto.client.Pull;
import dev.stoa.proto.client.Push;
import dev.stoa.proto.client.Send;
import dev.stoa.proto.client.SendAck;
import dev.stoa.proto.client.Sync;
import dev.stoa.proto.client.SyncResult;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The one parser of client-protocol JSON that comes from outside (frames, the body of
 * {@code POST /v1/messages}): a Jackson streaming parser over the proto3 JSON mapping that costs
 * time and memory linear in the input whatever it holds. Accepted: one top-level object with at
 * most one frame key (every case of the oneof), lowerCamel or snake_case field names, each field
 * at most once; strings as JSON strings without unpaired UTF-16 surrogates; 64-bit and uint32
 * integers as a JSON integer or a string of decimal digits (an optional leading minus for int64)
 * within range, checked digit by digit with no wider conversion; bools as true/false; enums as a
 * known name; message values as objects, repeated fields as arrays of objects; nothing after the
 * object. Everything else (null, unknown or repeated keys, other types, fractions, exponents,
 * numbers out of range or over 20 characters, nesting deeper than 16, malformed JSON) is rejected
 * with an {@link InvalidProtocolBufferException} whose message names the field at fault: there is
 * no slower fallback. For accepted input the result equals protobuf's JsonFormat's (the tests hold
 * it to that); JsonFormat also accepts some inputs rejected here (null, exponents, enum numbers),
 * which the protocol never sends. Any change to client.proto must be mirrored here. Stateless and
 * thread-safe.
 */
final class FastFrameParser {
  /**
   * Numbers of at most 20 characters (every uint64; the lowest int64 with its sign), nesting no
   * deeper than the deepest frame with a margin, strings no longer than the largest frame the
   * gateway accepts: longer input fails in the tokenizer, at a cost linear in what it read.
   */
  static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNumberLength(20)
          .maxNestingDepth(16)
          .maxStringLength(16 * 1024 * 1024)
          .maxNameLength(1024)
          .build())
      .build();
  private static final Map<String, Code> CODES = new HashMap<>();

  static {
    for (Code code : Code.values()) {
      if (code != Code.UNRECOGNIZED) {
        CODES.put(code.name(), code);
      }
    }
  }

  /** Thrown where the input is not a frame; names what is wrong, carries no stack trace. */
  private static final class Rejected extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Rejected(String reason) {
      super(reason, null, false, false);
    }
  }

  private static final Rejected UNKNOWN_KEY = new Rejected("is not a field here");
  private static final Rejected REPEATED = new Rejected("appears more than once");
  private static final Rejected NOT_AN_OBJECT = new Rejected("must be an object");
  private static final Rejected NOT_AN_ARRAY = new Rejected("must be an array of objects");
  private static final Rejected NOT_A_STRING = new Rejected("must be a string");
  private static final Rejected NOT_A_BOOL = new Rejected("must be true or false");
  private static final Rejected NOT_A_CODE = new Rejected("must be the name of an error code");
  private static final Rejected NOT_AN_INTEGER = new Rejected(
      "must be a decimal integer in range (64-bit ids as a string of digits); no sign, fraction or exponent");
  private static final Rejected LONE_SURROGATE = new Rejected(
      "contains an unpaired UTF-16 surrogate (\\ud800-\\udfff), which has no UTF-8 form");
  private static final Rejected SECOND_KEY = new Rejected("a frame has exactly one key");
  private static final Rejected TRAILING = new Rejected("nothing may follow the frame object");

  private FastFrameParser() {}

  /**
   * Parses a frame.
   *
   * @throws InvalidProtocolBufferException whose message starts with the path of the field at
   *     fault as the client spelt it ({@code ack.msgId: must be ...}), or {@code frame} for the
   *     top level
   */
  static Frame parse(String json) throws InvalidProtocolBufferException {
    return read(json, FastFrameParser::frame, "frame");
  }

  /** Parses the body of {@code POST /v1/messages}: a {@link Send} object. Errors as {@link #parse}. */
  static Send parseSend(String json) throws InvalidProtocolBufferException {
    return read(json, FastFrameParser::send, "body");
  }

  /** Reads one value of {@code json}, an object read by {@code value} with nothing after it. */
  private static <T> T read(String json, ValueReader<T> value, String what) throws InvalidProtocolBufferException {
    try (JsonParser p = FACTORY.createParser(json)) {
      try {
        T result = value.read(p);
        if (p.nextToken() != null) {
          throw TRAILING;
        }
        return result;
      } catch (Rejected e) {
        throw rejected(p, e.getMessage());
      } catch (IOException e) {
        throw rejected(p, "not valid JSON: " + firstLine(e));
      }
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (IOException e) {
      throw new InvalidProtocolBufferException(what + ": not valid JSON: " + firstLine(e));
    }
  }

  @FunctionalInterface
  private interface ValueReader<T> {
    T read(JsonParser p) throws IOException;
  }

  /**
   * The first key of a frame object ({@code "connect"}), read without decoding its value, or null
   * when the input does not start with an object and a key. Costs the bytes up to that key.
   */
  static String firstKey(String json) {
    try (JsonParser p = FACTORY.createParser(json)) {
      return p.nextToken() == JsonToken.START_OBJECT ? p.nextFieldName() : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static Frame frame(JsonParser p) throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      throw NOT_AN_OBJECT;
    }
    Frame.Builder b = Frame.newBuilder();
    String name = p.nextFieldName();
    if (name == null) {
      endObject(p);
      return b.build();
    }
    switch (name) {
      case "connect" -> b.setConnect(connect(p));
      case "send" -> b.setSend(send(p));
      case "ack" -> b.setAck(ack(p));
      case "pull" -> b.setPull(pull(p));
      case "sync" -> b.setSync(sync(p));
      case "join" -> b.setJoin(Join.newBuilder().setRoomId(roomId(p)));
      case "leave" -> b.setLeave(Leave.newBuilder().setRoomId(roomId(p)));
      case "ping" -> {
        empty(p);
        b.setPing(Ping.getDefaultInstance());
      }
      case "connAck", "conn_ack" -> b.setConnAck(connAck(p));
      case "sendAck", "send_ack" -> b.setSendAck(sendAck(p));
      case "push" -> b.setPush(push(p));
      case "messages" -> b.setMessages(messages(p));
      case "syncResult", "sync_result" -> b.setSyncResult(syncResult(p));
      case "notify" -> b.setNotify(notify(p));
      case "joined" -> b.setJoined(Joined.newBuilder().setRoomId(roomId(p)));
      case "left" -> b.setLeft(Left.newBuilder().setRoomId(roomId(p)));
      case "pong" -> b.setPong(pong(p));
      case "error" -> b.setError(error(p));
      case "kick" -> b.setKick(kick(p));
      default -> throw UNKNOWN_KEY;
    }
    if (p.nextToken() != JsonToken.END_OBJECT) {
      throw SECOND_KEY;
    }
    return b.build();
  }

  /** The rejection, prefixed with the path of the field the parser stands at. */
  private static InvalidProtocolBufferException rejected(JsonParser p, String reason) {
    StringBuilder path = new StringBuilder();
    JsonStreamContext at = p.getParsingContext();
    JsonToken token = p.currentToken();
    if ((token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) && at.getParent() != null) {
      at = at.getParent(); // the value that opened here is the field at fault, not a part of it
    }
    for (JsonStreamContext c = at; c != null && !c.inRoot(); c = c.getParent()) {
      String part = c.inArray() ? "[" + Math.max(0, c.getCurrentIndex()) + "]"
          : c.getCurrentName() == null ? "" : "." + clip(c.getCurrentName());
      path.insert(0, part);
    }
    String where = path.isEmpty() ? "frame" : path.charAt(0) == '.' ? path.substring(1) : path.toString();
    return new InvalidProtocolBufferException(where + ": " + reason);
  }

  /** A key as the client spelt it, cut to a length an error message can carry. */
  private static String clip(String name) {
    return name.length() > 64 ? name.substring(0, 64) + "..." : name;
  }

  private static String firstLine(IOException e) {
    String message = String.valueOf(e.getMessage());
    int nl = message.indexOf('\n');
    message = nl < 0 ? message : message.substring(0, nl);
    return message.length() > 200 ? message.substring(0, 200) + "..." : message;
  }

  // ---- messages: each starts by reading the START_OBJECT token ----

  private static dev.stoa.proto.client.Message message(JsonParser p) throws IOException {
    startObject(p);
    return messageBody(p);
  }

  /** A Message whose START_OBJECT has been read (by the array loop or {@link #message}). */
  private static dev.stoa.proto.client.Message messageBody(JsonParser p) throws IOException {
    dev.stoa.proto.client.Message.Builder b = dev.stoa.proto.client.Message.newBuilder();
    int seen = 0;
    String name;
    while ((name = p.nextFieldName()) != null) {
      switch (name) {
        case "sessionId", "session_id" -> {
          seen = mark(seen, 1);
          b.setSessionId(string(p));
        }
        case "seq" -> {
          seen = mark(seen, 2);
          b.setSeq(uint64(p));
        }
        case "preSeq", "pre_seq" -> {
          seen = mark(seen, 3);
          b.setPreSeq(uint64(p));
        }
        case "msgId", "msg_id" -> {
          seen = mark(seen, 4);
          b.setMsgId(uint64(p));
        }
        case "preMsgId", "pre_msg_id" -> {
          seen = mark(seen, 5);
          b.setPreMsgId(uint64(p));
        }
        case "fromUserId", "from_user_id" -> {
          seen = mark(seen, 6);
          b.setFromUserId(string(p));
        }
        case "fromDeviceId", "from_device_id" -> {
          seen = mark(seen, 7);
          b.setFromDeviceId(string(p));
        }
        case "clientMsgId", "client_msg_id" -> {
          seen = mark(seen, 8);
          b.setClientMsgId(string(p));
        }
        case "body" -> {
          seen = mark(seen, 9);
          b.setBody(string(p));
        }
        case "sentAt", "sent_at" -> {
          seen = mark(seen, 10);
          b.setSentAt(int64(p));
        }
        default -> throw UNKNOWN_KEY;
      }
    }
    endObject(p);
    return b.build();
  }

  private static Connect connect(JsonParser p) throws IOException {
    startObject(p);
    Connect.Builder b = Connect.newBuilder();
    int seen = 0;
    String name;
    while ((name = p.nextFieldName()) != null) {
      switch (name) {
        case "token" -> {
          seen = mark(seen, 1);
          b.setToken(string(p));
        }
        case "deviceId", "device_id" -> {
          seen = mark(seen, 2);
          b.setDeviceId(string(p));
        }
        default -> throw UNKNOWN_KEY;
      }
    }
    endObject(p);
    return b.build();
  }

  private static Send send(JsonParser p) throws IOException {
    startObject(p);
    Send.Builder b = Send.newBuilder();
    int seen = 0;
    String name;
    while ((name = p.nextFieldName()) != null) {
      switch (name) {
        case "clientMsgId", "client_msg_id" -> {
          seen = mark(seen, 1);
          b.setClientMsgId(string(p));
        }
        case "sessionId", "session_id" -> {
          seen = mark(seen, 2);
          b.setSessionId(string(p));
        }
        case "body" -> {
          seen = mark(seen, 3);
          b.setBody(string(p));
        }
        default -> throw UNKNOWN_KEY;
      }
    }
    endObject(p);
    return b.build();
  }

  private static Ack ack(JsonParser p) throws IOException {
    startObject(p);
    Ack.Builder b = Ack.newBuilder();
    int seen = 0;
    String name;
    while ((name = p.nextFieldName()) != null) {
      switch (name) {
        case "sessionId", "session_id" -> {
          seen = mark(seen, 1);
          b.setSessionId(string(p));
        }
        case "msgId", "msg_id" -> {
          seen = mark(seen, 2);
          b.setMsgId(uint64(p));
        }
        default -> throw UNKNOWN_KEY;
      }
    }
    endObject(p);
    return b.build();
  }

  private static Pull pull(JsonParser p) throws IOException {
    startObject(p);
    Pull.Builder b = Pull.newBuilder();
    int seen = 0;
    String name;
    while ((name = p.nextFieldName()) != null) {
      switch (name) {
        case "sessionId", "session_id" -> {
          seen = mark(seen, 1);
          b.setSessionId(string(p));
        }
        case "afterSeq", "after_seq" -> {
          seen = mark(seen, 2);
          b.setAfterSeq(uint64(p));
        }
        case "limit" -> {
          seen = mark(seen, 3);
          b.setLimit(uint32(p));
        }
        default -> throw UNKNOWN_KEY;
      }
    }
    endObject(p);
    return b.build();
  }

  private static Sync sync(JsonParser p) throws IOException {
    startObject(p);
    Sync.Builder b = Sync.newBuilder();
    int seen = 0;
    String name;
    while ((name = p.nextFieldName()) != null) {
      switch (name) {
        case "cursor" -> {
          seen = mark(seen, 1);
          b.setCursor(uint64(p));
        }
        case "limit" -> {
          seen = mark(seen, 2);
          b.setLimit(uint32(p));
        }
        default -> throw UNKNOWN_KEY;
      }
    }
    endObject(p);
    return b.build();
  }

  /** Join, Leave, Joined and Left: {@code {"roomId":...}}. */
  private static String roomId(JsonParser p) throws IOException {
    startObject(p);
    String roomId = "";
    int seen = 0;
    String name;
    while ((name = p.nextFieldName()) != null) {
      switch (name) {
        case "roomId", "room_id" -> {
          seen = mark(seen, 1);
          roomId = string(p);
        }
        default -> throw UNKNOWN_KEY;
      }
    }
    endObject(p);
    return roomId;
  }

  private static void empty(JsonParser p) throws IOException {
    startObject(p);
    if (p.nextToken() != JsonToken.END_OBJECT) {
      throw UNKNOWN_KEY;
    }
  }

  private static ConnAck connAck(JsonParser p) throws IOException {
    startObject(p);
    ConnAck.Builder b = ConnAck.newBuilder();
    int seen = 0;
    String name;
    while ((name = p.nextFieldName()) != null) {
      switch (name) {
        case "userId", "user_id" -> {
          seen = mark(seen, 1);
          b.setUserId(string(p));
        }
        case "deviceId", "device_id" -> {
          seen = mark(seen, 2);
          b.setDeviceId(string(p));
        }
        case "connId", "conn_id" -> {
          seen = mark(seen, 3);
          b.setConnId(uint64(p));
        }
        case "serverTime", "server_time" -> {
          seen = mark(seen, 4);
          b.setServerTime(int64(p));
        }
        case "heartbeatSeconds", "heartbeat_seconds" -> {
          seen = mark(seen, 5);
          b.setHeartbeatSeconds(uint32(p));
        }
        default -> throw UNKNOWN_KEY;
      }
    }
    endObject(p);
    return b.build();
  }

  private static SendAck sendAck(JsonParser p) throws IOException {
    startObject(p);
    SendAck.Builder b = SendAck.newBuilder();
    int seen = 0;
    String name;
    while ((name = p.nextFieldName()) != null) {
      switch (name) {
        case "clientMsgId", "client_msg_id" -> {
          seen = mark(seen, 1);
          b.setClientMsgId(string(p));
        }
        case "sessionId", "session_id" -> {
          seen = mark(seen, 2);
          b.setSessionId(string(p));
        }
        case "msgId", "msg_id" -> {
          seen = mark(seen, 3);
          b.setMsgId(uint64(p));
        }
        case "seq" -> {
          seen = mark(seen, 4);
          b.setSeq(uint64(p));
        }
        case "preSeq", "pre_seq" -> {
          seen = mark(seen, 5);
          b.setPreSeq(uint64(p));
        }
        case "preMsgId", "pre_msg_id" -> {
          seen = mark(seen, 6);
          b.setPreMsgId(uint64(p));
        }
        case "sentAt", "sent_at" -> {
          seen = mark(seen, 7);
          b.setSentAt(int64(p));
        }
        case "code" -> {
          seen = mark(seen, 8);
          b.setCodeValue(code(p));
        }
        default -> throw UNKNOWN_KEY;
      }
    }
    endObject(p);
    return b.build();
  }

  private static Push push(JsonParser p) throws IOException {
    startObject(p);
    Push.Builder b = Push.newBuilder();
    int seen = 0;
    String name;
    while ((name = p.nextFieldName()) != null) {
      switch (name) {
        case "message" -> {
          seen = mark(seen, 1);
          b.setMessage(message(p));
        }
        default -> throw UNKNOWN_KEY;
      }
    }
    endObject(p);
    return b.build();
  }

  private static Messages messages(JsonParser p) throws IOException {
    startObject(p);
    Messages.Builder b = Messages.newBuilder();
    int seen = 0;
    String name;
    while ((name = p.nextFieldName()) != null) {
      switch (name) {
        case "sessionId", "session_id" -> {
          seen = mark(seen, 1);
          b.setSessionId(string(p));
        }
        case "messages" -> {
          seen = mark(seen, 2);
          startArray(p);
          while (p.nextToken() == JsonToken.START_OBJECT) {
            b.addMessages(messageBody(p));
          }
          endArray(p);
        }
        case "hasMore", "has_more" -> {
          seen = mark(seen, 3);
          b.setHasMore(bool(p));
        }
        default -> throw UNKNOWN_KEY;
      }
    }
    endObject(p);
    return b.build();
  }

  private static SyncResult syncResult(JsonParser p) throws IOException {
    startObject(p);
    SyncResult.Builder b = SyncResult.newBuilder();
    int seen = 0;
    String name;
    while ((name = p.nextFieldName()) != null) {
      switch (name) {
        case "messages" -> {
          seen = mark(seen, 1);
          startArray(p);
          while (p.nextToken() == JsonToken.START_OBJECT) {
            b.addMessages(messageBody(p));
          }
          endArray(p);
        }
        case "cursor" -> {
          seen = mark(seen, 2);
          b.setCursor(uint64(p));
        }
        case "hasMore", "has_more" -> {
          seen = mark(seen, 3);
          b.setHasMore(bool(p));
        }
        default -> throw UNKNOWN_KEY;
      }
    }
    endObject(p);
    return b.build();
  }

  private static Notify notify(JsonParser p) throws IOException {
    startObject(p);
    Notify.Builder b = Notify.newBuilder();
    int seen = 0;
    String name;
    while ((name = p.nextFieldName()) != null) {
      switch (name) {
        case "sessionId", "session_id" -> {
          seen = mark(seen, 1);
          b.setSessionId(string(p));
        }
        case "latestSeq", "latest_seq" -> {
          seen = mark(seen, 2);
          b.setLatestSeq(uint64(p));
        }
        default -> throw UNKNOWN_KEY;
      }
    }
    endObject(p);
    return b.build();
  }

  private static Pong pong(JsonParser p) throws IOException {
    startObject(p);
    Pong.Builder b = Pong.newBuilder();
    int seen = 0;
    String name;
    while ((name = p.nextFieldName()) != null) {
      switch (name) {
        case "serverTime", "server_time" -> {
          seen = mark(seen, 1);
          b.setServerTime(int64(p));
        }
        default -> throw UNKNOWN_KEY;
      }
    }
    endObject(p);
    return b.build();
  }

  private static dev.stoa.proto.client.Error error(JsonParser p) throws IOException {
    startObject(p);
    dev.stoa.proto.client.Error.Builder b = dev.stoa.proto.client.Error.newBuilder();
    int seen = 0;
    String name;
    while ((name = p.nextFieldName()) != null) {
      switch (name) {
        case "code" -> {
          seen = mark(seen, 1);
          b.setCodeValue(code(p));
        }
        case "message" -> {
          seen = mark(seen, 2);
          b.setMessage(string(p));
        }
        case "clientMsgId", "client_msg_id" -> {
          seen = mark(seen, 3);
          b.setClientMsgId(string(p));
        }
        default -> throw UNKNOWN_KEY;
      }
    }
    endObject(p);
    return b.build();
  }

  private static Kick kick(JsonParser p) throws IOException {
    startObject(p);
    Kick.Builder b = Kick.newBuilder();
    int seen = 0;
    String name;
    while ((name = p.nextFieldName()) != null) {
      switch (name) {
        case "reason" -> {
          seen = mark(seen, 1);
          b.setReason(string(p));
        }
        default -> throw UNKNOWN_KEY;
      }
    }
    endObject(p);
    return b.build();
  }

  // ---- structure ----

  private static void startObject(JsonParser p) throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      throw NOT_AN_OBJECT;
    }
  }

  /** After {@code nextFieldName()} returned null the current token must close the object. */
  private static void endObject(JsonParser p) {
    if (p.currentToken() != JsonToken.END_OBJECT) {
      throw NOT_AN_OBJECT;
    }
  }

  private static void startArray(JsonParser p) throws IOException {
    if (p.nextToken() != JsonToken.START_ARRAY) {
      throw NOT_AN_ARRAY;
    }
  }

  /** After the element loop the current token must close the array (not null or a scalar). */
  private static void endArray(JsonParser p) {
    if (p.currentToken() != JsonToken.END_ARRAY) {
      throw NOT_AN_ARRAY;
    }
  }

  /** Sets the bit of field {@code number}; a field seen twice (under either name) falls back. */
  private static int mark(int seen, int number) {
    int bit = 1 << number;
    if ((seen & bit) != 0) {
      throw REPEATED;
    }
    return seen | bit;
  }

  // ---- scalars ----

  private static String string(JsonParser p) throws IOException {
    if (p.nextToken() != JsonToken.VALUE_STRING) {
      throw NOT_A_STRING;
    }
    String text = p.getText();
    checkSurrogates(text);
    return text;
  }

  /** A string with a lone surrogate has no UTF-8 form: it could not be stored or sent on as given. */
  private static void checkSurrogates(String text) {
    for (int i = 0, n = text.length(); i < n; i++) {
      char c = text.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
          i++;
        } else {
          throw LONE_SURROGATE;
        }
      }
    }
  }

  private static boolean bool(JsonParser p) throws IOException {
    JsonToken t = p.nextToken();
    if (t == JsonToken.VALUE_TRUE) {
      return true;
    }
    if (t == JsonToken.VALUE_FALSE) {
      return false;
    }
    throw NOT_A_BOOL;
  }

  /** An error code by name, or by number as JsonFormat prints a number it has no name for. */
  private static int code(JsonParser p) throws IOException {
    JsonToken t = p.nextToken();
    if (t == JsonToken.VALUE_NUMBER_INT && p.getTextLength() <= 10) {
      long n = p.getLongValue();
      if (n >= Integer.MIN_VALUE && n <= Integer.MAX_VALUE) {
        return (int) n;
      }
    }
    if (t != JsonToken.VALUE_STRING) {
      throw NOT_A_CODE;
    }
    Code code = CODES.get(p.getText());
    if (code == null) {
      throw NOT_A_CODE;
    }
    return code.getNumber();
  }

  /** An integer token or a string, positioned for {@link JsonParser#getTextCharacters()}. */
  private static void integerToken(JsonParser p) throws IOException {
    JsonToken t = p.nextToken();
    if (t != JsonToken.VALUE_STRING && t != JsonToken.VALUE_NUMBER_INT) {
      throw NOT_AN_INTEGER;
    }
  }

  /** Non-negative decimal digits only, at most 20 of them, at most 2^64-1. */
  private static long uint64(JsonParser p) throws IOException {
    integerToken(p);
    char[] chars = p.getTextCharacters();
    int offset = p.getTextOffset();
    int length = p.getTextLength();
    if (length == 20) {
      checkDigits(chars, offset, length);
      try {
        return Long.parseUnsignedLong(new String(chars, offset, length));
      } catch (NumberFormatException e) {
        throw NOT_AN_INTEGER;
      }
    }
    return digits(chars, offset, length); // 19 digits stay below 2^64: exact as unsigned
  }

  /** An optional minus and decimal digits, within the range of a long. */
  private static long int64(JsonParser p) throws IOException {
    integerToken(p);
    char[] chars = p.getTextCharacters();
    int offset = p.getTextOffset();
    int length = p.getTextLength();
    boolean negative = length > 0 && chars[offset] == '-';
    long magnitude = negative ? digits(chars, offset + 1, length - 1) : digits(chars, offset, length);
    if (negative ? Long.compareUnsigned(magnitude, Long.MIN_VALUE) > 0 : magnitude < 0) {
      throw NOT_AN_INTEGER;
    }
    return negative ? -magnitude : magnitude;
  }

  /** Non-negative decimal digits only, at most 2^32-1. */
  private static int uint32(JsonParser p) throws IOException {
    integerToken(p);
    int length = p.getTextLength();
    if (length > 10) {
      throw NOT_AN_INTEGER;
    }
    long v = digits(p.getTextCharacters(), p.getTextOffset(), length);
    if (v > 0xFFFF_FFFFL) {
      throw NOT_AN_INTEGER;
    }
    return (int) v;
  }

  /** Parses 1 to 19 ASCII digits as an unsigned long (19 digits never overflow 2^64). */
  private static long digits(char[] chars, int offset, int length) {
    if (length == 0 || length > 19) {
      throw NOT_AN_INTEGER;
    }
    long v = 0;
    for (int i = offset, end = offset + length; i < end; i++) {
      int d = chars[i] - '0';
      if (d < 0 || d > 9) {
        throw NOT_AN_INTEGER;
      }
      v = v * 10 + d;
    }
    return v;
  }

  private static void checkDigits(char[] chars, int offset, int length) {
    for (int i = offset, end = offset + length; i < end; i++) {
      if (chars[i] < '0' || chars[i] > '9') {
        throw NOT_AN_INTEGER;
      }
    }
  }
}
