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
    long until = System.nanoTime() + 300_000_000L;
    while (System.nanoTime() < until) {
      sink += Long.numberOfTrailingZeros(sink + System.nanoTime());
    }
    CpuMeter.Sample after = meter.sample();

    assertThat(sink).isNotNegative();
    // 300 ms of busy loop: at least 200 ms of CPU in both views, at 10 ms resolution for /proc
    assertThat(after.serverNanos() - before.serverNanos()).isGreaterThanOrEqualTo(200_000_000L);
    assertThat(after.generatorNanos() - before.generatorNanos()).isGreaterThanOrEqualTo(200_000_000L);
  }

  @Test
  void aServerThatIsNotThereIsNotMeasured() {
    assertThat(new CpuMeter(0).sample().serverNanos()).isEqualTo(-1);
    assertThat(new CpuMeter(Integer.MAX_VALUE).sample().serverNanos()).isEqualTo(-1);
  }
}
