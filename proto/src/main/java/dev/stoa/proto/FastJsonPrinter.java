package dev.stoa.proto;

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
import java.util.List;

/**
 * Hand-written printers for every message of {@code stoa/v1/client.proto}, producing exactly the
 * characters of {@code JsonFormat.printer().alwaysPrintFieldsWithNoPresence()
 * .omittingInsignificantWhitespace()}: fields in field-number order under their lowerCamel names,
 * fields without presence always printed, {@code optional} and message fields only when set,
 * uint32 as unsigned numbers, int64/uint64 as quoted (unsigned) decimals, enums by name (an
 * unrecognized enum number as a bare number), strings escaped as Gson's HTML-safe default does.
 * {@link #print} returns null for any other message type so the caller falls back to JsonFormat.
 * Any change to client.proto must be mirrored here; {@code FastJsonPrinterTest} compares against
 * JsonFormat. Stateless and thread-safe.
 */
final class FastJsonPrinter {
  /** Escapes of Gson's {@code JsonWriter} with HTML-safe escaping, for chars below 128. */
  private static final String[] ESCAPES = new String[128];

  static {
    for (int c = 0; c < 0x20; c++) {
      ESCAPES[c] = String.format("\\u%04x", c);
    }
    ESCAPES['"'] = "\\\"";
    ESCAPES['\\'] = "\\\\";
    ESCAPES['\t'] = "\\t";
    ESCAPES['\b'] = "\\b";
    ESCAPES['\n'] = "\\n";
    ESCAPES['\r'] = "\\r";
    ESCAPES['\f'] = "\\f";
    ESCAPES['<'] = "\\u003c";
    ESCAPES['>'] = "\\u003e";
    ESCAPES['&'] = "\\u0026";
    ESCAPES['='] = "\\u003d";
    ESCAPES['\''] = "\\u0027";
  }

  private static final int INITIAL_BUILDER_CHARS = 512;
  /** A per-thread builder grown beyond this by one frame is dropped after it. */
  private static final int KEPT_BUILDER_CHARS = 16 * 1024;
  private static final ThreadLocal<StringBuilder> BUILDER =
      ThreadLocal.withInitial(() -> new StringBuilder(INITIAL_BUILDER_CHARS));

  private FastJsonPrinter() {}

  /** Prints a client-protocol message, or returns null if its type is not covered. */
  static String print(com.google.protobuf.Message message) {
    StringBuilder sb = new StringBuilder(estimate(message));
    return printTo(sb, message) ? sb.toString() : null;
  }

  /**
   * Prints a client-protocol message as UTF-8 bytes, exactly the bytes of
   * {@code print(message).getBytes(UTF_8)}, or returns null if its type is not covered. The
   * characters are built in a per-thread builder and encoded once, so the frame costs one array
   * and no {@code String}.
   */
  static byte[] printUtf8(com.google.protobuf.Message message) {
    StringBuilder sb = BUILDER.get();
    sb.setLength(0);
    if (!printTo(sb, message)) {
      return null;
    }
    byte[] utf8 = Utf8Bytes.of(sb);
    if (sb.capacity() > KEPT_BUILDER_CHARS) {
      BUILDER.set(new StringBuilder(INITIAL_BUILDER_CHARS)); // a rare large frame does not pin its builder
    }
    return utf8;
  }

  private static boolean printTo(StringBuilder sb, com.google.protobuf.Message message) {
    switch (message) {
      case Frame m -> frame(sb, m);
      case dev.stoa.proto.client.Message m -> message(sb, m);
      case Push m -> push(sb, m);
      case SendAck m -> sendAck(sb, m);
      case Send m -> send(sb, m);
      case Ack m -> ack(sb, m);
      case Connect m -> connect(sb, m);
      case ConnAck m -> connAck(sb, m);
      case Pull m -> pull(sb, m);
      case Sync m -> sync(sb, m);
      case Join m -> roomId(sb, m.getRoomId());
      case Leave m -> roomId(sb, m.getRoomId());
      case Joined m -> roomId(sb, m.getRoomId());
      case Left m -> roomId(sb, m.getRoomId());
      case Ping m -> sb.append("{}");
      case Pong m -> pong(sb, m);
      case dev.stoa.proto.client.Error m -> error(sb, m);
      case Messages m -> messages(sb, m);
      case SyncResult m -> syncResult(sb, m);
      case Notify m -> notify(sb, m);
      case Kick m -> kick(sb, m);
      default -> {
        return false;
      }
    }
    return true;
  }

