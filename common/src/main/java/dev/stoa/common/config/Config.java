package dev.stoa.common.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.logging.Logger;

/**
 * Resolved configuration of one process. Each known key takes, in order of precedence, the value
 * of a command-line flag ({@code --http.port=8081}), of its environment variable
 * ({@code STOA_HTTP_PORT}), of the config file ({@code http.port = 8081}, Java properties syntax),
 * or its default. An unknown key in the file or the flags is an error, as is a value its key
 * rejects; an unknown {@code STOA_*} variable is only logged, since the environment is shared with
 * tools and tests. Every value is parsed once, here. Immutable after {@link #load}.
 */
public final class Config {
  private static final Logger LOG = Logger.getLogger(Config.class.getName());

  private final Map<String, Object> values;
  private final Map<String, String> sources;

  private Config(Map<String, Object> values, Map<String, String> sources) {
    this.values = values;
    this.sources = sources;
  }

  /**
   * Loads and validates.
   *
   * @param file a properties file, or null
   * @param env the process environment
   * @param flags {@code key -> value} from the command line
   * @param known every key the process reads
   * @throws ConfigException naming the key, the source and the problem
   */
  public static Config load(Path file, Map<String, String> env, Map<String, String> flags,
      Collection<ConfigKey<?>> known) {
    Map<String, ConfigKey<?>> byName = new LinkedHashMap<>();
    Map<String, ConfigKey<?>> byEnv = new HashMap<>();
    for (ConfigKey<?> key : known) {
      if (byName.put(key.name(), key) != null) {
        throw new IllegalStateException("config key declared twice: " + key.name());
      }
      byEnv.put(key.envName(), key);
    }
    Map<String, String> raw = new HashMap<>();
    Map<String, String> sources = new HashMap<>();
    if (file != null) {
      Properties props = new Properties();
      try (Reader r = Files.newBufferedReader(file)) {
        props.load(r);
      } catch (IOException e) {
        throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
      }
      for (String name : props.stringPropertyNames()) {
        requireKnown(byName, name, "config file " + file);
        raw.put(name, props.getProperty(name));
        sources.put(name, "config file " + file);
      }
    }
    for (Map.Entry<String, String> e : env.entrySet()) {
      if (!e.getKey().startsWith("STOA_")) {
        continue;
      }
      ConfigKey<?> key = byEnv.get(e.getKey());
      if (key == null) {
        LOG.fine(() -> "ignoring environment variable " + e.getKey() + ": not a config key of this process");
        continue;
      }
      raw.put(key.name(), e.getValue());
      sources.put(key.name(), "environment variable " + e.getKey());
    }
    for (Map.Entry<String, String> e : flags.entrySet()) {
      requireKnown(byName, e.getKey(), "command line");
      raw.put(e.getKey(), e.getValue());
      sources.put(e.getKey(), "flag --" + e.getKey());
    }
    Map<String, Object> values = new HashMap<>();
    for (ConfigKey<?> key : known) {
      String value = raw.get(key.name());
      if (value == null) {
        values.put(key.name(), key.defaultValue());
        sources.put(key.name(), "default");
        continue;
      }
      try {
        values.put(key.name(), key.parse(value));
      } catch (IllegalArgumentException ex) {
        throw new ConfigException("config key '" + key.name() + "' (from " + sources.get(key.name()) + "): "
            + ex.getMessage());
      }
    }
    return new Config(values, sources);
  }

  /** Only defaults and the given overrides; for tests and embedded use. */
  public static Config of(Collection<ConfigKey<?>> known, Map<String, String> overrides) {
    return load(null, Map.of(), overrides, known);
  }

  private static void requireKnown(Map<String, ConfigKey<?>> byName, String name, String source) {
    if (!byName.containsKey(name)) {
      throw new ConfigException("unknown config key '" + name + "' in " + source + "; known keys: "
          + new TreeSet<>(byName.keySet()));
    }
  }

  @SuppressWarnings("unchecked")
  public <T> T get(ConfigKey<T> key) {
    if (!values.containsKey(key.name())) {
      throw new IllegalArgumentException("config key '" + key.name() + "' was not declared to Config.load");
    }
    return (T) values.get(key.name());
  }

  /** Where the value of {@code key} came from, for start-up logs. */
  public String sourceOf(ConfigKey<?> key) {
    return sources.getOrDefault(key.name(), "default");
  }

  /** A flat copy with the given keys replaced; validates the new values like {@link #load}. */
  public Config with(Collection<ConfigKey<?>> known, Map<String, String> overrides) {
    Map<String, Object> copy = new HashMap<>(values);
    Map<String, String> src = new HashMap<>(sources);
    Config parsed = of(known, overrides);
    for (String name : overrides.keySet()) {
      copy.put(name, parsed.values.get(name));
      src.put(name, "override");
    }
    return new Config(copy, src);
  }

  /** Parses {@code --key=value} arguments; anything else is an error naming the argument. */
  public static Map<String, String> parseFlags(List<String> args) {
    Map<String, String> flags = new LinkedHashMap<>();
    for (String arg : args) {
      if (!arg.startsWith("--") || arg.indexOf('=') < 3) {
        throw new ConfigException("bad argument '" + arg + "': expected --<key>=<value>");
      }
      int eq = arg.indexOf('=');
      flags.put(arg.substring(2, eq), arg.substring(eq + 1));
    }
    return flags;
  }
}
