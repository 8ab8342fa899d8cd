package dev.stoa.reader.impl;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.stoa.common.metrics.Metrics;
import dev.stoa.kv.KvStore;
import dev.stoa.kv.chain.ChainKeys;
import dev.stoa.proto.client.Message;
import io.micrometer.core.instrument.Counter;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * Reads the bodies ({@link ChainKeys#body}) of the messages a chain page names, with one
 * multiGet. A body that is absent, does not parse as a {@link Message}, or names another session,
 * seq or msgId than its chain entry is an error of that one message: it is logged at WARNING,
 * counted in {@code stoa_reader_missing_bodies_total} and skipped; the rest of the page is
 * returned. Blocks on the store; thread-safe.
 */
public final class BodyLoader {
  private static final Logger LOG = Logger.getLogger(BodyLoader.class.getName());

  private final KvStore kv;
  private final Counter missingBodies = Counter.builder("stoa_reader_missing_bodies")
      .description("chain entries whose message body is absent or unreadable; skipped")
      .register(Metrics.registry());

  public BodyLoader(KvStore kv) {
    this.kv = kv;
  }

  /** The messages of {@code refs} in their order, without the ones whose body is unusable. */
  public List<Message> load(List<BodyRef> refs, String read) {
    if (refs.isEmpty()) {
      return new ArrayList<>();
    }
    List<byte[]> keys = new ArrayList<>(refs.size());
    for (BodyRef r : refs) {
      keys.add(ChainKeys.body(r.msgId()));
    }
    List<byte[]> values = kv.multiGet(keys);
    List<Message> out = new ArrayList<>(refs.size());
    for (int i = 0; i < refs.size(); i++) {
      BodyRef ref = refs.get(i);
      byte[] value = values.get(i);
      if (value == null) {
        skip(read, ref, "its body is missing");
        continue;
      }
      Message m;
      try {
        m = Message.parseFrom(value);
      } catch (InvalidProtocolBufferException e) {
        skip(read, ref, "its body (" + value.length + " bytes) is not a Message: " + e.getMessage());
        continue;
      }
      if (m.getMsgId() != ref.msgId() || m.getSeq() != ref.seq() || !m.getSessionId().equals(ref.sessionId())) {
        skip(read, ref, "its body names " + m.getSessionId() + " seq " + m.getSeq() + " msgId "
            + Long.toUnsignedString(m.getMsgId()));
        continue;
      }
      out.add(m);
    }
    return out;
  }

  private void skip(String read, BodyRef ref, String problem) {
    missingBodies.increment();
    LOG.warning("skipped a message in " + read + ": " + ref.sessionId() + " seq " + ref.seq() + " (msgId "
        + Long.toUnsignedString(ref.msgId()) + "): " + problem);
  }
}
