package dev.stoa.sdk.impl;

import dev.stoa.proto.client.Ack;
import dev.stoa.proto.client.Connect;
import dev.stoa.proto.client.Frame;
import dev.stoa.proto.client.Join;
import dev.stoa.proto.client.Leave;
import dev.stoa.proto.client.Ping;
import dev.stoa.proto.client.Pull;
import dev.stoa.proto.client.Send;
import dev.stoa.proto.client.Sync;

/** Builders for the client-to-server frames of PROTOCOL.md. Stateless. */
public final class ClientFrames {
  private ClientFrames() {}

  public static Frame connect(String token, String deviceId) {
    Connect.Builder connect = Connect.newBuilder().setToken(token);
    if (deviceId != null) {
      connect.setDeviceId(deviceId);
    }
    return Frame.newBuilder().setConnect(connect).build();
  }

  public static Frame send(String clientMsgId, String sessionId, String body) {
    return Frame.newBuilder()
        .setSend(Send.newBuilder().setClientMsgId(clientMsgId).setSessionId(sessionId).setBody(body))
        .build();
  }

  public static Frame ack(String sessionId, long msgId) {
    return Frame.newBuilder().setAck(Ack.newBuilder().setSessionId(sessionId).setMsgId(msgId)).build();
  }

  public static Frame pull(String sessionId, long afterSeq, int limit) {
    return Frame.newBuilder()
        .setPull(Pull.newBuilder().setSessionId(sessionId).setAfterSeq(afterSeq).setLimit(limit))
        .build();
  }

  public static Frame sync(long cursor, int limit) {
    return Frame.newBuilder().setSync(Sync.newBuilder().setCursor(cursor).setLimit(limit)).build();
  }

  public static Frame join(String roomId) {
    return Frame.newBuilder().setJoin(Join.newBuilder().setRoomId(roomId)).build();
  }

  public static Frame leave(String roomId) {
    return Frame.newBuilder().setLeave(Leave.newBuilder().setRoomId(roomId)).build();
  }

  public static Frame ping() {
    return Frame.newBuilder().setPing(Ping.getDefaultInstance()).build();
  }
}
