package dev.stoa.bench.impl;

import io.vertx.core.http.WebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * JSON text frames, as a browser would send them. Outgoing send and ack frames are built by
 * concatenation: ids and bench bodies need no escaping, and the generator's own cost must stay
 * small beside the server's. Incoming frames are parsed with Vert.x's Jackson-backed
 * {@link JsonObject}. 64-bit ids are decimal strings both ways. Stateless.
 */
public final class JsonStoaCodec implements StoaCodec {
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
  public void install(WebSocket ws, Events events) {
    ws.textMessageHandler(text -> decode(text, events));
    ws.binaryMessageHandler(b -> events.other("unexpected binary frame"));
  }

  static void decode(String text, Events events) {
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
      try {
        msgId = Long.parseUnsignedLong(m.getString("msgId", "0"));
      } catch (NumberFormatException e) {
        events.other("push with bad msgId");
        return;
      }
      events.push(m.getString("sessionId", ""), msgId, m.getString("fromUserId", ""), m.getString("body", ""));
    } else if ((f = frame.getJsonObject("sendAck")) != null) {
      events.sendAck(f.getString("clientMsgId", ""), f.getString("code", "OK"));
    } else if ((f = frame.getJsonObject("connAck")) != null) {
      events.connAck();
    } else if ((f = frame.getJsonObject("error")) != null) {
      events.error(f.getString("code", "?"), f.getString("message", ""), f.getString("clientMsgId"));
    } else if ((f = frame.getJsonObject("notify")) != null) {
      events.notify(f.getString("sessionId", ""));
    } else {
      events.other(frame.fieldNames().isEmpty() ? "empty frame" : frame.fieldNames().iterator().next());
    }
  }
}
