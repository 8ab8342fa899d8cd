package dev.stoa.writer;

import dev.stoa.cluster.Services;
import dev.stoa.proto.client.Code;
import dev.stoa.proto.client.Send;
import dev.stoa.proto.client.SendAck;
import dev.stoa.proto.internal.AppendRequest;
import dev.stoa.proto.internal.AppendResult;
import dev.stoa.proto.internal.SendResult;
import dev.stoa.router.RoomTable;
import dev.stoa.cluster.ServiceDirectory;
import dev.stoa.writer.impl.ValidSend;
import io.vertx.core.Future;

/**
 * The writer's path for room sessions (DESIGN.md §3 "Send, eventual"): checks in the
 * {@link RoomTable} that the sender has joined the room (FORBIDDEN otherwise), then appends the
 * send at the index server that leads the room's shard, which assigns seq and msgId, dedups on
 * (user, device, clientMsgId) and answers once the record is durable under the shard's policy.
 * Its answer is returned as it is (a refusal keeps the leader's code and message); an unreachable
 * index server is a failed future (UNAVAILABLE). Rooms are not pushed from here: state servers
 * with members in the room pull it. Stateless; thread-safe.
 */
public final class RoomSender {
  private final RoomTable rooms;
  private final ServiceDirectory directory;

  public RoomSender(RoomTable rooms, ServiceDirectory directory) {
    this.rooms = rooms;
    this.directory = directory;
  }

  /** Sends {@code send}, already validated by the {@link SendPipeline}, to its room. */
  Future<SendResult> send(ValidSend send) {
    String roomId = send.session().first();
    return rooms.isMember(roomId, send.userId()).compose(member -> {
      if (!member) {
        return Future.succeededFuture(refusal(send, Code.FORBIDDEN, "sessionId: user '" + send.userId()
            + "' has not joined room '" + roomId + "'"));
      }
      AppendRequest request = AppendRequest.newBuilder()
          .setUserId(send.userId())
          .setDeviceId(send.deviceId())
          .setConnId(send.connId())
          .setSend(Send.newBuilder().setClientMsgId(send.clientMsgId()).setSessionId(send.session().id())
              .setBody(send.body()))
          .build();
      Future<AppendResult> appended;
      try {
        appended = directory.any(Services.INDEX).append(request);
      } catch (RuntimeException e) {
        appended = Future.failedFuture(e);
      }
      return appended.map(result -> SendResult.newBuilder().setAck(result.getAck()).setError(result.getError())
          .build());
    });
  }

  private static SendResult refusal(ValidSend send, Code code, String error) {
    SendAck ack = SendAck.newBuilder().setCode(code).setClientMsgId(send.clientMsgId())
        .setSessionId(send.session().id()).build();
    return SendResult.newBuilder().setAck(ack).setError(error).build();
  }
}
