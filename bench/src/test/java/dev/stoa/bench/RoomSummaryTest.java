package dev.stoa.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RoomSummaryTest {
  private static String run(int members, double deliveries, double p99, long missing) {
    return run(members, 20, deliveries, p99, missing);
  }

  private static String run(int members, int rate, double deliveries, double p99, long missing) {
    return "{\"kind\":\"room\",\"members\":" + members + ",\"publishers\":1,\"offeredRate\":" + rate + ",\"sentPerSec\":20.0,"
        + "\"deliveriesPerSec\":" + deliveries + ",\"p50Ms\":5.0,\"p99Ms\":" + p99 + ",\"p999Ms\":30.0,\"maxMs\":40.0,"
        + "\"setupSeconds\":2.0,\"expectedDeliveries\":" + (members * 200L) + ",\"missingDeliveries\":" + missing
        + ",\"completeMembers\":" + members + ",\"errorCount\":0}";
  }

  @Test
  void groupsBySizeWithMedianAndSpreadSmallestFirst() {
    String s = RoomSummary.summarize(List.of(
        "human line", run(2000, 40000, 12, 0), run(500, 10000, 8, 0), run(2000, 38000, 30, 5),
        run(2000, 39000, 20, 0), run(2000, 5, 10000, 10, 0), "{\"kind\":\"room\",\"members\":10000,\"publishers\":1,\"offeredRate\":20,\"failed\":true}",
        "{\"truncated"));

    assertThat(s.indexOf("500 members")).isLessThan(s.indexOf("2000 members"));
    assertThat(s.indexOf("2000 members")).isLessThan(s.indexOf("10000 members"));
    assertThat(s.indexOf("2000 members, 1 publisher(s), 5 msg/s")).as("rates in numeric order")
        .isLessThan(s.indexOf("2000 members, 1 publisher(s), 20 msg/s"));
    assertThat(s).contains("2000 members, 1 publisher(s), 20 msg/s offered: 3 run(s)");
    assertThat(s).contains("deliveries/s: median 39000 (min 38000, max 40000, n=3)");
    assertThat(s).contains("p99 ms:       median 20.00 (min 12.00, max 30.00, n=3)");
    assertThat(s).contains("expected deliveries 1200000, missing 5");
    assertThat(s).contains("10000 members, 1 publisher(s), 20 msg/s offered: 0 run(s), 1 FAILED");
  }
}
