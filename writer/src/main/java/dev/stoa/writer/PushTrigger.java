package dev.stoa.writer;

import dev.stoa.proto.client.Message;
import io.vertx.core.Future;
import java.util.List;

/**
 * Hands a stored message to the state servers of the session's members, after its sendAck
 * (DESIGN.md §3). Best effort: the message is durable already, and a member that misses the push
 * finds it by pull or sync. The production implementation is {@link RoutedPushTrigger}; tests of
 * the send pipeline pass a recording one. Called on a Vert.x context; must not block.
 */
@FunctionalInterface
public interface PushTrigger {

  /** Does nothing; for a writer without recipients to reach (tools, tests). */
  PushTrigger NONE = (members, senderConnId, message) -> Future.succeededFuture();

  /**
   * Pushes {@code message} to every live connection of {@code members}, except the sending
   * connection {@code senderConnId} (0 for a send over HTTP, which has none). The future completes
   * when every push was attempted; failures are logged and counted by the implementation.
   */
  Future<Void> push(List<String> members, long senderConnId, Message message);
}
