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
 * ({@code open} runs), then for each Stoa target (e.g. {@code stoa} and {@code stoa-before} when
 * a baseline build ran beside it) the ratios to the relay against issue 17's targets: delivered
 * msgs/s at saturation at least {@value #MIN_THROUGHPUT_RATIO} of the relay's, p99 at most
 * {@value #MAX_P99_MS} ms and p99.9 at most {@value #MAX_P999_MS} ms in every round. Per-round
 * ratios pair the k-th relay run with the k-th Stoa run.
 * Where the runs measured CPU ({@code --server-pid}), it adds the server's and the generator's CPU
 * per delivered message at saturation and the relay/stoa ratio of the server's: how much of the
 * relay's efficiency Stoa keeps, whatever the generator's own share of the cores. Stateless.
 */
public final class C2cSummary {
  static final double MIN_THROUGHPUT_RATIO = 0.3;
  static final double MAX_P99_MS = 5.0;
  static final double MAX_P999_MS = 20.0;

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
    int offered = runs.stream().filter(r -> "open".equals(r.getString("mode")))
        .mapToInt(r -> r.getInteger("offeredRate", 0)).findFirst().orElse(0);
    List<String> targets = new ArrayList<>(List.of("relay", "stoa"));
    runs.stream().map(r -> r.getString("target")).filter(t -> t != null && !targets.contains(t)).distinct()
        .forEach(targets::add);
    for (String target : targets) {
      describe(out, runs, target, offered);
    }
    for (String target : targets.subList(1, targets.size())) {
      compare(out, runs, target, offered);
    }
    return out.toString();
  }

  private static void describe(StringBuilder out, List<JsonObject> runs, String target, int offered) {
    List<Double> max = values(runs, target, "max-rate", "deliveredPerSec");
    List<Double> p99 = values(runs, target, "open", "p99Ms");
    List<Double> p999 = values(runs, target, "open", "p999Ms");
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
    if (!p999.isEmpty()) {
      out.append("  p99.9").append(under).append(Spread.of(p999).format("ms", "%.2f")).append('\n');
    }
    if (!p50.isEmpty()) {
      out.append("  p50").append(under)
          .append(Spread.of(p50).format("ms", "%.2f")).append('\n');
    }
    List<Double> serverCpu = values(runs, target, "max-rate", "serverCpuUsPerMsg");
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

  /** The ratios of {@code target} (a Stoa) to the relay, against the targets. */
  private static void compare(StringBuilder out, List<JsonObject> runs, String target, int offered) {
    List<Double> relayMax = values(runs, "relay", "max-rate", "deliveredPerSec");
    List<Double> max = values(runs, target, "max-rate", "deliveredPerSec");
    List<Double> relayP99 = values(runs, "relay", "open", "p99Ms");
    List<Double> p99 = values(runs, target, "open", "p99Ms");
    List<Double> p999 = values(runs, target, "open", "p999Ms");
    List<Double> relayCpu = values(runs, "relay", "max-rate", "serverCpuUsPerMsg");
    List<Double> cpu = values(runs, target, "max-rate", "serverCpuUsPerMsg");
    if (!relayMax.isEmpty() && !max.isEmpty()) {
      double ratio = Spread.of(max).median() / Spread.of(relayMax).median();
      List<Double> perRound = new ArrayList<>();
      for (int i = 0; i < Math.min(relayMax.size(), max.size()); i++) {
        perRound.add(max.get(i) / relayMax.get(i));
      }
      Spread rounds = Spread.of(perRound);
      out.append(String.format(Locale.ROOT,
          "ratio %s/relay, delivered msg/s at saturation: %.3f (per round min %.3f, max %.3f); target >= %.2f: %s%n",
          target, ratio, rounds.min(), rounds.max(), MIN_THROUGHPUT_RATIO,
          ratio >= MIN_THROUGHPUT_RATIO ? "MET" : "NOT MET"));
    }
    if (!relayCpu.isEmpty() && !cpu.isEmpty()) {
      out.append(String.format(Locale.ROOT,
          "ratio relay/%s, server CPU per delivered message at saturation: %.3f (%s %.1f us, relay %.1f us)%n",
          target, Spread.of(relayCpu).median() / Spread.of(cpu).median(), target, Spread.of(cpu).median(),
          Spread.of(relayCpu).median()));
    }
    if (!relayP99.isEmpty() && !p99.isEmpty()) {
      double median = Spread.of(p99).median();
      out.append(String.format(Locale.ROOT,
          "ratio %s/relay, p99 at %d msg/s offered: %.2f (%s %.2f ms, relay %.2f ms); target p99 <= %.0f ms in"
              + " every round: %s%n",
          target, offered, median / Spread.of(relayP99).median(), target, median, Spread.of(relayP99).median(),
          MAX_P99_MS, Spread.of(p99).max() <= MAX_P99_MS ? "MET" : "NOT MET"));
    }
    if (!p999.isEmpty()) {
      out.append(String.format(Locale.ROOT, "%s p99.9 at %d msg/s offered: worst round %.2f ms; target <= %.0f ms in"
          + " every round: %s%n", target, offered, Spread.of(p999).max(), MAX_P999_MS,
          Spread.of(p999).max() <= MAX_P999_MS ? "MET" : "NOT MET"));
    }
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