  private static int estimate(com.google.protobuf.Message message) {
    return message instanceof Frame f && f.hasPush()
        ? 200 + f.getPush().getMessage().getBody().length()
        : 256;
  }

  private static void frame(StringBuilder sb, Frame f) {
    sb.append('{');
    switch (f.getFrameCase()) {
      case CONNECT -> connect(sb.append("\"connect\":"), f.getConnect());
      case SEND -> send(sb.append("\"send\":"), f.getSend());
      case ACK -> ack(sb.append("\"ack\":"), f.getAck());
      case PULL -> pull(sb.append("\"pull\":"), f.getPull());
      case SYNC -> sync(sb.append("\"sync\":"), f.getSync());
      case JOIN -> roomId(sb.append("\"join\":"), f.getJoin().getRoomId());
      case LEAVE -> roomId(sb.append("\"leave\":"), f.getLeave().getRoomId());
      case PING -> sb.append("\"ping\":{}");
      case CONN_ACK -> connAck(sb.append("\"connAck\":"), f.getConnAck());
      case SEND_ACK -> sendAck(sb.append("\"sendAck\":"), f.getSendAck());
      case PUSH -> push(sb.append("\"push\":"), f.getPush());
      case MESSAGES -> messages(sb.append("\"messages\":"), f.getMessages());
      case SYNC_RESULT -> syncResult(sb.append("\"syncResult\":"), f.getSyncResult());
      case NOTIFY -> notify(sb.append("\"notify\":"), f.getNotify());
      case JOINED -> roomId(sb.append("\"joined\":"), f.getJoined().getRoomId());
      case LEFT -> roomId(sb.append("\"left\":"), f.getLeft().getRoomId());
      case PONG -> pong(sb.append("\"pong\":"), f.getPong());
      case ERROR -> error(sb.append("\"error\":"), f.getError());
      case KICK -> kick(sb.append("\"kick\":"), f.getKick());
      case FRAME_NOT_SET -> {}
    }
    sb.append('}');
  }

  private static void message(StringBuilder sb, dev.stoa.proto.client.Message m) {
    string(sb.append("{\"sessionId\":"), m.getSessionId());
    uint64(sb.append(",\"seq\":"), m.getSeq());
    uint64(sb.append(",\"preSeq\":"), m.getPreSeq());
    uint64(sb.append(",\"msgId\":"), m.getMsgId());
    uint64(sb.append(",\"preMsgId\":"), m.getPreMsgId());
    string(sb.append(",\"fromUserId\":"), m.getFromUserId());
    string(sb.append(",\"fromDeviceId\":"), m.getFromDeviceId());
    string(sb.append(",\"clientMsgId\":"), m.getClientMsgId());
    string(sb.append(",\"body\":"), m.getBody());
    int64(sb.append(",\"sentAt\":"), m.getSentAt());
    sb.append('}');
  }

  private static void messageList(StringBuilder sb, List<dev.stoa.proto.client.Message> list) {
    sb.append('[');
    for (int i = 0, n = list.size(); i < n; i++) {
      if (i > 0) {
        sb.append(',');
      }
      message(sb, list.get(i));
    }
    sb.append(']');
  }

  private static void connect(StringBuilder sb, Connect m) {
    string(sb.append("{\"token\":"), m.getToken());
    if (m.hasDeviceId()) {
      string(sb.append(",\"deviceId\":"), m.getDeviceId());
    }
    sb.append('}');
  }

  private static void send(StringBuilder sb, Send m) {
    string(sb.append("{\"clientMsgId\":"), m.getClientMsgId());
    string(sb.append(",\"sessionId\":"), m.getSessionId());
    string(sb.append(",\"body\":"), m.getBody());
    sb.append('}');
  }

  private static void ack(StringBuilder sb, Ack m) {
    string(sb.append("{\"sessionId\":"), m.getSessionId());
    uint64(sb.append(",\"msgId\":"), m.getMsgId());
    sb.append('}');
  }

  private static void pull(StringBuilder sb, Pull m) {
    string(sb.append("{\"sessionId\":"), m.getSessionId());
    uint64(sb.append(",\"afterSeq\":"), m.getAfterSeq());
    uint32(sb.append(",\"limit\":"), m.getLimit());
    sb.append('}');
  }

  private static void sync(StringBuilder sb, Sync m) {
    uint64(sb.append("{\"cursor\":"), m.getCursor());
    uint32(sb.append(",\"limit\":"), m.getLimit());
    sb.append('}');
  }

