package dev.stoa.index.wal;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;

/**
 * Child process of {@link CrashTest}: appends the records {@link WalTesting#record} describes,
 * printing {@code ACK <offset> <payload hex>} for each acknowledged one. Mode {@code kill}: appends
 * until killed. Mode {@code torn-hidden}/{@code torn-published}: after {@code count} acknowledged
 * records, leaves one record half-written and halts the JVM without any shutdown.
 *
 * <p>Arguments: {@code dir mode durability count}.
 */
public final class CrashChild {
  static final int MAX_PAYLOAD = 300;

  private CrashChild() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    String mode = args[1];
    Durability durability = Durability.valueOf(args[2]);
    int count = Integer.parseInt(args[3]);
    WalOptions options = WalOptions.DEFAULTS.withMaxRecordBytes(1024).withSegmentBytes(64 * 1024)
        .withIndexIntervalBytes(256).withDurability(durability).withGroupCommit(2, 1 << 20);
    PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true);
    HexFormat hex = HexFormat.of();
    ShardLog log = ShardLog.open(dir, options, WalTesting.CLOCK);
    out.println("OPEN " + log.endOffset());
    long next = log.endOffset();
    long limit = mode.equals("kill") ? 1_000_000 : count;
    while (next < limit) {
      // a window of 32 appends in flight, acknowledged in order from the flusher thread
      CompletableFuture<?> last = null;
      for (int i = 0; i < 32 && next < limit; i++, next++) {
        LogRecord r = WalTesting.record(next, MAX_PAYLOAD);
        last = log.append(r.epoch(), r.timestampMillis(), r.payload())
            .thenAccept(offset -> out.println("ACK " + offset + " " + hex.formatHex(r.payload())));
      }
      last.join();
    }
    LogRecord torn = WalTesting.record(next, MAX_PAYLOAD);
    byte[] payload = torn.payload().length >= 2 ? torn.payload() : new byte[] {5, 6, 7, 8};
    log.writeTornRecordForTest(torn.epoch(), torn.timestampMillis(), payload, payload.length / 2,
        mode.equals("torn-published"));
    out.println("TORN " + next);
    Runtime.getRuntime().halt(1);
  }
}
