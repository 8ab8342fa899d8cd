package dev.stoa.cluster.impl;

import dev.stoa.proto.internal.AppendRequest;
import dev.stoa.proto.internal.AppendResult;
import dev.stoa.proto.internal.CloseRoomRequest;
import dev.stoa.proto.internal.CloseRoomResult;
import dev.stoa.proto.internal.FetchRequest;
import dev.stoa.proto.internal.FetchResult;
import dev.stoa.proto.internal.Index;
import dev.stoa.proto.internal.PullRequest;
import dev.stoa.proto.internal.PullResult;
import dev.stoa.proto.internal.ReadRequest;
import dev.stoa.proto.internal.ReadResult;
import dev.stoa.proto.internal.Reader;
import dev.stoa.proto.internal.SyncReply;
import dev.stoa.proto.internal.SyncRequest;
import dev.stoa.proto.internal.Writer;
import io.vertx.core.Future;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A writer, reader or index server that picks its target on every call, so a caller may keep it for the life
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

  public static Index index(Supplier<Index> resolve) {
    return new Index() {
      @Override
      public Future<AppendResult> append(AppendRequest request) {
        return call(resolve, t -> t.append(request));
      }

      @Override
      public Future<ReadResult> read(ReadRequest request) {
        return call(resolve, t -> t.read(request));
      }

      @Override
      public Future<FetchResult> fetch(FetchRequest request) {
        return call(resolve, t -> t.fetch(request));
      }

      @Override
      public Future<CloseRoomResult> closeRoom(CloseRoomRequest request) {
        return call(resolve, t -> t.closeRoom(request));
      }
    };
  }

  private static <S, T> Future<T> call(Supplier<S> resolve, Function<S, Future<T>> call) {
    S target;
    try {
      target = resolve.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return call.apply(target);
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
