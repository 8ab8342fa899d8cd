package dev.stoa.bench;

import java.util.ArrayList;
import java.util.List;

/** Command-line helpers shared by the bench entry points. Stateless. */
final class Flags {
  private Flags() {}

  /** Rewrites a bare {@code --flag} as {@code --flag=true} so boolean switches read naturally. */
  static List<String> normalize(List<String> args) {
    List<String> out = new ArrayList<>(args.size());
    for (String arg : args) {
      out.add(arg.startsWith("--") && arg.indexOf('=') < 0 ? arg + "=true" : arg);
    }
    return out;
  }
}
