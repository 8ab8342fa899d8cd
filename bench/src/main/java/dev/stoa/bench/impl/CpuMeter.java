package dev.stoa.bench.impl;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time used by the generator's own process and, on Linux, by the server process under load,
 * so a run can report CPU per delivered message: a figure that, unlike messages/s, does not depend
 * on how the two processes happen to share the cores. The server's time is user + system time
 * from {@code /proc/<pid>/stat} (fields 14 and 15, in USER_HZ ticks, which Linux fixes at 100 per
 * second for that file), so it has 10 ms resolution. Immutable; thread-safe.
 */
public final class CpuMeter {
  private static final long NANOS_PER_TICK = 10_000_000L;

  private final long serverPid;

  /** @param serverPid the server's process id, or 0 when it is not known (not measured then) */
  public CpuMeter(long serverPid) {
    this.serverPid = serverPid;
  }

  /** CPU nanoseconds used so far: generator and server, each -1 where it cannot be read. */
  public record Sample(long generatorNanos, long serverNanos) {}

  public Sample sample() {
    return new Sample(generatorNanos(), serverNanos());
  }

  /** Microseconds of CPU per message between two samples, or NaN where either could not be read. */
  public static double microsPerMessage(long fromNanos, long toNanos, double messages) {
    if (fromNanos < 0 || toNanos < 0 || messages <= 0) {
      return Double.NaN;
    }
    return (toNanos - fromNanos) / 1000.0 / messages;
  }

  private static long generatorNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  private long serverNanos() {
    if (serverPid <= 0) {
      return -1;
    }
    try {
      return parseStatTicks(Files.readString(Path.of("/proc", Long.toString(serverPid), "stat"))) * NANOS_PER_TICK;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * utime + stime of a {@code /proc/<pid>/stat} line. The command name (field 2) is in parentheses
   * and may hold spaces, so fields are counted from the last ')'.
   */
  static long parseStatTicks(String stat) {
    int close = stat.lastIndexOf(')');
    if (close < 0) {
      throw new IllegalArgumentException("/proc stat line without ')': " + stat);
    }
    String[] f = stat.substring(close + 2).trim().split(" +");
    // f[0] is field 3 (state); utime and stime are fields 14 and 15
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }
}
