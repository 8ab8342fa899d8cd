package dev.stoa.cluster;

import dev.stoa.proto.internal.Gateway;
import dev.stoa.proto.internal.GatewayGrpcClient;
import dev.stoa.proto.internal.GatewayGrpcService;
import dev.stoa.proto.internal.Index;
import dev.stoa.proto.internal.IndexGrpcClient;
import dev.stoa.proto.internal.IndexGrpcService;
import dev.stoa.proto.internal.Reader;
import dev.stoa.proto.internal.ReaderGrpcClient;
import dev.stoa.proto.internal.ReaderGrpcService;
import dev.stoa.proto.internal.Rooms;
import dev.stoa.proto.internal.RoomsGrpcClient;
import dev.stoa.proto.internal.RoomsGrpcService;
import dev.stoa.proto.internal.State;
import dev.stoa.proto.internal.StateGrpcClient;
import dev.stoa.proto.internal.StateGrpcService;
import dev.stoa.proto.internal.Writer;
import dev.stoa.proto.internal.WriterGrpcClient;
import dev.stoa.proto.internal.WriterGrpcService;
import java.util.List;

/**
 * The services of a Stoa cluster, one declaration each (the rpcs of
 * {@code proto/src/main/proto/stoa/internal/v1/services.proto}). A new service is one more
 * declaration here plus its implementation, registered by its role's root; see
 * {@code cluster/README.md}.
 */
public final class Services {
  private Services() {}

  public static final ServiceKind<Writer> WRITER = ServiceKind.define("writer", Role.WRITER, Writer.class, "writer")
      .unary(WriterGrpcService.Send, WriterGrpcClient.Send, Writer::send)
      .build();

  public static final ServiceKind<Reader> READER = ServiceKind.define("reader", Role.READER, Reader.class, "reader")
      .unary(ReaderGrpcService.Pull, ReaderGrpcClient.Pull, Reader::pull)
      .unary(ReaderGrpcService.Sync, ReaderGrpcClient.Sync, Reader::sync)
      .build();

  public static final ServiceKind<State> STATE = ServiceKind.define("state", Role.STATE, State.class, "state server")
      .unary(StateGrpcService.Attach, StateGrpcClient.Attach, State::attach)
      .unary(StateGrpcService.Detach, StateGrpcClient.Detach, State::detach)
      .unary(StateGrpcService.Push, StateGrpcClient.Push, State::push)
      .notice(StateGrpcService.Ack, StateGrpcClient.Ack, State::ack)
      .build();

  /** The room fan-out beside each state server, announced under the state server's id. */
  public static final ServiceKind<Rooms> ROOMS = ServiceKind.define("rooms", Role.STATE, Rooms.class, "room fan-out")
      .unary(RoomsGrpcService.Join, RoomsGrpcClient.Join, Rooms::join)
      .unary(RoomsGrpcService.Leave, RoomsGrpcClient.Leave, Rooms::leave)
      .unary(RoomsGrpcService.Closed, RoomsGrpcClient.Closed, Rooms::closed)
      .build();

  public static final ServiceKind<Gateway> GATEWAY = ServiceKind.define("gateway", Role.GATEWAY, Gateway.class, "gateway")
      .unary(GatewayGrpcService.Deliver, GatewayGrpcClient.Deliver, Gateway::deliver)
      .build();

  /**
   * The index server. Until the meta server assigns shards, one index server leads every shard, so
   * any announced one is the leader.
   */
  public static final ServiceKind<Index> INDEX = ServiceKind.define("index", Role.INDEX, Index.class, "index server")
      .unary(IndexGrpcService.Append, IndexGrpcClient.Append, Index::append)
      .unary(IndexGrpcService.Read, IndexGrpcClient.Read, Index::read)
      .unary(IndexGrpcService.Fetch, IndexGrpcClient.Fetch, Index::fetch)
      .unary(IndexGrpcService.CloseRoom, IndexGrpcClient.CloseRoom, Index::closeRoom)
      .build();

  /** Every service above, each served on every process's gRPC endpoint. */
  public static final List<ServiceKind<?>> ALL = List.of(WRITER, READER, STATE, ROOMS, GATEWAY, INDEX);
}
