package dev.stoa.bench;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Summarises the rounds of {@code bench/run-c2c.sh}: reads the JSON lines {@link C2cLoad} printed
 * (other lines are skipped) and prints, per target, the median and spread (min..max) of delivered
 * msgs/s at saturation ({@code max-rate} runs) and of p99 latency under the offered load
 * ({@code open} runs), then the ratios stoa/relay against the targets: Stoa's delivered
 * msgs/s at saturation at least {@value #MIN_THROUGHPUT_RATIO} of the relay's, and Stoa's p99 at
 * most {@value #MAX_P99_MS} ms. Per-round ratios pair the k-th relay run with the k-th Stoa run.
 * Where the runs measured CPU ({@code --server-pid}), it adds the server's and the generator's CPU
 * per delivered message at saturation and the relay/stoa ratio of the server's: how much of the
 * relay's efficiency Stoa keeps, whatever the generator's own share of the cores. Stateless.
 */
public final class C2cSummary {
  static final double MIN_THROUGHPUT_RATIO = 0.25;
  static final double MAX_P99_MS = 20.0;

  private C2cSummary() {}

  /** Median, min and max of a non-empty list. */
  record Spread(double median, double min, double max, int n) {
    static Spread of(List<Double> values) {
      List<Double> v = values.stream().sorted().toList();
      int n = v.size();
      double median = n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
      return new Spread(median, v.getFirst(), v.getLast(), n);
    }

    String format(String unit, String pattern) {
      return String.format(Locale.ROOT, pattern + " %s (min " + pattern + ", max " + pattern + ", n=%d)",
          median, unit, min, max, n);
    }
  }

  /** The summary text of the given result lines. */
  public static String summarize(List<String> lines) {
    List<JsonObject> runs = new ArrayList<>();
    for (String line : lines) {
      if (line.startsWith("{")) {
        try {
          runs.add(new JsonObject(line));
        } catch (DecodeException e) {
          // a truncated line from an interrupted run: not a result
        }
      }
    }
    StringBuilder out = new StringBuilder();
    List<Double> relayMax = values(runs, "relay", "max-rate", "deliveredPerSec");
    List<Double> stoaMax = values(runs, "stoa", "max-rate", "deliveredPerSec");
    List<Double> relayP99 = values(runs, "relay", "open", "p99Ms");
    List<Double> stoaP99 = values(runs, "stoa", "open", "p99Ms");
    List<Double> relayCpu = values(runs, "relay", "max-rate", "serverCpuUsPerMsg");
    List<Double> stoaCpu = values(runs, "stoa", "max-rate", "serverCpuUsPerMsg");
    int offered = runs.stream().filter(r -> "open".equals(r.getString("mode")))
        .mapToInt(r -> r.getInteger("offeredRate", 0)).findFirst().orElse(0);
    for (String target : List.of("relay", "stoa")) {
      List<Double> max = target.equals("relay") ? relayMax : stoaMax;
      List<Double> p99 = target.equals("relay") ? relayP99 : stoaP99;
      List<Double> p50 = values(runs, target, "open", "p50Ms");
      List<Double> errors = new ArrayList<>();
      runs.stream().filter(r -> target.equals(r.getString("target")))
          .forEach(r -> errors.add(r.getLong("errorCount", 0L).doubleValue() + r.getLong("undelivered", 0L)));
      out.append(target).append(":\n");
      out.append("  delivered at saturation: ")
          .append(max.isEmpty() ? "not run" : Spread.of(max).format("msg/s", "%.0f")).append('\n');
      String under = offered > 0 ? " at " + offered + " msg/s offered: " : " under offered load: ";
      out.append("  p99").append(under)
          .append(p99.isEmpty() ? "not run" : Spread.of(p99).format("ms", "%.2f")).append('\n');
      if (!p50.isEmpty()) {
        out.append("  p50").append(under)
            .append(Spread.of(p50).format("ms", "%.2f")).append('\n');
      }
      List<Double> serverCpu = target.equals("relay") ? relayCpu : stoaCpu;
      List<Double> generatorCpu = values(runs, target, "max-rate", "generatorCpuUsPerMsg");
      if (!serverCpu.isEmpty()) {
        out.append("  server CPU per delivered message at saturation: ")
            .append(Spread.of(serverCpu).format("us", "%.1f")).append('\n');
      }
      if (!generatorCpu.isEmpty()) {
        out.append("  generator CPU per delivered message at saturation: ")
            .append(Spread.of(generatorCpu).format("us", "%.1f")).append('\n');
      }
      out.append(String.format(Locale.ROOT, "  errors + undelivered over all runs: %.0f%n",
          errors.stream().mapToDouble(Double::doubleValue).sum()));
    }
    if (!relayMax.isEmpty() && !stoaMax.isEmpty()) {
      double ratio = Spread.of(stoaMax).median() / Spread.of(relayMax).median();
      List<Double> perRound = new ArrayList<>();
      for (int i = 0; i < Math.min(relayMax.size(), stoaMax.size()); i++) {
        perRound.add(stoaMax.get(i) / relayMax.get(i));
      }
      Spread rounds = Spread.of(perRound);
      out.append(String.format(Locale.ROOT,
          "ratio stoa/relay, delivered msg/s at saturation: %.3f (per round min %.3f, max %.3f); target >= %.2f: %s%n",
          ratio, rounds.min(), rounds.max(), MIN_THROUGHPUT_RATIO, ratio >= MIN_THROUGHPUT_RATIO ? "MET" : "NOT MET"));
    }
    if (!relayCpu.isEmpty() && !stoaCpu.isEmpty()) {
      out.append(String.format(Locale.ROOT,
          "ratio relay/stoa, server CPU per delivered message at saturation: %.3f (stoa %.1f us, relay %.1f us)%n",
          Spread.of(relayCpu).median() / Spread.of(stoaCpu).median(), Spread.of(stoaCpu).median(),
          Spread.of(relayCpu).median()));
    }
    if (!relayP99.isEmpty() && !stoaP99.isEmpty()) {
      double stoa = Spread.of(stoaP99).median();
      out.append(String.format(Locale.ROOT,
          "ratio stoa/relay, p99 at %d msg/s offered: %.2f (stoa %.2f ms, relay %.2f ms); target stoa p99 <= %.0f ms: %s%n",
          offered, stoa / Spread.of(relayP99).median(), stoa, Spread.of(relayP99).median(), MAX_P99_MS,
          stoa <= MAX_P99_MS ? "MET" : "NOT MET"));
    }
    return out.toString();
  }

  private static List<Double> values(List<JsonObject> runs, String target, String mode, String field) {
    List<Double> out = new ArrayList<>();
    for (JsonObject r : runs) {
      if (target.equals(r.getString("target")) && mode.equals(r.getString("mode")) && r.getValue(field) != null) {
        out.add(r.getDouble(field));
      }
    }
    return out;
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: C2cSummary <results.jsonl>");
      System.exit(2);
    }
    System.out.print(summarize(Files.readAllLines(Path.of(args[0]))));
  }
}
