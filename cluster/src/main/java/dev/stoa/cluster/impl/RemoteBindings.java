package dev.stoa.cluster.impl;

import dev.stoa.proto.internal.AppendRequest;
import dev.stoa.proto.internal.AppendResult;
import dev.stoa.proto.internal.CloseRoomRequest;
import dev.stoa.proto.internal.CloseRoomResult;
import dev.stoa.proto.internal.FetchRequest;
import dev.stoa.proto.internal.FetchResult;
import dev.stoa.proto.internal.Index;
import dev.stoa.proto.internal.IndexGrpcClient;
import dev.stoa.proto.internal.ReadRequest;
import dev.stoa.proto.internal.ReadResult;
import dev.stoa.proto.internal.RoomClosedNotice;
import dev.stoa.proto.internal.RoomMembership;
import dev.stoa.proto.internal.RoomReply;
import dev.stoa.proto.internal.Rooms;
import dev.stoa.proto.internal.RoomsGrpcClient;
import dev.stoa.proto.internal.AckRequest;
import dev.stoa.proto.internal.Connection;
import dev.stoa.proto.internal.DeliverReply;
import dev.stoa.proto.internal.DeliverRequest;
import dev.stoa.proto.internal.Empty;
import dev.stoa.proto.internal.Gateway;
import dev.stoa.proto.internal.GatewayGrpcClient;
import dev.stoa.proto.internal.PullRequest;
import dev.stoa.proto.internal.PullResult;
import dev.stoa.proto.internal.PushRequest;
import dev.stoa.proto.internal.Reader;
import dev.stoa.proto.internal.ReaderGrpcClient;
import dev.stoa.proto.internal.SendRequest;
import dev.stoa.proto.internal.SendResult;
import dev.stoa.proto.internal.State;
import dev.stoa.proto.internal.StateGrpcClient;
import dev.stoa.proto.internal.SyncReply;
import dev.stoa.proto.internal.SyncRequest;
import dev.stoa.proto.internal.Writer;
import dev.stoa.proto.internal.WriterGrpcClient;
import io.vertx.core.Future;
import io.vertx.core.net.SocketAddress;

/**
 * The gRPC clients of the four role interfaces for one endpoint ({@code host:port}); cached per
 * address by the directory. Cheap: the connection pool lives in the shared {@link GrpcCalls}.
 * Immutable; thread-safe.
 */
public final class RemoteBindings {
  private final String address;
  private final Writer writer;
  private final Reader reader;
  private final State state;
  private final Gateway gateway;
  private final Index index;
  private final Rooms rooms;

  public RemoteBindings(GrpcCalls calls, String host, int port) {
    this.address = host + ":" + port;
    SocketAddress to = SocketAddress.inetSocketAddress(port, host);
    this.writer = new RemoteWriter(calls, to, "writer at " + address);
    this.reader = new RemoteReader(calls, to, "reader at " + address);
    this.state = new RemoteState(calls, to, "state server at " + address);
    this.gateway = new RemoteGateway(calls, to, "gateway at " + address);
    this.index = new RemoteIndex(calls, to, "index server at " + address);
    this.rooms = new RemoteRooms(calls, to, "room fan-out at " + address);
  }

  public String address() {
    return address;
  }

  public Writer writer() {
    return writer;
  }

  public Reader reader() {
    return reader;
  }

  public State state() {
    return state;
  }

  public Gateway gateway() {
    return gateway;
  }

  public Index index() {
    return index;
  }

  public Rooms rooms() {
    return rooms;
  }

  private record RemoteIndex(GrpcCalls calls, SocketAddress to, String what) implements Index {
    @Override
    public Future<AppendResult> append(AppendRequest request) {
      return calls.unary(to, what, IndexGrpcClient.Append, request);
    }

    @Override
    public Future<ReadResult> read(ReadRequest request) {
      return calls.unary(to, what, IndexGrpcClient.Read, request);
    }

    @Override
    public Future<FetchResult> fetch(FetchRequest request) {
      return calls.unary(to, what, IndexGrpcClient.Fetch, request);
    }

    @Override
    public Future<CloseRoomResult> closeRoom(CloseRoomRequest request) {
      return calls.unary(to, what, IndexGrpcClient.CloseRoom, request);
    }
  }

  private record RemoteRooms(GrpcCalls calls, SocketAddress to, String what) implements Rooms {
    @Override
    public Future<RoomReply> join(RoomMembership request) {
      return calls.unary(to, what, RoomsGrpcClient.Join, request);
    }

    @Override
    public Future<RoomReply> leave(RoomMembership request) {
      return calls.unary(to, what, RoomsGrpcClient.Leave, request);
    }

    @Override
    public Future<Empty> closed(RoomClosedNotice request) {
      return calls.unary(to, what, RoomsGrpcClient.Closed, request);
    }
  }

  private record RemoteWriter(GrpcCalls calls, SocketAddress to, String what) implements Writer {
    @Override
    public Future<SendResult> send(SendRequest request) {
      return calls.unary(to, what, WriterGrpcClient.Send, request);
    }
  }

  private record RemoteReader(GrpcCalls calls, SocketAddress to, String what) implements Reader {
    @Override
    public Future<PullResult> pull(PullRequest request) {
      return calls.unary(to, what, ReaderGrpcClient.Pull, request);
    }

    @Override
    public Future<SyncReply> sync(SyncRequest request) {
      return calls.unary(to, what, ReaderGrpcClient.Sync, request);
    }
  }

  private record RemoteState(GrpcCalls calls, SocketAddress to, String what) implements State {
    @Override
    public Future<Empty> attach(Connection request) {
      return calls.unary(to, what, StateGrpcClient.Attach, request);
    }

    @Override
    public Future<Empty> detach(Connection request) {
      return calls.unary(to, what, StateGrpcClient.Detach, request);
    }

    @Override
    public Future<Empty> push(PushRequest request) {
      return calls.unary(to, what, StateGrpcClient.Push, request);
    }

    @Override
    public Future<Empty> ack(AckRequest request) {
      return calls.unary(to, what, StateGrpcClient.Ack, request);
    }
  }

  private record RemoteGateway(GrpcCalls calls, SocketAddress to, String what) implements Gateway {
    @Override
    public Future<DeliverReply> deliver(DeliverRequest request) {
      return calls.unary(to, what, GatewayGrpcClient.Deliver, request);
    }
  }
}
