package dev.stoa.bench.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

class CpuMeterTest {
  @Test
  void readsUserAndSystemTicksAfterACommandNameWithSpacesAndParentheses() {
    String stat = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 1000 0 0 0 731 269 0 0 20 0 90 0 12345 0 0";

    assertThat(CpuMeter.parseStatTicks(stat)).isEqualTo(731 + 269);
  }

  @Test
  void refusesALineWithoutTheCommandName() {
    assertThatThrownBy(() -> CpuMeter.parseStatTicks("4242 S 1")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void perMessageIsNaNWhenASampleIsMissingOrNothingWasDelivered() {
    assertThat(CpuMeter.microsPerMessage(-1, 5_000_000, 10)).isNaN();
    assertThat(CpuMeter.microsPerMessage(0, 5_000_000, 0)).isNaN();
    assertThat(CpuMeter.microsPerMessage(1_000_000, 5_000_000, 100)).isEqualTo(40.0);
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void measuresTheServerProcessWhileItBurnsCpu() {
    CpuMeter meter = new CpuMeter(ProcessHandle.current().pid());
    CpuMeter.Sample before = meter.sample();
    long sink = 0;
    // burn until this process has used 300 ms of CPU by its own count, however busy the machine is
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (meter.sample().generatorNanos() - before.generatorNanos() < 300_000_000L && System.nanoTime() < deadline) {
      for (int i = 0; i < 100_000; i++) {
        sink += Long.numberOfTrailingZeros(sink + i);
      }
    }
    CpuMeter.Sample after = meter.sample();

    assertThat(sink).isNotNegative();
    // /proc's view of the same 300 ms: at least 200 ms at its 10 ms resolution
    assertThat(after.generatorNanos() - before.generatorNanos()).isGreaterThanOrEqualTo(300_000_000L);
    assertThat(after.serverNanos() - before.serverNanos()).isGreaterThanOrEqualTo(200_000_000L);
  }

  @Test
  void aServerThatIsNotThereIsNotMeasured() {
    assertThat(new CpuMeter(0).sample().serverNanos()).isEqualTo(-1);
    assertThat(new CpuMeter(Integer.MAX_VALUE).sample().serverNanos()).isEqualTo(-1);
  }
}
