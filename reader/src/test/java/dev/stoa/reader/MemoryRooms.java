package dev.stoa.reader;

import dev.stoa.router.RoomTable;
import io.vertx.core.Future;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Room memberships in memory, for the reader's own tests (the Hazelcast table is tested in router). */
final class MemoryRooms implements RoomTable {
  final Set<String> members = ConcurrentHashMap.newKeySet();

  @Override
  public Future<Void> join(String roomId, String userId, long connId) {
    members.add(roomId + "/" + userId);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> leave(String roomId, String userId, long connId) {
    members.remove(roomId + "/" + userId);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> refresh(Collection<Membership> memberships) {
    return Future.succeededFuture();
  }

  @Override
  public Future<Boolean> isMember(String roomId, String userId) {
    return Future.succeededFuture(members.contains(roomId + "/" + userId));
  }

  @Override
  public Future<Integer> close(String roomId) {
    int before = members.size();
    members.removeIf(m -> m.startsWith(roomId + "/"));
    return Future.succeededFuture(before - members.size());
  }
}
