package dev.stoa.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.stoa.common.metrics.Metrics;
import dev.stoa.kv.KvBatch;
import dev.stoa.kv.KvStore;
import dev.stoa.kv.MeteredKvStore;
import dev.stoa.kv.RocksDbKvStore;
import dev.stoa.kv.chain.ChainKeys;
import dev.stoa.kv.chain.SessionChain;
import dev.stoa.kv.chain.SessionEntry;
import dev.stoa.kv.chain.UserChain;
import dev.stoa.kv.chain.UserEntry;
import dev.stoa.proto.client.Code;
import dev.stoa.proto.client.Message;
import dev.stoa.proto.client.SendAck;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The storage half of a one-to-one send, without network or threads in between: for each message
 * the writer's dedup read, then the writer's keys (body, session entry, both user
 * entries, dedup record) added to a batch, {@code --batch} messages per relaxed write followed by
 * one WAL sync, as the writer's group commit does at saturation. Reports messages/s and the
 * process CPU per message, RocksDB's background flushes and compactions included, so a storage
 * change is measured apart from the noise of the full system; then the flush and compaction work
 * of each column family.
 *
 * <p>{@code KvWriteLoad [--messages=1500000] [--sessions=50] [--batch=100] [--body-bytes=64]
 * [--dir=<new temp dir>]}; the directory is deleted at the end unless given.
 */
public final class KvWriteLoad {
  private static final Set<String> FLAGS = Set.of("messages", "sessions", "batch", "body-bytes", "dir");

  private KvWriteLoad() {}

  private static Map<String, String> parse(String[] args) {
    Map<String, String> flags = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      String name = arg.startsWith("--") && eq > 2 ? arg.substring(2, eq) : null;
      if (name == null || !FLAGS.contains(name)) {
        throw new IllegalArgumentException("kv-write-load: unknown argument '" + arg + "'; flags: --" + FLAGS
            .stream().sorted().collect(java.util.stream.Collectors.joining("=N --")) + "=N");
      }
      flags.put(name, arg.substring(eq + 1));
    }
    return flags;
  }

  public static void main(String[] args) throws IOException {
    Map<String, String> flags = parse(args);
    long messages = Long.parseLong(flags.getOrDefault("messages", "1500000"));
    int sessions = Integer.parseInt(flags.getOrDefault("sessions", "50"));
    int batchSize = Integer.parseInt(flags.getOrDefault("batch", "100"));
    int bodyBytes = Integer.parseInt(flags.getOrDefault("body-bytes", "64"));
    boolean keep = flags.containsKey("dir");
    Path dir = keep ? Path.of(flags.get("dir")) : Files.createTempDirectory("stoa-kvload");
    if (messages < 1 || sessions < 1 || batchSize < 1 || bodyBytes < 0) {
      throw new IllegalArgumentException("--messages, --sessions, --batch must be >= 1, --body-bytes >= 0");
    }
    String body = "x".repeat(bodyBytes);
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long[] seqs = new long[sessions];
    long[] userSeqs = new long[2 * sessions];
    long msgIdBase = System.currentTimeMillis() << 22;
    try (RocksDbKvStore rocks = RocksDbKvStore.open(dir.resolve("kv"))) {
      KvStore kv = new MeteredKvStore(rocks, Metrics.registry()); // as a node runs it
      SessionChain sessionChain = new SessionChain(kv);
      UserChain userChain = new UserChain(kv);
      long cpu0 = os.getProcessCpuTime();
      long t0 = System.nanoTime();
      KvBatch batch = KvBatch.relaxed();
      for (long i = 0; i < messages; i++) {
        int s = (int) (i % sessions);
        String a = "user" + (2 * s);
        String b = "user" + (2 * s + 1);
        String sessionId = "c2c:" + a + ":" + b;
        String clientMsgId = "cm-" + i;
        if (kv.get(ChainKeys.dedup(a, "dev", clientMsgId)) != null) {
          throw new IllegalStateException("dedup record of a new clientMsgId " + clientMsgId);
        }
        long seq = ++seqs[s];
        long msgId = msgIdBase + i;
        long sentAt = System.currentTimeMillis();
        Message message = Message.newBuilder().setSessionId(sessionId).setSeq(seq).setPreSeq(seq - 1)
            .setMsgId(msgId).setPreMsgId(msgId - sessions).setFromUserId(a).setFromDeviceId("dev")
            .setClientMsgId(clientMsgId).setBody(body).setSentAt(sentAt).build();
        SendAck ack = SendAck.newBuilder().setClientMsgId(clientMsgId).setSessionId(sessionId).setMsgId(msgId)
            .setSeq(seq).setPreSeq(seq - 1).setPreMsgId(msgId - sessions).setSentAt(sentAt).setCode(Code.OK)
            .build();
        batch.put(ChainKeys.body(msgId), message.toByteArray());
        sessionChain.append(batch, sessionId, new SessionEntry(seq, msgId, seq - 1, msgId - sessions));
        userChain.append(batch, a, new UserEntry(++userSeqs[2 * s], sessionId, seq, msgId));
        userChain.append(batch, b, new UserEntry(++userSeqs[2 * s + 1], sessionId, seq, msgId));
        batch.put(ChainKeys.dedup(a, "dev", clientMsgId), ack.toByteArray());
        if ((i + 1) % batchSize == 0 || i + 1 == messages) {
          kv.write(batch);
          kv.sync();
          batch = KvBatch.relaxed();
        }
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      double cpuUs = (os.getProcessCpuTime() - cpu0) / 1e3;
      System.out.printf("kv-write-load: %d messages in %.1f s: %.0f msg/s, process CPU %.1f us/msg%n",
          messages, seconds, messages / seconds, cpuUs / messages);
      rocks.familyStats().forEach(stats -> System.out.println("kv-write-load:   " + stats));
    } finally {
      if (!keep) {
        try (Stream<Path> files = Files.walk(dir)) {
          files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }
}
