package dev.stoa.proto;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
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
 * A Jackson streaming parser for {@link Frame} JSON that handles only the plain, well-formed
 * shapes and returns null for everything else, so the caller hands the input to JsonFormat and
 * keeps JsonFormat's acceptance and error messages. Handled: one top-level object with at most one
 * frame key (every case of the oneof), lowerCamel or snake_case field names, each field at most
 * once; strings as JSON strings; 64-bit and uint32 integers as a JSON integer or a string of
 * decimal digits (an optional leading minus for int64) within range; bools as true/false; enums as
 * a known name; message values as objects, repeated as arrays of objects; nothing after the object.
 * Anything else (null, unknown or repeated key, other types, exponents, out-of-range numbers,
 * malformed JSON) returns null. For accepted input the result equals JsonFormat's. Any change to
 * client.proto must be mirrored here. Stateless and thread-safe.
 */
final class FastFrameParser {
  private static final JsonFactory FACTORY = JsonFactory.builder().build();
  private static final Map<String, Code> CODES = new HashMap<>();

  static {
    for (Code code : Code.values()) {
      if (code != Code.UNRECOGNIZED) {
        CODES.put(code.name(), code);
      }
    }
  }

  /** Thrown to abandon the fast path; carries no stack trace. */
  private static final class Fallback extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Fallback() {
      super(null, null, false, false);
    }
  }

  private static final Fallback FALLBACK = new Fallback();

  private FastFrameParser() {}

  /** Parses a frame, or returns null when the input needs JsonFormat. */
  static Frame parse(String json) {
    try (JsonParser p = FACTORY.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      Frame.Builder b = Frame.newBuilder();
      String name = p.nextFieldName();
      if (name != null) {
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
          default -> {
            return null;
          }
        }
        if (p.nextToken() != JsonToken.END_OBJECT) {
          return null; // a second key: JsonFormat reports it (or, for a duplicate, decides)
        }
      } else if (p.currentToken() != JsonToken.END_OBJECT) {
        return null;
      }
      if (p.nextToken() != null) {
        return null;
      }
      return b.build();
    } catch (Fallback | IOException e) {
      return null;
    }
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
        default -> throw FALLBACK;
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
        default -> throw FALLBACK;
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
        default -> throw FALLBACK;
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
        default -> throw FALLBACK;
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
        default -> throw FALLBACK;
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
        default -> throw FALLBACK;
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
        default -> throw FALLBACK;
      }
    }
    endObject(p);
    return roomId;
  }

  private static void empty(JsonParser p) throws IOException {
    startObject(p);
    if (p.nextToken() != JsonToken.END_OBJECT) {
      throw FALLBACK;
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
        default -> throw FALLBACK;
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
          b.setCode(code(p));
        }
        default -> throw FALLBACK;
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
        default -> throw FALLBACK;
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
        default -> throw FALLBACK;
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
        default -> throw FALLBACK;
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
        default -> throw FALLBACK;
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
        default -> throw FALLBACK;
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
          b.setCode(code(p));
        }
        case "message" -> {
          seen = mark(seen, 2);
          b.setMessage(string(p));
        }
        case "clientMsgId", "client_msg_id" -> {
          seen = mark(seen, 3);
          b.setClientMsgId(string(p));
        }
        default -> throw FALLBACK;
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
        default -> throw FALLBACK;
      }
    }
    endObject(p);
    return b.build();
  }

  // ---- structure ----

  private static void startObject(JsonParser p) throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      throw FALLBACK;
    }
  }

  /** After {@code nextFieldName()} returned null the current token must close the object. */
  private static void endObject(JsonParser p) {
    if (p.currentToken() != JsonToken.END_OBJECT) {
      throw FALLBACK;
    }
  }

  private static void startArray(JsonParser p) throws IOException {
    if (p.nextToken() != JsonToken.START_ARRAY) {
      throw FALLBACK;
    }
  }

  /** After the element loop the current token must close the array (not null or a scalar). */
  private static void endArray(JsonParser p) {
    if (p.currentToken() != JsonToken.END_ARRAY) {
      throw FALLBACK;
    }
  }

  /** Sets the bit of field {@code number}; a field seen twice (under either name) falls back. */
  private static int mark(int seen, int number) {
    int bit = 1 << number;
    if ((seen & bit) != 0) {
      throw FALLBACK;
    }
    return seen | bit;
  }

  // ---- scalars ----

  private static String string(JsonParser p) throws IOException {
    if (p.nextToken() != JsonToken.VALUE_STRING) {
      throw FALLBACK;
    }
    return p.getText();
  }

  private static boolean bool(JsonParser p) throws IOException {
    JsonToken t = p.nextToken();
    if (t == JsonToken.VALUE_TRUE) {
      return true;
    }
    if (t == JsonToken.VALUE_FALSE) {
      return false;
    }
    throw FALLBACK;
  }

  private static Code code(JsonParser p) throws IOException {
    if (p.nextToken() != JsonToken.VALUE_STRING) {
      throw FALLBACK;
    }
    Code code = CODES.get(p.getText());
    if (code == null) {
      throw FALLBACK;
    }
    return code;
  }

  /** An integer token or a string, positioned for {@link JsonParser#getTextCharacters()}. */
  private static void integerToken(JsonParser p) throws IOException {
    JsonToken t = p.nextToken();
    if (t != JsonToken.VALUE_STRING && t != JsonToken.VALUE_NUMBER_INT) {
      throw FALLBACK;
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
        throw FALLBACK;
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
      throw FALLBACK;
    }
    return negative ? -magnitude : magnitude;
  }

  /** Non-negative decimal digits only, at most 2^32-1. */
  private static int uint32(JsonParser p) throws IOException {
    integerToken(p);
    int length = p.getTextLength();
    if (length > 10) {
      throw FALLBACK;
    }
    long v = digits(p.getTextCharacters(), p.getTextOffset(), length);
    if (v > 0xFFFF_FFFFL) {
      throw FALLBACK;
    }
    return (int) v;
  }

  /** Parses 1 to 19 ASCII digits as an unsigned long (19 digits never overflow 2^64). */
  private static long digits(char[] chars, int offset, int length) {
    if (length == 0 || length > 19) {
      throw FALLBACK;
    }
    long v = 0;
    for (int i = offset, end = offset + length; i < end; i++) {
      int d = chars[i] - '0';
      if (d < 0 || d > 9) {
        throw FALLBACK;
      }
      v = v * 10 + d;
    }
    return v;
  }

  private static void checkDigits(char[] chars, int offset, int length) {
    for (int i = offset, end = offset + length; i < end; i++) {
      if (chars[i] < '0' || chars[i] > '9') {
        throw FALLBACK;
      }
    }
  }
}
