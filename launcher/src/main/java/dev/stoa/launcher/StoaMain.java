package dev.stoa.launcher;

import dev.stoa.cluster.Role;
import dev.stoa.common.config.Config;
import dev.stoa.common.config.ConfigException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

/**
 * The {@code stoa} entry point: {@code stoa standalone} runs every role in one JVM,
 * {@code stoa run <role,...>} runs the named roles. Options come from {@code --config=<file>},
 * {@code STOA_*} environment variables and {@code --<key>=<value>} flags (see {@link StoaNode#KEYS}).
 * Exits non-zero when the node cannot start.
 */
@Command(name = "stoa", mixinStandardHelpOptions = true, version = "stoa 0.1.0",
    subcommands = {StoaMain.Standalone.class, StoaMain.Run.class, StoaMain.Keys.class},
    description = "Stoa, a storage-centric instant-messaging system.")
public final class StoaMain {

  public static void main(String[] args) {
    int exit = new CommandLine(new StoaMain()).execute(args);
    if (exit != 0) {
      System.exit(exit);
    }
  }

  abstract static class NodeCommand implements Callable<Integer> {
    @Option(names = "--config", description = "a properties file of config keys")
    Path configFile;

    @Unmatched
    List<String> overrides = new ArrayList<>();

    abstract Set<Role> roles();

    @Override
    public Integer call() throws Exception {
      StoaNode node;
      try {
        Config config = Config.load(configFile, System.getenv(), Config.parseFlags(overrides), StoaNode.KEYS);
        LogSetup.apply(config);
        node = new StoaNode(config, roles(), System.out);
      } catch (ConfigException | IllegalArgumentException e) {
        System.err.println("stoa: " + e.getMessage());
        return 2;
      }
      CountDownLatch stopped = new CountDownLatch(1);
      try {
        node.start().toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
      } catch (Exception e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        System.err.println("stoa: failed to start: " + cause);
        node.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        return 1;
      }
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          node.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
          System.err.println("stoa: unclean stop: " + e);
        } finally {
          stopped.countDown();
        }
      }, "stoa-shutdown"));
      System.out.println("stoa: " + node.describe());
      stopped.await();
      return 0;
    }
  }

  @Command(name = "standalone", description = "Run every role in one JVM (embedded RocksDB, one Hazelcast member).")
  static final class Standalone extends NodeCommand {
    @Override
    Set<Role> roles() {
      return EnumSet.allOf(Role.class);
    }
  }

  @Command(name = "run", description = "Run the named roles: gateway, writer, reader, state, index (comma-separated).")
  static final class Run extends NodeCommand {
    @Parameters(index = "0", description = "roles, e.g. gateway or writer,reader")
    String roleList;

    @Override
    Set<Role> roles() {
      Set<Role> roles = EnumSet.noneOf(Role.class);
      for (String name : roleList.split(",")) {
        try {
          roles.add(Role.valueOf(name.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
          throw new CommandLine.ParameterException(new CommandLine(this),
              "unknown role '" + name.trim() + "'; roles are gateway, writer, reader, state, index");
        }
      }
      return roles;
    }
  }

  @Command(name = "keys", description = "List every config key with its default and environment variable.")
  static final class Keys implements Callable<Integer> {
    @Override
    public Integer call() {
      StoaNode.KEYS.forEach(k -> System.out.printf("%-36s %-40s default=%s%n    %s%n",
          k.name(), k.envName(), k.defaultValue(), k.description()));
      return 0;
    }
  }
}
