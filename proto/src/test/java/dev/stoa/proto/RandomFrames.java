package dev.stoa.proto;

import dev.stoa.proto.client.Ack;
import dev.stoa.proto.client.Code;
import dev.stoa.proto.client.ConnAck;
import dev.stoa.proto.client.Connect;
import dev.stoa.proto.client.Frame;
import dev.stoa.proto.client.Join;
import dev.stoa.proto.client.Joined;
import dev.stoa.proto.client.Kick;
import dev.stoa.proto.client.Leave;
import dev.stoa.proto.client.Left;
import dev.stoa.proto.client.Message;
import dev.stoa.proto.client.Messages;
import dev.stoa.proto.client.Notify;
import dev.stoa.proto.client.Ping;
import dev.stoa.proto.client.Pong;
import dev.stoa.proto.client.Pull;
import dev.stoa.proto.client.Push;
import dev.stoa.proto.client.Send;
import dev.stoa.proto.client.SendAck;
import dev.stoa.proto.client.Sync;
import dev.stoa.proto.client.SyncResult;
import java.util.Random;

/** Seeded generators of client-protocol messages with awkward strings and extreme numbers. */
final class RandomFrames {
  private static final String[] PIECES = {
    "", "a", "hi bob", "\"", "\\", "<", ">", "&", "=", "'", "/", "\u2028", "\u2029", "\u007f",
    "\u0000", "\u001f", "\t", "\n", "\r", "\b", "\f", "é", "中文", "😀",
    "c2c:alice:bob", "</script>", "\\u0041", "{\"a\":1}", " ", "\u00a0", "\ufeff", "\uffff"
  };
  private static final long[] LONGS = {
    0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE, 1763800000123L, -1763800000123L, 999_999_999_999_999_999L,
    1_000_000_000_000_000_000L, 4294967295L, 4294967296L
  };
  private static final int[] INTS = {0, 1, -1, 30, 200, Integer.MAX_VALUE, Integer.MIN_VALUE};

  private final Random random;

  RandomFrames(long seed) {
    this.random = new Random(seed);
  }

  /** A code point that is not a surrogate, so the string has a UTF-8 form. */
  private static int wellFormed(int codePoint) {
    return codePoint >= 0xD800 && codePoint <= 0xDFFF ? codePoint - 0x800 : codePoint;
  }

  String string() {
    int kind = random.nextInt(4);
    if (kind == 0) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    int n = random.nextInt(6);
    for (int i = 0; i < n; i++) {
      switch (random.nextInt(3)) {
        case 0 -> sb.append(PIECES[random.nextInt(PIECES.length)]);
        case 1 -> sb.append((char) random.nextInt(0x80));
        default -> sb.appendCodePoint(wellFormed(random.nextInt(0x110000))); // no lone surrogates: they are rejected
      }
    }
    return sb.toString();
  }

  long anyLong() {
    return switch (random.nextInt(3)) {
      case 0 -> LONGS[random.nextInt(LONGS.length)];
      case 1 -> random.nextLong();
      default -> random.nextInt(1000);
    };
  }

  int anyInt() {
    return random.nextBoolean() ? INTS[random.nextInt(INTS.length)] : random.nextInt();
  }

  boolean bool() {
    return random.nextBoolean();
  }

  int codeValue() {
    int n = random.nextInt(12);
    return n < 9 ? n : 9 + random.nextInt(100); // 9.. are numbers without a name
  }

  Message message() {
    return Message.newBuilder()
        .setSessionId(string())
        .setSeq(anyLong())
        .setPreSeq(anyLong())
        .setMsgId(anyLong())
        .setPreMsgId(anyLong())
        .setFromUserId(string())
        .setFromDeviceId(string())
        .setClientMsgId(string())
        .setBody(string())
        .setSentAt(anyLong())
        .build();
  }

  Message.Builder[] messageList() {
    int n = random.nextInt(4);
    Message.Builder[] list = new Message.Builder[n];
    for (int i = 0; i < n; i++) {
      list[i] = message().toBuilder();
    }
    return list;
  }

