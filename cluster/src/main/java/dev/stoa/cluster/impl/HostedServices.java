package dev.stoa.cluster.impl;

import dev.stoa.proto.internal.AppendRequest;
import dev.stoa.proto.internal.AppendResult;
import dev.stoa.proto.internal.CloseRoomRequest;
import dev.stoa.proto.internal.CloseRoomResult;
import dev.stoa.proto.internal.FetchRequest;
import dev.stoa.proto.internal.FetchResult;
import dev.stoa.proto.internal.Index;
import dev.stoa.proto.internal.IndexGrpcService;
import dev.stoa.proto.internal.IndexService;
import dev.stoa.proto.internal.ReadRequest;
import dev.stoa.proto.internal.ReadResult;
import dev.stoa.proto.internal.RoomClosedNotice;
import dev.stoa.proto.internal.RoomMembership;
import dev.stoa.proto.internal.RoomReply;
import dev.stoa.proto.internal.Rooms;
import dev.stoa.proto.internal.RoomsGrpcService;
import dev.stoa.proto.internal.RoomsService;
import dev.stoa.proto.internal.AckRequest;
import dev.stoa.proto.internal.Connection;
import dev.stoa.proto.internal.DeliverReply;
import dev.stoa.proto.internal.DeliverRequest;
import dev.stoa.proto.internal.Empty;
import dev.stoa.proto.internal.Gateway;
import dev.stoa.proto.internal.GatewayGrpcService;
import dev.stoa.proto.internal.GatewayService;
import dev.stoa.proto.internal.PullRequest;
import dev.stoa.proto.internal.PullResult;
import dev.stoa.proto.internal.PushRequest;
import dev.stoa.proto.internal.Reader;
import dev.stoa.proto.internal.ReaderGrpcService;
import dev.stoa.proto.internal.ReaderService;
import dev.stoa.proto.internal.SendRequest;
import dev.stoa.proto.internal.SendResult;
import dev.stoa.proto.internal.State;
import dev.stoa.proto.internal.StateGrpcService;
import dev.stoa.proto.internal.StateService;
import dev.stoa.proto.internal.SyncReply;
import dev.stoa.proto.internal.SyncRequest;
import dev.stoa.proto.internal.Writer;
import dev.stoa.proto.internal.WriterGrpcService;
import dev.stoa.proto.internal.WriterService;
import dev.stoa.cluster.ServiceDirectory.Role;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.Service;
import io.vertx.grpc.server.StatusException;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The gRPC side of the direct binding: for each role a generated {@code XService} subclass that
 * forwards every call to the instance of that role currently hosted in this process (looked up
 * per call, so registering and unregistering needs no server rebinding). No hosted instance
 * answers UNAVAILABLE; a failure of the instance is answered with its {@code StoaException} code
 * and message (see {@link GrpcErrors}). Thread-safe.
 */
public final class HostedServices {
  private HostedServices() {}

  /** The services, bound to whatever {@code hosted} returns for their role (null = none). */
  public static List<Service> all(Function<Role, Object> hosted) {
    return List.of(
        WriterGrpcService.of(new HostedWriter(hosted)),
        ReaderGrpcService.of(new HostedReader(hosted)),
        StateGrpcService.of(new HostedState(hosted)),
        GatewayGrpcService.of(new HostedGateway(hosted)),
        IndexGrpcService.of(new HostedIndex(hosted)),
        RoomsGrpcService.of(new HostedRooms(hosted)));
  }


  private static <S, T> Future<T> forward(Function<Role, Object> hosted, Role role, Class<S> type,
      Function<S, Future<T>> call) {
    String what = role.name().toLowerCase(Locale.ROOT) + " hosted here";
    Object target = hosted.apply(role);
    if (target == null) {
      return Future.failedFuture(new StatusException(GrpcStatus.UNAVAILABLE,
          "no " + role.name().toLowerCase(Locale.ROOT) + " is hosted at this endpoint any more"));
    }
    Future<T> result;
    try {
      result = call.apply(type.cast(target));
    } catch (RuntimeException e) {
      return Future.failedFuture(GrpcErrors.toStatusException(what, e));
    }
    if (result == null) {
      return Future.failedFuture(new StatusException(GrpcStatus.INTERNAL, what + " returned no future"));
    }
    // a hosted service may complete on its own thread (the state server's push and ack do): the
    // answer is written from the context of the call that asked
    Context caller = Vertx.currentContext();
    Future<T> answer = caller == null ? result : Future.fromCompletionStage(result.toCompletionStage(), caller);
    return answer.recover(err -> Future.failedFuture(GrpcErrors.toStatusException(what, err)));
  }

