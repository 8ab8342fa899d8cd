package dev.stoa.common.config;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * One typed configuration key: its dotted name ({@code http.port}), default, description and a
 * parser that validates a raw string and explains a rejection. The environment variable of a key
 * is {@code STOA_} + the name upper-cased with dots as underscores ({@code STOA_HTTP_PORT}).
 * Immutable; declare keys as constants in the options record of the role that reads them.
 */
public final class ConfigKey<T> {
  private final String name;
  private final T defaultValue;
  private final String description;
  private final Function<String, T> parser;

  private ConfigKey(String name, T defaultValue, String description, Function<String, T> parser) {
    this.name = name;
    this.defaultValue = defaultValue;
    this.description = description;
    this.parser = parser;
  }

  public String name() {
    return name;
  }

  public T defaultValue() {
    return defaultValue;
  }

  public String description() {
    return description;
  }

  /** The environment variable that overrides this key. */
  public String envName() {
    return "STOA_" + name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** Parses a raw value; throws IllegalArgumentException saying what was expected. */
  T parse(String raw) {
    return parser.apply(raw.trim());
  }

  public static ConfigKey<String> string(String name, String defaultValue, String description) {
    return new ConfigKey<>(name, defaultValue, description, s -> s);
  }

  public static ConfigKey<Path> path(String name, Path defaultValue, String description) {
    return new ConfigKey<>(name, defaultValue, description, s -> {
      if (s.isEmpty()) {
        throw new IllegalArgumentException("must be a path, got an empty string");
      }
      return Path.of(s);
    });
  }

  public static ConfigKey<Integer> integer(String name, int defaultValue, int min, int max, String description) {
    return new ConfigKey<>(name, defaultValue, description, s -> (int) parseLong(s, min, max));
  }

  public static ConfigKey<Long> longInt(String name, long defaultValue, long min, long max, String description) {
    return new ConfigKey<>(name, defaultValue, description, s -> parseLong(s, min, max));
  }

  private static long parseLong(String s, long min, long max) {
    long v;
    try {
      v = Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("must be an integer in " + min + ".." + max + ", got '" + s + "'");
    }
    if (v < min || v > max) {
      throw new IllegalArgumentException("must be in " + min + ".." + max + ", got " + v);
    }
    return v;
  }

  public static ConfigKey<Boolean> bool(String name, boolean defaultValue, String description) {
    return new ConfigKey<>(name, defaultValue, description, s -> switch (s.toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default -> throw new IllegalArgumentException("must be true or false, got '" + s + "'");
    });
  }

  /**
   * A key of any type: {@code parser} turns the trimmed raw string into a value or throws
   * IllegalArgumentException saying what was expected.
   */
  public static <T> ConfigKey<T> parsed(String name, T defaultValue, String description, Function<String, T> parser) {
    return new ConfigKey<>(name, defaultValue, description, parser);
  }

  /** A comma-separated list; blanks are dropped. */
  public static ConfigKey<List<String>> list(String name, List<String> defaultValue, String description) {
    return new ConfigKey<>(name, List.copyOf(defaultValue), description,
        s -> Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList());
  }

  @Override
  public String toString() {
    return name;
  }
}