  /** A frame of the given oneof case number (1..30 as in client.proto), 0 for none. */
  Frame frame(Frame.FrameCase frameCase) {
    Frame.Builder f = Frame.newBuilder();
    switch (frameCase) {
      case CONNECT -> {
        Connect.Builder b = Connect.newBuilder().setToken(string());
        if (bool()) {
          b.setDeviceId(string());
        }
        f.setConnect(b);
      }
      case SEND -> f.setSend(Send.newBuilder().setClientMsgId(string()).setSessionId(string()).setBody(string()));
      case ACK -> f.setAck(Ack.newBuilder().setSessionId(string()).setMsgId(anyLong()));
      case PULL -> f.setPull(Pull.newBuilder().setSessionId(string()).setAfterSeq(anyLong()).setLimit(anyInt()));
      case SYNC -> f.setSync(Sync.newBuilder().setCursor(anyLong()).setLimit(anyInt()));
      case JOIN -> f.setJoin(Join.newBuilder().setRoomId(string()));
      case LEAVE -> f.setLeave(Leave.newBuilder().setRoomId(string()));
      case PING -> f.setPing(Ping.getDefaultInstance());
      case CONN_ACK -> f.setConnAck(ConnAck.newBuilder().setUserId(string()).setDeviceId(string())
          .setConnId(anyLong()).setServerTime(anyLong()).setHeartbeatSeconds(anyInt()));
      case SEND_ACK -> f.setSendAck(SendAck.newBuilder().setClientMsgId(string()).setSessionId(string())
          .setMsgId(anyLong()).setSeq(anyLong()).setPreSeq(anyLong()).setPreMsgId(anyLong())
          .setSentAt(anyLong()).setCodeValue(codeValue()));
      case PUSH -> f.setPush(random.nextInt(10) == 0 ? Push.getDefaultInstance()
          : Push.newBuilder().setMessage(message()).build());
      case MESSAGES -> {
        Messages.Builder b = Messages.newBuilder().setSessionId(string()).setHasMore(bool());
        for (Message.Builder m : messageList()) {
          b.addMessages(m);
        }
        f.setMessages(b);
      }
      case SYNC_RESULT -> {
        SyncResult.Builder b = SyncResult.newBuilder().setCursor(anyLong()).setHasMore(bool());
        for (Message.Builder m : messageList()) {
          b.addMessages(m);
        }
        f.setSyncResult(b);
      }
      case NOTIFY -> f.setNotify(Notify.newBuilder().setSessionId(string()).setLatestSeq(anyLong()));
      case JOINED -> f.setJoined(Joined.newBuilder().setRoomId(string()));
      case LEFT -> f.setLeft(Left.newBuilder().setRoomId(string()));
      case PONG -> f.setPong(Pong.newBuilder().setServerTime(anyLong()));
      case ERROR -> {
        dev.stoa.proto.client.Error.Builder b =
            dev.stoa.proto.client.Error.newBuilder().setCodeValue(codeValue()).setMessage(string());
        if (bool()) {
          b.setClientMsgId(string());
        }
        f.setError(b);
      }
      case KICK -> f.setKick(Kick.newBuilder().setReason(string()));
      case FRAME_NOT_SET -> {}
    }
    return f.build();
  }

  Frame frame() {
    Frame.FrameCase[] cases = Frame.FrameCase.values();
    return frame(cases[random.nextInt(cases.length)]);
  }

  /** A frame whose enum values all have names, so it survives a JSON round trip unchanged. */
  Frame namedFrame() {
    Frame f = frame();
    if (f.hasSendAck() && f.getSendAck().getCode() == Code.UNRECOGNIZED) {
      return f.toBuilder().setSendAck(f.getSendAck().toBuilder().setCode(Code.INTERNAL)).build();
    }
    if (f.hasError() && f.getError().getCode() == Code.UNRECOGNIZED) {
      return f.toBuilder().setError(f.getError().toBuilder().setCode(Code.FORBIDDEN)).build();
    }
    return f;
  }
}
