package dev.stoa.bench;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Summarises the runs of {@code bench/run-rooms.sh}: reads the JSON lines {@link RoomLoad} printed
 * ({@code "kind":"room"}; other lines are skipped, and so are lines {@code "failed":true} the script
 * writes for runs that did not complete, which are only counted) and prints one block per
 * (members, publishers, offered rate): the median and spread (min..max) over the runs of sent
 * msgs/s, deliveries/s, p50/p99/p99.9/max latency, and the sums of expected and missing
 * deliveries, kicks and errors. Stateless.
 */
public final class RoomSummary {
  private RoomSummary() {}

  /** The summary text of the given result lines. */
  public static String summarize(List<String> lines) {
    Map<String, List<JsonObject>> groups = new TreeMap<>();
    Map<String, Integer> failed = new TreeMap<>();
    for (String line : lines) {
      if (!line.startsWith("{")) {
        continue;
      }
      JsonObject run;
      try {
        run = new JsonObject(line);
      } catch (DecodeException e) {
        continue; // a truncated line from an interrupted run: not a result
      }
      // zero-padded so that the text order is the numeric order; the padding is cut when printed
      String key = String.format(Locale.ROOT, "%07d members, %07d publisher(s), %07d msg/s offered",
          run.getInteger("members", 0), run.getInteger("publishers", 0), run.getInteger("offeredRate", 0));
      if (run.getBoolean("failed", false)) {
        failed.merge(key, 1, Integer::sum);
      } else if ("room".equals(run.getString("kind"))) {
        groups.computeIfAbsent(key, k -> new ArrayList<>()).add(run);
      }
    }
    StringBuilder out = new StringBuilder();
    List<String> keys = new ArrayList<>(groups.keySet());
    failed.keySet().stream().filter(k -> !groups.containsKey(k)).forEach(keys::add);
    keys.sort(null);
    for (String key : keys) {
      List<JsonObject> runs = groups.getOrDefault(key, List.of());
      out.append(key.replaceAll("\\b0+(?=\\d)", "")).append(": ").append(runs.size()).append(" run(s)");
      int f = failed.getOrDefault(key, 0);
      out.append(f == 0 ? "" : ", " + f + " FAILED (see the log)").append('\n');
      if (runs.isEmpty()) {
        continue;
      }
      line(out, "sent msg/s", runs, "sentPerSec", "%.1f");
      line(out, "deliveries/s", runs, "deliveriesPerSec", "%.0f");
      line(out, "p50 ms", runs, "p50Ms", "%.2f");
      line(out, "p99 ms", runs, "p99Ms", "%.2f");
      line(out, "p99.9 ms", runs, "p999Ms", "%.2f");
      line(out, "max ms", runs, "maxMs", "%.2f");
      line(out, "setup s", runs, "setupSeconds", "%.1f");
      out.append(String.format(Locale.ROOT,
          "  expected deliveries %d, missing %d, complete members %d of %d, duplicates %d, out of order %d, "
              + "unsent %d, refused %d, kicks %d, errors %d%n",
          sum(runs, "expectedDeliveries"), sum(runs, "missingDeliveries"), sum(runs, "completeMembers"),
          sum(runs, "members"), sum(runs, "duplicates"), sum(runs, "outOfOrder"), sum(runs, "unsent"),
          sum(runs, "refused"), sum(runs, "kicks"), sum(runs, "errorCount")));
    }
    return out.length() == 0 ? "no completed room runs\n" : out.toString();
  }

  private static void line(StringBuilder out, String label, List<JsonObject> runs, String field, String pattern) {
    List<Double> v = new ArrayList<>();
    for (JsonObject r : runs) {
      Object x = r.getValue(field);
      if (x instanceof Number n) {
        v.add(n.doubleValue());
      }
    }
    if (v.isEmpty()) {
      out.append("  ").append(label).append(": none\n");
      return;
    }
    C2cSummary.Spread s = C2cSummary.Spread.of(v);
    out.append(String.format(Locale.ROOT, "  %-13s median " + pattern + " (min " + pattern + ", max " + pattern
        + ", n=%d)%n", label + ":", s.median(), s.min(), s.max(), s.n()));
  }

  private static long sum(List<JsonObject> runs, String field) {
    return runs.stream().mapToLong(r -> r.getLong(field, 0L)).sum();
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: RoomSummary <results.jsonl>");
      System.exit(2);
    }
    System.out.print(summarize(Files.readAllLines(Path.of(args[0]))));
  }
}