  private static final class HostedWriter extends WriterService {
    private final Function<Role, Object> hosted;

    HostedWriter(Function<Role, Object> hosted) {
      this.hosted = hosted;
    }

    @Override
    public Future<SendResult> send(SendRequest request) {
      return forward(hosted, Role.WRITER, Writer.class, w -> w.send(request));
    }
  }

  private static final class HostedReader extends ReaderService {
    private final Function<Role, Object> hosted;

    HostedReader(Function<Role, Object> hosted) {
      this.hosted = hosted;
    }

    @Override
    public Future<PullResult> pull(PullRequest request) {
      return forward(hosted, Role.READER, Reader.class, r -> r.pull(request));
    }

    @Override
    public Future<SyncReply> sync(SyncRequest request) {
      return forward(hosted, Role.READER, Reader.class, r -> r.sync(request));
    }
  }

  private static final class HostedState extends StateService {
    private final Function<Role, Object> hosted;

    HostedState(Function<Role, Object> hosted) {
      this.hosted = hosted;
    }

    @Override
    public Future<Empty> attach(Connection request) {
      return forward(hosted, Role.STATE, State.class, s -> s.attach(request));
    }

    @Override
    public Future<Empty> detach(Connection request) {
      return forward(hosted, Role.STATE, State.class, s -> s.detach(request));
    }

    @Override
    public Future<Empty> push(PushRequest request) {
      return forward(hosted, Role.STATE, State.class, s -> s.push(request));
    }

    @Override
    public Future<Empty> ack(AckRequest request) {
      return forward(hosted, Role.STATE, State.class, s -> s.ack(request));
    }
  }

  private static final class HostedGateway extends GatewayService {
    private final Function<Role, Object> hosted;

    HostedGateway(Function<Role, Object> hosted) {
      this.hosted = hosted;
    }

    @Override
    public Future<DeliverReply> deliver(DeliverRequest request) {
      return forward(hosted, Role.GATEWAY, Gateway.class, g -> g.deliver(request));
    }
  }

  private static final class HostedIndex extends IndexService {
    private final Function<Role, Object> hosted;

    HostedIndex(Function<Role, Object> hosted) {
      this.hosted = hosted;
    }

    @Override
    public Future<AppendResult> append(AppendRequest request) {
      return forward(hosted, Role.INDEX, Index.class, i -> i.append(request));
    }

    @Override
    public Future<ReadResult> read(ReadRequest request) {
      return forward(hosted, Role.INDEX, Index.class, i -> i.read(request));
    }

    @Override
    public Future<FetchResult> fetch(FetchRequest request) {
      return forward(hosted, Role.INDEX, Index.class, i -> i.fetch(request));
    }

    @Override
    public Future<CloseRoomResult> closeRoom(CloseRoomRequest request) {
      return forward(hosted, Role.INDEX, Index.class, i -> i.closeRoom(request));
    }
  }

  private static final class HostedRooms extends RoomsService {
    private final Function<Role, Object> hosted;

    HostedRooms(Function<Role, Object> hosted) {
      this.hosted = hosted;
    }

    @Override
    public Future<RoomReply> join(RoomMembership request) {
      return forward(hosted, Role.ROOMS, Rooms.class, r -> r.join(request));
    }

    @Override
    public Future<RoomReply> leave(RoomMembership request) {
      return forward(hosted, Role.ROOMS, Rooms.class, r -> r.leave(request));
    }

    @Override
    public Future<Empty> closed(RoomClosedNotice request) {
      return forward(hosted, Role.ROOMS, Rooms.class, r -> r.closed(request));
    }
  }
}
