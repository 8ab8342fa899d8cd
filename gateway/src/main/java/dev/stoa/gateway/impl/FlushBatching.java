package dev.stoa.gateway.impl;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * Puts Netty's {@link FlushConsolidationHandler} at the head of a client connection's pipeline, so
 * that frames written outside a read share one socket write. A connection gets its {@code sendAck}s
 * from the writer as event-loop tasks, one per send and many per commit round; without this each
 * is flushed alone (one {@code sendto} per frame). With it, a flush outside a read is deferred to a
 * task queued behind those already waiting, and a flush during a read to the end of the read; at
 * most {@value #FLUSHES_BEFORE_FORCED} flushes are held back. Frames are never held past the tasks
 * already queued, so latency is unchanged at low load.
 *
 * <p>The pipeline is reached through Vert.x's internal connection types; should a Vert.x upgrade
 * hand over something else, the connection works unbatched and this is logged once. Stateless;
 * call on the connection's event loop (connection and connect handlers are).
 */
final class FlushBatching {
  static final int FLUSHES_BEFORE_FORCED = 256;
  static final String HANDLER_NAME = "stoa-flush-batching";
  private static final Logger LOG = Logger.getLogger(FlushBatching.class.getName());
  private static final AtomicBoolean WARNED = new AtomicBoolean();

  private FlushBatching() {}

  /** For the HTTP server's connections, WebSocket upgrades included. */
  static void install(HttpConnection connection) {
    if (connection instanceof ConnectionBase base) {
      install(base.channelHandlerContext());
    } else {
      unavailable(connection);
    }
  }

  /** For the TCP server's sockets. */
  static void install(NetSocket socket) {
    if (socket instanceof NetSocketInternal internal) {
      install(internal.channelHandlerContext());
    } else {
      unavailable(socket);
    }
  }

  private static void install(ChannelHandlerContext ctx) {
    if (ctx.pipeline().get(HANDLER_NAME) == null) {
      ctx.pipeline().addFirst(HANDLER_NAME, new FlushConsolidationHandler(FLUSHES_BEFORE_FORCED, true));
    }
  }

  private static void unavailable(Object connection) {
    if (WARNED.compareAndSet(false, true)) {
      LOG.warning("flush batching unavailable for " + connection.getClass().getName()
          + ": every frame written outside a read is flushed on its own");
    }
  }
}
