package dev.stoa.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.common.config.Config;
import dev.stoa.common.config.ConfigException;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LogSetupTest {
  private final LogSetup.OneLine format = new LogSetup.OneLine();

  @AfterEach
  void restoreDefaultLogging() throws Exception {
    LogManager.getLogManager().readConfiguration();
  }

  private static LogRecord record(Level level, String message) {
    LogRecord record = new LogRecord(level, message);
    record.setLoggerName("dev.stoa.launcher.StoaNode");
    record.setInstant(java.time.Instant.parse("2026-12-03T06:14:19.123Z"));
    return record;
  }

  @Test
  void anEventIsOneLineOfTimeLevelLoggerAndMessage() {
    assertThat(format.format(record(Level.INFO, "start phase cluster took 1412 ms")))
        .isEqualTo("2026-12-03T06:14:19.123Z INFO    dev.stoa.launcher.StoaNode start phase cluster took 1412 ms"
            + System.lineSeparator());
    LogRecord withParameters = record(Level.WARNING, "shard {0} offline");
    withParameters.setParameters(new Object[] {"3"});
    assertThat(format.format(withParameters)).startsWith("2026-12-03T06:14:19.123Z WARNING dev.stoa")
        .endsWith("StoaNode shard 3 offline" + System.lineSeparator());
  }

  @Test
  void lineBreaksInAMessageStayOnTheLineAndAStackTraceIsIndented() {
    String multi = format.format(record(Level.INFO, "first\nsecond\r\nthird"));
    assertThat(multi.lines()).hasSize(1);
    assertThat(multi).contains("first\\nsecond\\nthird");

    LogRecord failed = record(Level.SEVERE, "start failed");
    failed.setThrown(new IllegalStateException("boom", new java.io.IOException("disk")));
    String[] lines = format.format(failed).split("\\R");
    assertThat(lines[0]).endsWith("StoaNode start failed");
    assertThat(lines[1]).isEqualTo("\tjava.lang.IllegalStateException: boom");
    assertThat(java.util.Arrays.asList(lines).subList(1, lines.length)).allSatisfy(l -> assertThat(l).startsWith("\t"));
    assertThat(String.join("\n", lines)).contains("\tCaused by: java.io.IOException: disk");
  }

  @Test
  void levelsComeFromConfigAndHazelcastAndChronicleAreQuietUnlessAskedFor() {
    LogSetup.apply(Config.of(StoaNode.KEYS, Map.of()));
    assertThat(Logger.getLogger("dev.stoa.x").isLoggable(Level.INFO)).isTrue();
    assertThat(Logger.getLogger("dev.stoa.x").isLoggable(Level.FINE)).isFalse();
    assertThat(Logger.getLogger("com.hazelcast.system.logo").isLoggable(Level.INFO)).isFalse();
    assertThat(Logger.getLogger("com.hazelcast.system.logo").isLoggable(Level.WARNING)).isTrue();
    assertThat(Logger.getLogger("net.openhft.chronicle.core.Jvm").isLoggable(Level.INFO)).isFalse();
    assertThat(Logger.getLogger("").getHandlers()).singleElement()
        .satisfies(h -> assertThat(h.getFormatter()).isInstanceOf(LogSetup.OneLine.class));

    LogSetup.apply(Config.of(StoaNode.KEYS, Map.of("log.level", "debug", "log.libraries.level", "INFO")));
    assertThat(Logger.getLogger("dev.stoa.x").isLoggable(Level.FINE)).isTrue();
    assertThat(Logger.getLogger("com.hazelcast.system.logo").isLoggable(Level.INFO)).isTrue();
  }

  @Test
  void aBadLevelIsAConfigErrorNamingTheKey() {
    assertThatThrownBy(() -> Config.of(StoaNode.KEYS, Map.of("log.level", "LOUD")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("log.level").hasMessageContaining("LOUD")
        .hasMessageContaining("WARNING");
  }
}
