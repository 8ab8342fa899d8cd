package dev.stoa.proto;

import dev.stoa.proto.client.Frame;
import dev.stoa.proto.client.Message;
import dev.stoa.proto.client.Push;
import dev.stoa.proto.client.Send;

/**
 * A throwaway measurement, not a test: N print+parse round trips of a push and a send frame,
 * JsonFormat vs ProtoJson, in one JVM. Run with the test class path:
 * {@code java -cp proto/target/test-classes:proto/target/classes:<deps> dev.stoa.proto.ProtoJsonTiming}.
 */
final class ProtoJsonTiming {
  private ProtoJsonTiming() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    Frame push = Frame.newBuilder().setPush(Push.newBuilder().setMessage(Message.newBuilder()
        .setSessionId("c2c:alice:bob").setSeq(12345).setPreSeq(12344).setMsgId(7345987234987234987L)
        .setPreMsgId(7345987234987234000L).setFromUserId("alice").setFromDeviceId("web-1")
        .setClientMsgId("a-12345").setBody("hello bob, this is a chat message of about sixty chars")
        .setSentAt(1763800000123L))).build();
    Frame send = Frame.newBuilder().setSend(Send.newBuilder().setClientMsgId("a-12345")
        .setSessionId("user:bob").setBody("hello bob, this is a chat message of about sixty chars")).build();
    for (int round = 0; round < 3; round++) {
      for (Frame frame : new Frame[] {push, send}) {
        String name = frame.getFrameCase().name().toLowerCase(java.util.Locale.ROOT);
        long old = time(n, frame, true);
        long neu = time(n, frame, false);
        System.out.printf("round %d %-5s N=%d  JsonFormat %6d ms (%5.2f us/op)  ProtoJson %6d ms (%5.2f us/op)  x%.1f%n",
            round, name, n, old / 1_000_000, old / 1e3 / n, neu / 1_000_000, neu / 1e3 / n, (double) old / neu);
      }
    }
  }

  private static long time(int n, Frame frame, boolean jsonFormat) throws Exception {
    long start = System.nanoTime();
    int sink = 0;
    for (int i = 0; i < n; i++) {
      String json = jsonFormat ? ProtoJson.printWithJsonFormat(frame) : ProtoJson.print(frame);
      Frame back = jsonFormat ? ProtoJson.parseFrameWithJsonFormat(json) : ProtoJson.parseFrame(json);
      sink += back.getFrameCase().getNumber();
    }
    if (sink != n * frame.getFrameCase().getNumber()) {
      throw new IllegalStateException("round trip lost the frame case");
    }
    return System.nanoTime() - start;
  }
}
