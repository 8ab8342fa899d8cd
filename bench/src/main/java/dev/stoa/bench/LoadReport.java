package dev.stoa.bench;

import dev.stoa.bench.impl.CpuMeter;
import dev.stoa.bench.impl.LoadStats;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The outcome of one {@link C2cLoad} run. Rates are per second of the measured window; latency is
 * from the intended send time to the first delivery at the peer, over messages intended inside the
 * window, in milliseconds.
 *
 * @param target relay or stoa
 * @param mode open (offered rate) or max-rate (closed loop)
 * @param pairs client pairs
 * @param offeredRate offered messages/s (open loop); 0 in max-rate mode
 * @param windowSeconds length of the measured window
 * @param sentPerSec sends completed in the window per second (relay: frames written; Stoa: OK sendAcks)
 * @param deliveredPerSec first deliveries received in the window per second
 * @param latencyCount messages whose latency was recorded
 * @param p50Ms median latency
 * @param p99Ms 99th percentile
 * @param p999Ms 99.9th percentile
 * @param maxMs largest latency
 * @param meanMs mean latency
 * @param undelivered window messages written but neither delivered nor refused by the end of the drain
 * @param unsent open-loop scheduled slots never written (the generator or the socket could not keep up)
 * @param duplicates deliveries of an already delivered message
 * @param notifies Stoa notify frames (pull mode; those messages are not pulled by the generator)
 * @param errors errors by kind; {@code errorCount} is their sum
 * @param errorCount all errors
 * @param firstError the first error text seen, or empty
 * @param serverCpuMicrosPerMsg CPU of the server process in the window per message delivered in
 *     it, in microseconds; NaN when no {@code --server-pid} was given or it could not be read
 * @param generatorCpuMicrosPerMsg the same for this generator's own process
 */
public record LoadReport(
    String target, String mode, int pairs, int offeredRate, double windowSeconds, double sentPerSec,
    double deliveredPerSec, long latencyCount, double p50Ms, double p99Ms, double p999Ms, double maxMs,
    double meanMs, long undelivered, long unsent, long duplicates, long notifies, Map<String, Long> errors,
    long errorCount, String firstError, double serverCpuMicrosPerMsg, double generatorCpuMicrosPerMsg) {

  static LoadReport of(LoadOptions o, double windowSeconds, LoadStats s, CpuMeter.Sample cpuFrom,
      CpuMeter.Sample cpuTo) {
    double delivered = s.deliveredInWindow();
    Histogram h = s.latencyMicros();
    boolean any = h.getTotalCount() > 0;
    return new LoadReport(
        o.target().name().toLowerCase(Locale.ROOT),
        o.maxRate() ? "max-rate" : "open",
        o.pairs(),
        o.maxRate() ? 0 : o.rate(),
        windowSeconds,
        s.sentInWindow() / windowSeconds,
        s.deliveredInWindow() / windowSeconds,
        h.getTotalCount(),
        any ? h.getValueAtPercentile(50) / 1000.0 : Double.NaN,
        any ? h.getValueAtPercentile(99) / 1000.0 : Double.NaN,
        any ? h.getValueAtPercentile(99.9) / 1000.0 : Double.NaN,
        any ? h.getMaxValue() / 1000.0 : Double.NaN,
        any ? h.getMean() / 1000.0 : Double.NaN,
        Math.max(0, s.windowSent() - s.windowDelivered() - s.windowFailed()),
        s.unsent(),
        s.duplicates(),
        s.notifies(),
        s.errors(),
        s.errorCount(),
        s.firstError() == null ? "" : s.firstError(),
        CpuMeter.microsPerMessage(cpuFrom.serverNanos(), cpuTo.serverNanos(), delivered),
        CpuMeter.microsPerMessage(cpuFrom.generatorNanos(), cpuTo.generatorNanos(), delivered));
  }

  /** One line of JSON with every field. */
  public String toJson() {
    JsonObject errs = new JsonObject();
    errors.forEach(errs::put);
    return new JsonObject()
        .put("target", target)
        .put("mode", mode)
        .put("pairs", pairs)
        .put("offeredRate", offeredRate)
        .put("windowSeconds", windowSeconds)
        .put("sentPerSec", round(sentPerSec))
        .put("deliveredPerSec", round(deliveredPerSec))
        .put("latencyCount", latencyCount)
        .put("p50Ms", round(p50Ms))
        .put("p99Ms", round(p99Ms))
        .put("p999Ms", round(p999Ms))
        .put("maxMs", round(maxMs))
        .put("meanMs", round(meanMs))
        .put("undelivered", undelivered)
        .put("unsent", unsent)
        .put("duplicates", duplicates)
        .put("notifies", notifies)
        .put("errorCount", errorCount)
        .put("errors", errs)
        .put("firstError", firstError)
        .put("serverCpuUsPerMsg", round(serverCpuMicrosPerMsg))
        .put("generatorCpuUsPerMsg", round(generatorCpuMicrosPerMsg))
        .encode();
  }

  /** One line for people. */
  public String toHuman() {
    String load = mode.equals("open") ? "offered " + offeredRate + " msg/s" : "max-rate (closed loop)";
    return String.format(Locale.ROOT,
        "%s, %d pairs, %s: sent %.0f msg/s, delivered %.0f msg/s, latency ms p50 %.3f p99 %.3f p99.9 %.3f "
            + "max %.3f (n=%d), undelivered %d, unsent %d, duplicates %d, errors %d%s",
        target, pairs, load, sentPerSec, deliveredPerSec, p50Ms, p99Ms, p999Ms, maxMs, latencyCount, undelivered,
        unsent, duplicates, errorCount, errorCount == 0 ? "" : " " + errors + " first: " + firstError)
        + (Double.isNaN(serverCpuMicrosPerMsg) ? "" : String.format(Locale.ROOT, ", server CPU %.0f us/msg",
            serverCpuMicrosPerMsg))
        + (Double.isNaN(generatorCpuMicrosPerMsg) ? "" : String.format(Locale.ROOT, ", generator CPU %.0f us/msg",
            generatorCpuMicrosPerMsg));
  }

  private static Object round(double v) {
    return Double.isNaN(v) ? null : Math.round(v * 1000) / 1000.0;
  }
}
