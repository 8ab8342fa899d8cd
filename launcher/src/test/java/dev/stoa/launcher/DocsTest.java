package dev.stoa.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.common.config.ConfigKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The project's own docs stay true to the code they describe: every config key a node reads is
 * in the operations guide with its default, and nothing a user reads points outside the
 * repository.
 */
class DocsTest {
  /** Tests run in the module directory; the repository root is its parent. */
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  @Test
  void everyConfigKeyIsDocumentedWithItsDefault() throws IOException {
    String operations = Files.readString(ROOT.resolve("docs/operations.md"));
    for (ConfigKey<?> key : StoaNode.KEYS) {
      Object value = key.defaultValue();
      String shown = value instanceof List<?> list && list.isEmpty() || "".equals(value) ? "(empty)"
          : String.valueOf(value);
      assertThat(operations).as("docs/operations.md documents key %s with its default", key.name())
          .contains("| `" + key.name() + "` | `" + shown + "` |");
    }
  }

  @Test
  void readmesPointIntoTheRepositoryNotOutOfIt() throws IOException {
    try (Stream<Path> files = Files.walk(ROOT, 2)) {
      List<Path> readmes = files.filter(p -> p.getFileName().toString().equals("README.md"))
          .filter(p -> !p.toString().contains("/target/")).toList();
      assertThat(readmes).hasSizeGreaterThan(5);
      for (Path readme : readmes) {
        assertThat(Files.readString(readme)).as("%s", ROOT.relativize(readme))
            .doesNotContain("../shared", "DESIGN.md", "PROTOCOL.md");
      }
    }
    for (String doc : List.of("architecture.md", "protocol.md", "operations.md")) {
      assertThat(ROOT.resolve("docs").resolve(doc)).isRegularFile();
    }
  }
}
