package dev.stoa.bench;

import dev.stoa.bench.impl.RoomStats;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The outcome of one {@link RoomLoad} run. Rates are per second of the measured window. A
 * <em>delivery</em> is the first push of a message to one member (publishers are members and get
 * their own messages too); the messages of the window are those whose intended send time is in it,
 * and each acked one is expected once at every member. Latency is from the intended send time to
 * the push at a member, one sample per (message, member), in milliseconds.
 *
 * @param room the room id loaded
 * @param members room members, one WebSocket connection each
 * @param publishers members that sent
 * @param offeredRate offered messages/s over all publishers
 * @param encoding json or binary
 * @param setupSeconds minting tokens, connecting and joining every member
 * @param windowSeconds length of the measured window
 * @param sentPerSec OK sendAcks received in the window per second
 * @param deliveriesPerSec first pushes received by all members in the window per second
 * @param windowMessages messages of the window acked OK
 * @param expectedDeliveries {@code windowMessages × members}
 * @param windowDeliveries first pushes of window messages received by the end of the drain
 * @param missingDeliveries {@code expectedDeliveries - windowDeliveries} (not below 0)
 * @param completeMembers members pushed exactly every acked seq, once and in order (fresh room; 0 otherwise)
 * @param latencyCount latency samples
 * @param p50Ms median latency
 * @param p99Ms 99th percentile
 * @param p999Ms 99.9th percentile
 * @param maxMs largest latency
 * @param meanMs mean latency
 * @param refused window messages refused (non-OK sendAck or error naming them)
 * @param unanswered window messages written but neither acked nor refused by the end of the drain
 * @param unsent open-loop slots never written (the generator or the socket could not keep up)
 * @param duplicates pushes of a seq the member already had
 * @param outOfOrder first pushes below a seq the member already had
 * @param gapSeqs seqs jumped over on arrival
 * @param notifies notify frames (pull mode; not pulled here)
 * @param kicks kick frames (e.g. slow consumer)
 * @param errors errors by kind; {@code errorCount} is their sum
 * @param errorCount all errors
 * @param firstError the first error text seen, or empty
 */
public record RoomReport(
    String room, int members, int publishers, int offeredRate, String encoding, double setupSeconds,
    double windowSeconds, double sentPerSec, double deliveriesPerSec, long windowMessages, long expectedDeliveries,
    long windowDeliveries, long missingDeliveries, long completeMembers, long latencyCount, double p50Ms,
    double p99Ms, double p999Ms, double maxMs, double meanMs, long refused, long unanswered, long unsent,
    long duplicates, long outOfOrder, long gapSeqs, long notifies, long kicks, Map<String, Long> errors,
    long errorCount, String firstError) {

  static RoomReport of(RoomLoadOptions o, String room, double setupSeconds, double windowSeconds, RoomStats s) {
    Histogram h = s.latencyMicros();
    boolean any = h.getTotalCount() > 0;
    long expected = s.windowAcked() * o.members();
    return new RoomReport(
        room,
        o.members(),
        o.publishers(),
        o.rate(),
        o.encoding().name().toLowerCase(Locale.ROOT),
        setupSeconds,
        windowSeconds,
        s.ackedInWindow() / windowSeconds,
        s.deliveriesInWindow() / windowSeconds,
        s.windowAcked(),
        expected,
        s.windowDeliveries(),
        Math.max(0, expected - s.windowDeliveries()),
        s.completeMembers(),
        h.getTotalCount(),
        any ? h.getValueAtPercentile(50) / 1000.0 : Double.NaN,
        any ? h.getValueAtPercentile(99) / 1000.0 : Double.NaN,
        any ? h.getValueAtPercentile(99.9) / 1000.0 : Double.NaN,
        any ? h.getMaxValue() / 1000.0 : Double.NaN,
        any ? h.getMean() / 1000.0 : Double.NaN,
        s.windowRefused(),
        Math.max(0, s.windowWritten() - s.windowAcked() - s.windowRefused()),
        s.unsent(),
        s.duplicates(),
        s.outOfOrder(),
        s.gapSeqs(),
        s.notifies(),
        s.kicks(),
        s.errors(),
        s.errorCount(),
        s.firstError() == null ? "" : s.firstError());
  }

  /** One line of JSON with every field. */
  public String toJson() {
    JsonObject errs = new JsonObject();
    errors.forEach(errs::put);
    return new JsonObject()
        .put("kind", "room")
        .put("room", room)
        .put("members", members)
        .put("connections", members)
        .put("publishers", publishers)
        .put("offeredRate", offeredRate)
        .put("encoding", encoding)
        .put("setupSeconds", round(setupSeconds))
        .put("windowSeconds", windowSeconds)
        .put("sentPerSec", round(sentPerSec))
        .put("deliveriesPerSec", round(deliveriesPerSec))
        .put("windowMessages", windowMessages)
        .put("expectedDeliveries", expectedDeliveries)
        .put("windowDeliveries", windowDeliveries)
        .put("missingDeliveries", missingDeliveries)
        .put("completeMembers", completeMembers)
        .put("latencyCount", latencyCount)
        .put("p50Ms", round(p50Ms))
        .put("p99Ms", round(p99Ms))
        .put("p999Ms", round(p999Ms))
        .put("maxMs", round(maxMs))
        .put("meanMs", round(meanMs))
        .put("refused", refused)
        .put("unanswered", unanswered)
        .put("unsent", unsent)
        .put("duplicates", duplicates)
        .put("outOfOrder", outOfOrder)
        .put("gapSeqs", gapSeqs)
        .put("notifies", notifies)
        .put("kicks", kicks)
        .put("errorCount", errorCount)
        .put("errors", errs)
        .put("firstError", firstError)
        .encode();
  }

  /** One line for people. */
  public String toHuman() {
    return String.format(Locale.ROOT,
        "room %s, %d members/connections, %d publisher(s), offered %d msg/s (%s), setup %.1f s: sent %.1f msg/s, "
            + "deliveries %.0f/s, expected %d, missing %d, complete members %d/%d, latency ms p50 %.3f p99 %.3f "
            + "p99.9 %.3f max %.3f (n=%d), refused %d, unanswered %d, unsent %d, duplicates %d, out of order %d, "
            + "gap seqs %d, kicks %d, errors %d%s",
        room, members, publishers, offeredRate, encoding, setupSeconds, sentPerSec, deliveriesPerSec,
        expectedDeliveries, missingDeliveries, completeMembers, members, p50Ms, p99Ms, p999Ms, maxMs, latencyCount,
        refused, unanswered, unsent, duplicates, outOfOrder, gapSeqs, kicks, errorCount,
        errorCount == 0 ? "" : " " + errors + " first: " + firstError);
  }

  private static Object round(double v) {
    return Double.isNaN(v) ? null : Math.round(v * 1000) / 1000.0;
  }
}
