package dev.stoa.bench.impl;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.stoa.proto.client.Ack;
import dev.stoa.proto.client.Connect;
import dev.stoa.proto.client.Frame;
import dev.stoa.proto.client.Join;
import dev.stoa.proto.client.Message;
import dev.stoa.proto.client.Ping;
import dev.stoa.proto.client.Send;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import java.util.Locale;

/** Protobuf {@link Frame}s in binary WebSocket frames, as the Java SDK may send them. Stateless. */
public final class BinaryStoaCodec implements StoaCodec {
  @Override
  public void writeConnect(WebSocket ws, String token, String deviceId) {
    write(ws, Frame.newBuilder().setConnect(Connect.newBuilder().setToken(token).setDeviceId(deviceId)).build());
  }

  @Override
  public void writeSend(WebSocket ws, String clientMsgId, String sessionId, String body) {
    write(ws, Frame.newBuilder().setSend(
        Send.newBuilder().setClientMsgId(clientMsgId).setSessionId(sessionId).setBody(body)).build());
  }

  @Override
  public void writeAck(WebSocket ws, String sessionId, long msgId) {
    write(ws, Frame.newBuilder().setAck(Ack.newBuilder().setSessionId(sessionId).setMsgId(msgId)).build());
  }

  @Override
  public void writeJoin(WebSocket ws, String roomId) {
    write(ws, Frame.newBuilder().setJoin(Join.newBuilder().setRoomId(roomId)).build());
  }

  @Override
  public void writePing(WebSocket ws) {
    write(ws, Frame.newBuilder().setPing(Ping.getDefaultInstance()).build());
  }

  @Override
  public void install(WebSocket ws, Events events) {
    ws.binaryMessageHandler(bytes -> decode(bytes, events));
    ws.textMessageHandler(text -> events.other("unexpected text frame"));
  }

  private static void write(WebSocket ws, Frame frame) {
    ws.writeBinaryMessage(Buffer.buffer(frame.toByteArray()));
  }

  static void decode(Buffer bytes, Events events) {
    Frame frame;
    try {
      frame = Frame.parseFrom(bytes.getBytes());
    } catch (InvalidProtocolBufferException e) {
      events.other("undecodable frame");
      return;
    }
    switch (frame.getFrameCase()) {
      case PUSH -> {
        Message m = frame.getPush().getMessage();
        events.push(m.getSessionId(), m.getMsgId(), m.getSeq(), m.getPreSeq(), m.getFromUserId(), m.getBody());
      }
      case SEND_ACK -> events.sendAck(frame.getSendAck().getClientMsgId(), frame.getSendAck().getCode().name(),
          frame.getSendAck().getSeq());
      case CONN_ACK -> events.connAck();
      case ERROR -> events.error(frame.getError().getCode().name(), frame.getError().getMessage(),
          frame.getError().hasClientMsgId() ? frame.getError().getClientMsgId() : null);
      case NOTIFY -> events.notify(frame.getNotify().getSessionId());
      case JOINED -> events.joined(frame.getJoined().getRoomId());
      case KICK -> events.kick(frame.getKick().getReason());
      default -> events.other(frame.getFrameCase().name().toLowerCase(Locale.ROOT));
    }
  }
}
