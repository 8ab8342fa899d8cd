package dev.stoa.bench.impl;

import io.vertx.core.http.WebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * JSON text frames, as a browser would send them. Outgoing send, ack, join and ping frames are built by
 * concatenation: ids and bench bodies need no escaping, and the generator's own cost must stay
 * small beside the server's. Incoming frames are parsed with Vert.x's Jackson-backed
 * {@link JsonObject}. 64-bit ids are decimal strings both ways. Stateless.
 */
public final class JsonStoaCodec implements StoaCodec {
  private static final String PUSH_PREFIX = "{\"push\":{\"message\":{";
  private static final String SEND_ACK_PREFIX = "{\"sendAck\":{";

  /**
   * The fast path for the frame a load receives most, a {@code push}: the fields are cut out of the
   * text by name instead of building a JsonObject tree, so the generator's cost per push stays small
   * beside the server's. Safe because an unescaped {@code "name":"} can only occur at a key (a quote
   * inside a string value is always escaped). Returns false, leaving the frame to the full parser,
   * when a field is missing, holds an escape, or a number does not parse.
   */
  static boolean decodePush(String text, Events events) {
    String sessionId = stringField(text, "\"sessionId\":\"");
    String fromUserId = stringField(text, "\"fromUserId\":\"");
    String body = stringField(text, "\"body\":\"");
    String msgId = stringField(text, "\"msgId\":\"");
    String seq = stringField(text, "\"seq\":\"");
    String preSeq = stringField(text, "\"preSeq\":\"");
    if (sessionId == null || fromUserId == null || body == null || msgId == null || seq == null || preSeq == null) {
      return false;
    }
    try {
      events.push(sessionId, Long.parseUnsignedLong(msgId), Long.parseUnsignedLong(seq),
          Long.parseUnsignedLong(preSeq), fromUserId, body);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /**
   * The fast path for the other frame every message brings, a {@code sendAck}, cut out by name as
   * {@link #decodePush} does; returns false, leaving the frame to the full parser, when clientMsgId,
   * code or seq is missing, holds an escape, or seq does not parse.
   */
  static boolean decodeSendAck(String text, Events events) {
    String clientMsgId = stringField(text, "\"clientMsgId\":\"");
    String code = stringField(text, "\"code\":\"");
    String seq = stringField(text, "\"seq\":\"");
    if (clientMsgId == null || code == null || seq == null) {
      return false;
    }
    try {
      events.sendAck(clientMsgId, code, Long.parseUnsignedLong(seq));
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** The value of the string field whose key (with its opening quote) is {@code key}, or null. */
  private static String stringField(String text, String key) {
    int at = text.indexOf(key);
    if (at < 0) {
      return null;
    }
    int from = at + key.length();
    int to = text.indexOf('"', from);
    if (to < 0) {
      return null;
    }
    for (int i = from; i < to; i++) {
      if (text.charAt(i) == '\\') {
        return null;
      }
    }
    return text.substring(from, to);
  }

  @Override
  public void writeConnect(WebSocket ws, String token, String deviceId) {
    ws.writeTextMessage(new JsonObject()
        .put("connect", new JsonObject().put("token", token).put("deviceId", deviceId)).encode());
  }

  @Override
  public void writeSend(WebSocket ws, String clientMsgId, String sessionId, String body) {
    ws.writeTextMessage("{\"send\":{\"clientMsgId\":\"" + clientMsgId + "\",\"sessionId\":\"" + sessionId
        + "\",\"body\":\"" + body + "\"}}");
  }

  @Override
  public void writeAck(WebSocket ws, String sessionId, long msgId) {
    ws.writeTextMessage("{\"ack\":{\"sessionId\":\"" + sessionId + "\",\"msgId\":\""
        + Long.toUnsignedString(msgId) + "\"}}");
  }

  @Override
  public void writeJoin(WebSocket ws, String roomId) {
    ws.writeTextMessage("{\"join\":{\"roomId\":\"" + roomId + "\"}}");
  }

  @Override
  public void writePing(WebSocket ws) {
    ws.writeTextMessage("{\"ping\":{}}");
  }

  @Override
  public void install(WebSocket ws, Events events) {
    ws.textMessageHandler(text -> decode(text, events));
    ws.binaryMessageHandler(b -> events.other("unexpected binary frame"));
  }

  static void decode(String text, Events events) {
    if (text.startsWith(PUSH_PREFIX) && decodePush(text, events)) {
      return;
    }
    if (text.startsWith(SEND_ACK_PREFIX) && decodeSendAck(text, events)) {
      return;
    }
    JsonObject frame;
    try {
      frame = new JsonObject(text);
    } catch (DecodeException e) {
      events.other("undecodable frame");
      return;
    }
    JsonObject f;
    if ((f = frame.getJsonObject("push")) != null) {
      JsonObject m = f.getJsonObject("message", new JsonObject());
      long msgId;
      long seq;
      long preSeq;
      try {
        msgId = Long.parseUnsignedLong(m.getString("msgId", "0"));
        seq = Long.parseUnsignedLong(m.getString("seq", "0"));
        preSeq = Long.parseUnsignedLong(m.getString("preSeq", "0"));
      } catch (NumberFormatException e) {
        events.other("push with bad msgId, seq or preSeq");
        return;
      }
      events.push(m.getString("sessionId", ""), msgId, seq, preSeq, m.getString("fromUserId", ""),
          m.getString("body", ""));
    } else if ((f = frame.getJsonObject("sendAck")) != null) {
      long seq;
      try {
        seq = Long.parseUnsignedLong(f.getString("seq", "0"));
      } catch (NumberFormatException e) {
        seq = 0;
      }
      events.sendAck(f.getString("clientMsgId", ""), f.getString("code", "OK"), seq);
    } else if ((f = frame.getJsonObject("connAck")) != null) {
      events.connAck();
    } else if ((f = frame.getJsonObject("error")) != null) {
      events.error(f.getString("code", "?"), f.getString("message", ""), f.getString("clientMsgId"));
    } else if ((f = frame.getJsonObject("notify")) != null) {
      events.notify(f.getString("sessionId", ""));
    } else if ((f = frame.getJsonObject("joined")) != null) {
      events.joined(f.getString("roomId", ""));
    } else if ((f = frame.getJsonObject("kick")) != null) {
      events.kick(f.getString("reason", ""));
    } else {
      events.other(frame.fieldNames().isEmpty() ? "empty frame" : frame.fieldNames().iterator().next());
    }
  }
}
