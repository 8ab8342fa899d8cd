package dev.stoa.router.impl;

import dev.stoa.proto.internal.PullRequest;
import dev.stoa.proto.internal.PullResult;
import dev.stoa.proto.internal.Reader;
import dev.stoa.proto.internal.SyncReply;
import dev.stoa.proto.internal.SyncRequest;
import dev.stoa.proto.internal.Writer;
import io.vertx.core.Future;
import java.util.function.Supplier;

/**
 * A writer or reader that picks its target on every call, so a caller may keep it for the life
 * of the process: it follows instances as they are announced, withdrawn or fail over. When the
 * resolver throws (e.g. UNAVAILABLE: none announced) the call fails with that exception.
 * Thread-safe if the resolver is.
 */
public final class LateBound {
  private LateBound() {}

  public static Writer writer(Supplier<Writer> resolve) {
    return request -> {
      Writer target;
      try {
        target = resolve.get();
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
      return target.send(request);
    };
  }

  public static Reader reader(Supplier<Reader> resolve) {
    return new Reader() {
      @Override
      public Future<PullResult> pull(PullRequest request) {
        Reader target;
        try {
          target = resolve.get();
        } catch (RuntimeException e) {
          return Future.failedFuture(e);
        }
        return target.pull(request);
      }

      @Override
      public Future<SyncReply> sync(SyncRequest request) {
        Reader target;
        try {
          target = resolve.get();
        } catch (RuntimeException e) {
          return Future.failedFuture(e);
        }
        return target.sync(request);
      }
    };
  }
}
