package dev.stoa.reader;

import dev.stoa.common.metrics.Metrics;
import dev.stoa.kv.chain.MergeLists;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The read side of the merge lists (DESIGN.md §3, §4): merges chains of message references
 * k-way by msgId with {@link MergeLists} (a msgId in several chains appears once), then links every
 * message to the one before it in its session and reports each missing link.
 *
 * <p><b>Linking.</b> Per session, the references are ordered by seq; each one must name the one
 * before it: {@code preSeq == previous.seq && preMsgId == previous.msgId}. The first one of a
 * session is checked only when the caller knows where the window starts ({@code windowStarts}:
 * session id to the afterSeq of the read): then its preSeq must not be above the start, or the
 * messages between are missing. A gap in seq that preSeq explains (a sequencer jump) is no
 * missing link. Two chains of which one is behind (a batch that reached one chain and not yet the
 * other, the TiKV case) merge into a complete window; only what neither chain holds is missing.
 *
 * <p><b>Reporting.</b> Missing links are returned in the {@link MergeResult}, logged at WARNING
 * and counted in {@code stoa_reader_missing_links_total}; the references are returned as they are
 * — a gap is never papered over, the client sees it through preSeq. Thread-safe.
 */
public final class ChainMerge {
  private static final Logger LOG = Logger.getLogger(ChainMerge.class.getName());
  private static final Comparator<ChainRef> BY_SEQ =
      Comparator.comparingLong(ChainRef::seq).thenComparingLong(ChainRef::msgId);

  private final Counter missingLinks;

  /** Counts in {@link Metrics#registry()}. */
  public ChainMerge() {
    this(Metrics.registry());
  }

  public ChainMerge(MeterRegistry registry) {
    this.missingLinks = Counter.builder("stoa_reader_missing_links")
        .description("messages read whose preSeq/preMsgId do not name the message before them")
        .register(registry);
  }

  /**
   * Merges {@code chains}, each ascending by msgId, into one list ascending by msgId without
   * repeated msgIds, and links it.
   *
   * @param windowStarts session id to the afterSeq the read started from, for sessions where it
   *     is known; others are linked only inside the window
   * @param read what is being read, for the log line (e.g. "pull of c2c:a:b by a")
   */
  public MergeResult merge(List<? extends List<ChainRef>> chains, Map<String, Long> windowStarts, String read) {
    return link(MergeLists.merge(chains, ChainRef::msgId), windowStarts, read);
  }

  /** Links {@code refs} as given (for a list that is already one chain, e.g. a user-chain page). */
  public MergeResult link(List<ChainRef> refs, Map<String, Long> windowStarts, String read) {
    List<MissingLink> missing = findMissingLinks(refs, windowStarts);
    for (MissingLink m : missing) {
      missingLinks.increment();
      LOG.warning("missing link in " + read + ": " + m.describe());
    }
    return new MergeResult(refs, missing);
  }

  /** The missing links of {@code refs}; pure. */
  public static List<MissingLink> findMissingLinks(List<ChainRef> refs, Map<String, Long> windowStarts) {
    Map<String, List<ChainRef>> bySession = new LinkedHashMap<>();
    for (ChainRef r : refs) {
      bySession.computeIfAbsent(r.sessionId(), k -> new ArrayList<>()).add(r);
    }
    List<MissingLink> missing = new ArrayList<>();
    for (Map.Entry<String, List<ChainRef>> e : bySession.entrySet()) {
      List<ChainRef> session = e.getValue();
      session.sort(BY_SEQ);
      ChainRef previous = null;
      for (ChainRef cur : session) {
        if (previous == null) {
          Long start = windowStarts.get(e.getKey());
          if (start != null && cur.preSeq() > start) {
            missing.add(link(cur, start, 0));
          }
        } else if (cur.preSeq() != previous.seq() || cur.preMsgId() != previous.msgId()) {
          missing.add(link(cur, previous.seq(), previous.msgId()));
        }
        previous = cur;
      }
    }
    return missing;
  }

  private static MissingLink link(ChainRef cur, long foundSeq, long foundMsgId) {
    return new MissingLink(cur.sessionId(), cur.seq(), cur.msgId(), cur.preSeq(), cur.preMsgId(),
        foundSeq, foundMsgId);
  }
}
