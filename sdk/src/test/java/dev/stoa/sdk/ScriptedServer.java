package dev.stoa.sdk;

import dev.stoa.proto.client.Code;
import dev.stoa.proto.client.ConnAck;
import dev.stoa.proto.client.Error;
import dev.stoa.proto.client.Frame;
import dev.stoa.proto.client.Joined;
import dev.stoa.proto.client.Kick;
import dev.stoa.proto.client.Message;
import dev.stoa.proto.client.Messages;
import dev.stoa.proto.client.Pong;
import dev.stoa.proto.client.Push;
import dev.stoa.proto.client.SendAck;
import dev.stoa.proto.client.SyncResult;
import dev.stoa.sdk.impl.FrameDecodeException;
import dev.stoa.sdk.impl.JsonFrames;
import dev.stoa.sdk.impl.ProtobufFrames;
import dev.stoa.sdk.impl.VarintFraming;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A scripted peer speaking the client protocol of PROTOCOL.md on loopback, just enough to drive the
 * SDK over real sockets: the token is the user id ("bad…" is refused), sends are sequenced per
 * session and deduplicated by (user, clientMsgId), pushed to every other connection of the
 * session's members, and listed in each member's user chain for sync (cursor = chain position). It
 * is not the Stoa gateway: protocol behaviour against the real server is tested in launcher/.
 * Thread-safe (state behind the monitor; sockets run on the server's event loops).
 */
final class ScriptedServer {
  final Vertx vertx;
  private HttpServer http;
  private NetServer tcp;

  final List<Frame> received = new CopyOnWriteArrayList<>();
  final List<String> encodings = new CopyOnWriteArrayList<>();
  private final List<Conn> conns = new ArrayList<>();
  private final Map<String, List<Message>> sessions = new HashMap<>();
  private final Map<String, List<Message>> userChains = new HashMap<>();
  private final Map<String, SendAck> dedup = new HashMap<>();
  private int dropSends;
  private int heartbeatSeconds = 30;
  private boolean answerPings = true;
  private long nextMsgId = 1_000_000_000_000L;
  private long connIds;

  /** One client connection. */
  final class Conn {
    final Consumer<Frame> writer;
    final Runnable closer;
    String userId;
    String encoding;

    Conn(Consumer<Frame> writer, Runnable closer) {
      this.writer = writer;
      this.closer = closer;
    }
  }

  ScriptedServer(Vertx vertx) {
    this.vertx = vertx;
  }

  Future<Void> start() {
    http = vertx.createHttpServer().webSocketHandler(this::onWebSocket);
    tcp = vertx.createNetServer().connectHandler(this::onSocket);
    return Future.all(http.listen(0, "127.0.0.1"), tcp.listen(0, "127.0.0.1")).mapEmpty();
  }

  Future<Void> stop() {
    return Future.all(http.close(), tcp.close()).mapEmpty();
  }

  String wsUri() {
    return "ws://127.0.0.1:" + http.actualPort() + "/v1/ws";
  }

  int tcpPort() {
    return tcp.actualPort();
  }

  synchronized void dropNextSends(int count) {
    dropSends = count;
  }

  synchronized void heartbeatSeconds(int seconds) {
    heartbeatSeconds = seconds;
  }

  synchronized void answerPings(boolean answer) {
    answerPings = answer;
  }

  /** Closes every connection of {@code userId}, as a network failure or a gateway restart would. */
  void dropConnections(String userId) {
    List<Conn> victims;
    synchronized (this) {
      victims = conns.stream().filter(c -> userId.equals(c.userId)).toList();
    }
    victims.forEach(c -> c.closer.run());
  }

  /** Writes {@code frame} to every connection of {@code userId}. */
  void sendTo(String userId, Frame frame) {
    List<Conn> targets;
    synchronized (this) {
      targets = conns.stream().filter(c -> userId.equals(c.userId)).toList();
    }
    targets.forEach(c -> c.writer.accept(frame));
  }

  void kick(String userId, String reason) {
    sendTo(userId, Frame.newBuilder().setKick(Kick.newBuilder().setReason(reason)).build());
  }

  /** Stores a message as if sent by {@code from}, without pushing it. */
  synchronized Message store(String from, String sessionId, String body) {
    return append(from, "srv", "srv-" + nextMsgId, sessionId, body);
  }

  List<Frame> receivedOfKind(Frame.FrameCase kind) {
    return received.stream().filter(f -> f.getFrameCase() == kind).toList();
  }

  int connectionCount(String userId) {
    synchronized (this) {
      return (int) conns.stream().filter(c -> userId.equals(c.userId)).count();
    }
  }

  // ---- transports ----

  private void onWebSocket(ServerWebSocket ws) {
    Conn[] holder = new Conn[1];
    holder[0] = new Conn(frame -> {
      if ("json".equals(holder[0].encoding)) {
        ws.writeTextMessage(JsonFrames.encode(frame));
      } else {
        ws.writeBinaryMessage(ProtobufFrames.encode(frame));
      }
    }, () -> ws.close());
    ws.textMessageHandler(text -> {
      encodings.add("json");
      try {
        handle(holder[0], JsonFrames.decode(text), "json");
      } catch (FrameDecodeException e) {
        ws.close();
      }
    });
    ws.binaryMessageHandler(bytes -> {
      encodings.add("binary");
      try {
        handle(holder[0], ProtobufFrames.decode(bytes), "binary");
      } catch (FrameDecodeException e) {
        ws.close();
      }
    });
    ws.closeHandler(v -> forget(holder[0]));
  }

  private void onSocket(NetSocket socket) {
    VarintFraming.Decoder decoder = new VarintFraming.Decoder(1 << 20);
    Conn conn = new Conn(frame -> socket.write(VarintFraming.encode(frame)), () -> socket.close());
    socket.handler(chunk -> {
      try {
        for (Buffer payload : decoder.feed(chunk)) {
          encodings.add("tcp");
          handle(conn, ProtobufFrames.decode(payload), "tcp");
        }
      } catch (FrameDecodeException e) {
        socket.close();
      }
    });
    socket.closeHandler(v -> forget(conn));
  }

  private synchronized void forget(Conn conn) {
    conns.remove(conn);
  }

  // ---- protocol ----

  private void handle(Conn conn, Frame frame, String encoding) {
    received.add(frame);
    List<Runnable> writes = new ArrayList<>();
    synchronized (this) {
      if (frame.getFrameCase() != Frame.FrameCase.CONNECT && conn.userId == null) {
        writes.add(() -> conn.writer.accept(error(Code.UNAUTHENTICATED, "first frame must be connect", null)));
        writes.add(conn.closer);
      } else {
        respond(conn, frame, encoding, writes);
      }
    }
    writes.forEach(Runnable::run);
  }

  private void respond(Conn conn, Frame frame, String encoding, List<Runnable> writes) {
    switch (frame.getFrameCase()) {
      case CONNECT -> {
        String token = frame.getConnect().getToken();
        conn.encoding = encoding;
        if (token.startsWith("bad")) {
          writes.add(() -> conn.writer.accept(error(Code.UNAUTHENTICATED, "token: invalid signature", null)));
          writes.add(conn.closer);
          return;
        }
        conn.userId = token;
        conns.add(conn);
        ConnAck ack = ConnAck.newBuilder().setUserId(token).setDeviceId(frame.getConnect().getDeviceId())
            .setConnId(++connIds).setServerTime(System.currentTimeMillis()).setHeartbeatSeconds(heartbeatSeconds).build();
        writes.add(() -> conn.writer.accept(Frame.newBuilder().setConnAck(ack).build()));
      }
      case SEND -> {
        if (dropSends > 0) {
          dropSends--;
          return;
        }
        var send = frame.getSend();
        if (send.getBody().equals("forbidden")) {
          writes.add(() -> conn.writer.accept(error(Code.FORBIDDEN, "sessionId: not a member", send.getClientMsgId())));
          return;
        }
        String key = conn.userId + "/" + send.getClientMsgId();
        SendAck known = dedup.get(key);
        if (known == null) {
          Message message = append(conn.userId, "dev", send.getClientMsgId(), send.getSessionId(), send.getBody());
          known = SendAck.newBuilder().setClientMsgId(send.getClientMsgId()).setSessionId(message.getSessionId())
              .setMsgId(message.getMsgId()).setSeq(message.getSeq()).setPreSeq(message.getPreSeq())
              .setPreMsgId(message.getPreMsgId()).setSentAt(message.getSentAt()).setCode(Code.OK).build();
          dedup.put(key, known);
          Frame push = Frame.newBuilder().setPush(Push.newBuilder().setMessage(message)).build();
          for (Conn other : conns) {
            if (other != conn && members(message.getSessionId()).contains(other.userId)) {
              writes.add(() -> other.writer.accept(push));
            }
          }
        }
        Frame ack = Frame.newBuilder().setSendAck(known).build();
        writes.add(0, () -> conn.writer.accept(ack));
      }
      case PULL -> {
        var pull = frame.getPull();
        List<Message> all = sessions.getOrDefault(pull.getSessionId(), List.of());
        List<Message> after = all.stream().filter(m -> m.getSeq() > pull.getAfterSeq()).toList();
        List<Message> page = after.subList(0, Math.min(pull.getLimit(), after.size()));
        Frame answer = Frame.newBuilder().setMessages(Messages.newBuilder().setSessionId(pull.getSessionId())
            .addAllMessages(page).setHasMore(after.size() > page.size())).build();
        writes.add(() -> conn.writer.accept(answer));
      }
      case SYNC -> {
        var sync = frame.getSync();
        List<Message> chain = userChains.getOrDefault(conn.userId, List.of());
        int from = (int) Math.min(sync.getCursor(), chain.size());
        int to = Math.min(chain.size(), from + sync.getLimit());
        Frame answer = Frame.newBuilder().setSyncResult(SyncResult.newBuilder()
            .addAllMessages(chain.subList(from, to)).setCursor(to).setHasMore(to < chain.size())).build();
        writes.add(() -> conn.writer.accept(answer));
      }
      case JOIN -> writes.add(() -> conn.writer.accept(
          Frame.newBuilder().setJoined(Joined.newBuilder().setRoomId(frame.getJoin().getRoomId())).build()));
      case PING -> {
        if (answerPings) {
          writes.add(() -> conn.writer.accept(
              Frame.newBuilder().setPong(Pong.newBuilder().setServerTime(System.currentTimeMillis())).build()));
        }
      }
      default -> {}
    }
  }

  private Message append(String from, String device, String clientMsgId, String target, String body) {
    String sessionId = canonical(from, target);
    List<Message> list = sessions.computeIfAbsent(sessionId, k -> new ArrayList<>());
    Message previous = list.isEmpty() ? null : list.getLast();
    Message message = Message.newBuilder().setSessionId(sessionId)
        .setSeq(previous == null ? 1 : previous.getSeq() + 1)
        .setPreSeq(previous == null ? 0 : previous.getSeq())
        .setMsgId(nextMsgId++)
        .setPreMsgId(previous == null ? 0 : previous.getMsgId())
        .setFromUserId(from).setFromDeviceId(device).setClientMsgId(clientMsgId).setBody(body)
        .setSentAt(System.currentTimeMillis()).build();
    list.add(message);
    for (String member : members(sessionId)) {
      userChains.computeIfAbsent(member, k -> new ArrayList<>()).add(message);
    }
    return message;
  }

  private static String canonical(String from, String target) {
    if (target.startsWith("user:")) {
      String peer = target.substring(5);
      return from.compareTo(peer) < 0 ? "c2c:" + from + ":" + peer : "c2c:" + peer + ":" + from;
    }
    return target;
  }

  private static List<String> members(String sessionId) {
    if (sessionId.startsWith("c2c:")) {
      String[] parts = sessionId.split(":");
      return List.of(parts[1], parts[2]);
    }
    return List.of();
  }

  private static Frame error(Code code, String message, String clientMsgId) {
    Error.Builder error = Error.newBuilder().setCode(code).setMessage(message);
    if (clientMsgId != null) {
      error.setClientMsgId(clientMsgId);
    }
    return Frame.newBuilder().setError(error).build();
  }
}
