package dev.stoa.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class C2cSummaryTest {
  private static String run(String target, String mode, double delivered, double p99) {
    return "{\"target\":\"" + target + "\",\"mode\":\"" + mode + "\",\"offeredRate\":" + (mode.equals("open") ? 2000 : 0)
        + ",\"deliveredPerSec\":" + delivered + ",\"p50Ms\":1.0,\"p99Ms\":" + p99 + ",\"errorCount\":0,\"undelivered\":0}";
  }

  @Test
  void reportsMediansSpreadAndRatiosAgainstTheTargets() {
    List<String> lines = List.of(
        "relay, 50 pairs, ... human line",
        run("relay", "open", 2000, 2.0), run("stoa", "open", 2000, 12.0),
        run("relay", "max-rate", 40000, 30), run("stoa", "max-rate", 12000, 80),
        run("relay", "open", 2000, 3.0), run("stoa", "open", 2000, 30.0),
        run("relay", "max-rate", 44000, 30), run("stoa", "max-rate", 8800, 80),
        run("relay", "open", 2000, 4.0), run("stoa", "open", 2000, 15.0),
        run("relay", "max-rate", 36000, 30), run("stoa", "max-rate", 9000, 80),
        "{\"truncated");

    String s = C2cSummary.summarize(lines);

    assertThat(s).contains("delivered at saturation: 40000 msg/s (min 36000, max 44000, n=3)");
    assertThat(s).contains("p99 at 2000 msg/s offered: 15.00 ms (min 12.00, max 30.00, n=3)");
    // 9000 / 40000; per round 12000/40000, 8800/44000, 9000/36000
    assertThat(s).contains("ratio stoa/relay, delivered msg/s at saturation: 0.225 (per round min 0.200, max 0.300);"
        + " target >= 0.30: NOT MET");
    assertThat(s).contains("stoa 15.00 ms, relay 3.00 ms); target p99 <= 5 ms in every round: NOT MET");
  }

  @Test
  void comparesABaselineBuildAndChecksEveryRoundAgainstTheLatencyTargets() {
    String fast = run("stoa", "open", 2000, 4.0).replace("}", ",\"p999Ms\":12.0}");
    String fastTail = run("stoa", "open", 2000, 4.5).replace("}", ",\"p999Ms\":25.0}");
    String before = run("stoa-before", "open", 2000, 15.0).replace("}", ",\"p999Ms\":60.0}");
    List<String> lines = List.of(run("relay", "open", 2000, 2.0), fast, before, run("relay", "open", 2000, 2.0),
        fastTail, before, run("relay", "max-rate", 40000, 30), run("stoa", "max-rate", 14000, 30),
        run("stoa-before", "max-rate", 8000, 30));

    String s = C2cSummary.summarize(lines);

    assertThat(s).contains("stoa-before:\n  delivered at saturation: 8000 msg/s");
    assertThat(s).contains("ratio stoa/relay, delivered msg/s at saturation: 0.350").contains("target >= 0.30: MET");
    assertThat(s).contains("ratio stoa-before/relay, delivered msg/s at saturation: 0.200");
    assertThat(s).contains("(stoa 4.25 ms, relay 2.00 ms); target p99 <= 5 ms in every round: MET");
    assertThat(s).contains("stoa p99.9 at 2000 msg/s offered: worst round 25.00 ms; target <= 20 ms in every round:"
        + " NOT MET");
    assertThat(s).contains("  p99.9 at 2000 msg/s offered: 18.50 ms (min 12.00, max 25.00, n=2)");
  }

  @Test
  void reportsServerCpuPerMessageAndItsRatioWhereMeasured() {
    String relay = run("relay", "max-rate", 40000, 30).replace("}", ",\"serverCpuUsPerMsg\":10.0,\"generatorCpuUsPerMsg\":12.0}");
    String stoa = run("stoa", "max-rate", 8000, 80).replace("}", ",\"serverCpuUsPerMsg\":160.0,\"generatorCpuUsPerMsg\":50.0}");
    String stoa2 = run("stoa", "max-rate", 8000, 80).replace("}", ",\"serverCpuUsPerMsg\":200.0,\"generatorCpuUsPerMsg\":60.0}");
    String unmeasured = run("stoa", "max-rate", 8000, 80);

    String s = C2cSummary.summarize(List.of(relay, stoa, stoa2, unmeasured));

    assertThat(s).contains("server CPU per delivered message at saturation: 180.0 us (min 160.0, max 200.0, n=2)");
    assertThat(s).contains("generator CPU per delivered message at saturation: 55.0 us (min 50.0, max 60.0, n=2)");
    assertThat(s).contains("ratio relay/stoa, server CPU per delivered message at saturation: 0.056 (stoa 180.0 us,"
        + " relay 10.0 us)");
  }

  @Test
  void saysWhatWasNotRun() {
    String s = C2cSummary.summarize(List.of(run("relay", "max-rate", 40000, 30)));

    assertThat(s).contains("stoa:\n  delivered at saturation: not run");
    assertThat(s).contains("p99 under offered load: not run").doesNotContain("ratio stoa/relay");
  }
}