  private static void roomId(StringBuilder sb, String roomId) {
    string(sb.append("{\"roomId\":"), roomId);
    sb.append('}');
  }

  private static void connAck(StringBuilder sb, ConnAck m) {
    string(sb.append("{\"userId\":"), m.getUserId());
    string(sb.append(",\"deviceId\":"), m.getDeviceId());
    uint64(sb.append(",\"connId\":"), m.getConnId());
    int64(sb.append(",\"serverTime\":"), m.getServerTime());
    uint32(sb.append(",\"heartbeatSeconds\":"), m.getHeartbeatSeconds());
    sb.append('}');
  }

  private static void sendAck(StringBuilder sb, SendAck m) {
    string(sb.append("{\"clientMsgId\":"), m.getClientMsgId());
    string(sb.append(",\"sessionId\":"), m.getSessionId());
    uint64(sb.append(",\"msgId\":"), m.getMsgId());
    uint64(sb.append(",\"seq\":"), m.getSeq());
    uint64(sb.append(",\"preSeq\":"), m.getPreSeq());
    uint64(sb.append(",\"preMsgId\":"), m.getPreMsgId());
    int64(sb.append(",\"sentAt\":"), m.getSentAt());
    code(sb.append(",\"code\":"), m.getCode(), m.getCodeValue());
    sb.append('}');
  }

  private static void push(StringBuilder sb, Push m) {
    if (m.hasMessage()) {
      message(sb.append("{\"message\":"), m.getMessage());
      sb.append('}');
    } else {
      sb.append("{}");
    }
  }

  private static void messages(StringBuilder sb, Messages m) {
    string(sb.append("{\"sessionId\":"), m.getSessionId());
    messageList(sb.append(",\"messages\":"), m.getMessagesList());
    sb.append(",\"hasMore\":").append(m.getHasMore()).append('}');
  }

  private static void syncResult(StringBuilder sb, SyncResult m) {
    messageList(sb.append("{\"messages\":"), m.getMessagesList());
    uint64(sb.append(",\"cursor\":"), m.getCursor());
    sb.append(",\"hasMore\":").append(m.getHasMore()).append('}');
  }

  private static void notify(StringBuilder sb, Notify m) {
    string(sb.append("{\"sessionId\":"), m.getSessionId());
    uint64(sb.append(",\"latestSeq\":"), m.getLatestSeq());
    sb.append('}');
  }

  private static void pong(StringBuilder sb, Pong m) {
    int64(sb.append("{\"serverTime\":"), m.getServerTime());
    sb.append('}');
  }

  private static void error(StringBuilder sb, dev.stoa.proto.client.Error m) {
    code(sb.append("{\"code\":"), m.getCode(), m.getCodeValue());
    string(sb.append(",\"message\":"), m.getMessage());
    if (m.hasClientMsgId()) {
      string(sb.append(",\"clientMsgId\":"), m.getClientMsgId());
    }
    sb.append('}');
  }

  private static void kick(StringBuilder sb, Kick m) {
    string(sb.append("{\"reason\":"), m.getReason());
    sb.append('}');
  }

  private static void uint64(StringBuilder sb, long v) {
    sb.append('"');
    if (v >= 0) {
      sb.append(v);
    } else {
      sb.append(Long.toUnsignedString(v));
    }
    sb.append('"');
  }

  private static void int64(StringBuilder sb, long v) {
    sb.append('"').append(v).append('"');
  }

  private static void uint32(StringBuilder sb, int v) {
    if (v >= 0) {
      sb.append(v);
    } else {
      sb.append(Integer.toUnsignedString(v));
    }
  }

  /** JsonFormat prints a number it has no name for as a bare number. */
  private static void code(StringBuilder sb, Code code, int number) {
    if (code == Code.UNRECOGNIZED) {
      sb.append(number);
    } else {
      sb.append('"').append(code.name()).append('"');
    }
  }

  /** Appends {@code s} quoted and escaped exactly as Gson's default (HTML-safe) writer does. */
  static void string(StringBuilder sb, String s) {
    sb.append('"');
    int start = 0;
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      String escape;
      if (c < 128) {
        escape = ESCAPES[c];
        if (escape == null) {
          continue;
        }
      } else if (c == '\u2028') {
        escape = "\\u2028";
      } else if (c == '\u2029') {
        escape = "\\u2029";
      } else {
        continue;
      }
      if (start < i) {
        sb.append(s, start, i);
      }
      sb.append(escape);
      start = i + 1;
    }
    if (start < n) {
      sb.append(s, start, n);
    }
    sb.append('"');
  }
}
