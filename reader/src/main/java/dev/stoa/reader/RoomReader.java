package dev.stoa.reader;

import dev.stoa.cluster.Services;
import dev.stoa.common.SessionId;
import dev.stoa.proto.client.Code;
import dev.stoa.proto.client.Messages;
import dev.stoa.proto.internal.Index;
import dev.stoa.proto.internal.PullResult;
import dev.stoa.proto.internal.ReadRequest;
import dev.stoa.router.RoomTable;
import dev.stoa.cluster.ServiceDirectory;
import io.vertx.core.Future;

/**
 * The reader's path for room sessions (DESIGN.md §3 "Pull / sync", rooms): checks in the
 * {@link RoomTable} that the user has joined the room (FORBIDDEN otherwise), then reads the seq
 * range from the ring buffer of an index server ({@link ServiceDirectory#index()}; until the meta
 * server assigns shards, the one that leads every shard). The ring holds only the newest messages
 * of a room: a pull below its oldest seq returns what is left, and the first message's preSeq shows
 * the gap. An index-server refusal keeps its code and message; an unreachable one is a failed
 * future. Stateless; thread-safe.
 */
public final class RoomReader {
  private final RoomTable rooms;
  private final ServiceDirectory directory;

  public RoomReader(RoomTable rooms, ServiceDirectory directory) {
    this.rooms = rooms;
    this.directory = directory;
  }

  Future<PullResult> pull(String userId, SessionId session, long afterSeq, int limit) {
    String roomId = session.first();
    return rooms.isMember(roomId, userId).compose(member -> {
      if (!member) {
        return Future.succeededFuture(PullResult.newBuilder().setCode(Code.FORBIDDEN)
            .setError("sessionId: user '" + userId + "' has not joined room '" + roomId + "'").build());
      }
      ReadRequest request = ReadRequest.newBuilder().setSessionId(session.id()).setAfterSeq(afterSeq)
          .setLimit(limit).build();
      Index index = directory.any(Services.INDEX);
      return index.read(request).map(r -> r.getCode() != Code.OK
          ? PullResult.newBuilder().setCode(r.getCode()).setError(r.getError()).build()
          : PullResult.newBuilder().setCode(Code.OK).setMessages(Messages.newBuilder()
              .setSessionId(session.id()).addAllMessages(r.getMessagesList()).setHasMore(r.getHasMore()))
              .build());
    });
  }
}
