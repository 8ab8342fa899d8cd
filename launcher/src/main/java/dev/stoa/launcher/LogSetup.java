package dev.stoa.launcher;

import dev.stoa.common.config.Config;
import dev.stoa.common.config.ConfigKey;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The process's logging (java.util.logging, which Hazelcast, Vert.x and Stoa all write to): one
 * handler on standard error printing one line per event, {@code <UTC time> <LEVEL> <logger>
 * <message>} ({@link OneLine}); the root level from {@code log.level}; the loggers of the libraries
 * that announce themselves at every start (Hazelcast's banner and per-start chatter, Chronicle's
 * announcer) at {@code log.libraries.level}, WARNING by default, so they stay out of the log
 * unless asked for. Applied once by {@link StoaMain} before the node is built.
 */
final class LogSetup {
  static final ConfigKey<Level> LEVEL = ConfigKey.parsed("log.level", Level.INFO,
      "least severe level logged: SEVERE/ERROR, WARNING/WARN, INFO, FINE/DEBUG, FINEST/TRACE, ALL or OFF",
      LogSetup::parseLevel);
  static final ConfigKey<Level> LIBRARIES_LEVEL = ConfigKey.parsed("log.libraries.level", Level.WARNING,
      "least severe level logged by Hazelcast (com.hazelcast) and Chronicle (net.openhft); same values as log.level",
      LogSetup::parseLevel);
  static final List<ConfigKey<?>> KEYS = List.of(LEVEL, LIBRARIES_LEVEL);

  private static final Map<String, Level> ALIASES = Map.of("ERROR", Level.SEVERE, "WARN", Level.WARNING,
      "DEBUG", Level.FINE, "TRACE", Level.FINEST);
  /** Strong references: java.util.logging holds loggers weakly, and a collected one loses its level. */
  private static final Logger ROOT = Logger.getLogger("");
  private static final List<Logger> LIBRARIES = List.of(Logger.getLogger("com.hazelcast"),
      Logger.getLogger("net.openhft"));

  private LogSetup() {
  }

  /** Replaces every handler of the root logger with one {@link OneLine} handler on standard error. */
  static void apply(Config config) {
    LogManager.getLogManager().reset();
    Handler handler = new ConsoleHandler();
    handler.setFormatter(new OneLine());
    handler.setLevel(Level.ALL);
    ROOT.addHandler(handler);
    ROOT.setLevel(config.get(LEVEL));
    LIBRARIES.forEach(library -> library.setLevel(config.get(LIBRARIES_LEVEL)));
  }

  static Level parseLevel(String raw) {
    String name = raw.toUpperCase(Locale.ROOT);
    Level alias = ALIASES.get(name);
    if (alias != null) {
      return alias;
    }
    return switch (name) {
      case "SEVERE", "WARNING", "INFO", "CONFIG", "FINE", "FINER", "FINEST", "ALL", "OFF" -> Level.parse(name);
      default -> throw new IllegalArgumentException("must be one of SEVERE, ERROR, WARNING, WARN, INFO, CONFIG, "
          + "FINE, DEBUG, FINER, FINEST, TRACE, ALL, OFF; got '" + raw + "'");
    };
  }

  /**
   * {@code 2026-12-03T06:14:19.123Z INFO    dev.stoa.launcher.StoaNode start phase cluster took 1412 ms}:
   * the event time in UTC to the millisecond, the level padded to 8 columns, the logger name and the
   * message with its parameters filled in, on one line (line breaks inside the message are written
   * as {@code \n}). A throwable follows on indented lines, as a stack trace, each starting with a tab.
   */
  static final class OneLine extends Formatter {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
        .withZone(ZoneOffset.UTC);

    @Override
    public String format(LogRecord record) {
      StringBuilder line = new StringBuilder(160);
      TIME.formatTo(Instant.ofEpochMilli(record.getMillis()), line);
      line.append(' ');
      String level = record.getLevel().getName();
      line.append(level);
      for (int i = level.length(); i < 8; i++) {
        line.append(' ');
      }
      line.append(record.getLoggerName() == null ? "-" : record.getLoggerName()).append(' ');
      String message = formatMessage(record);
      for (int i = 0; i < message.length(); i++) {
        char c = message.charAt(i);
        if (c == '\n') {
          line.append("\\n");
        } else if (c != '\r') {
          line.append(c);
        }
      }
      line.append(System.lineSeparator());
      Throwable thrown = record.getThrown();
      if (thrown != null) {
        StringWriter trace = new StringWriter();
        thrown.printStackTrace(new PrintWriter(trace));
        for (String traceLine : trace.toString().split("\\R")) {
          line.append('\t').append(traceLine.startsWith("\t") ? traceLine.substring(1) : traceLine)
              .append(System.lineSeparator());
        }
      }
      return line.toString();
    }
  }
}
