package dev.stoa.launcher;

import dev.stoa.cluster.Role;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.common.config.Config;
import dev.stoa.common.config.ConfigException;
import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeIdentityTest {
  @TempDir
  Path dir;

  private StoaNode node(Map<String, String> overrides) {
    java.util.Map<String, String> all = new java.util.HashMap<>(overrides);
    all.put("data.dir", dir.toString());
    return new StoaNode(Config.of(StoaNode.KEYS, all), EnumSet.of(Role.STATE),
        new PrintStream(OutputStream.nullOutputStream()));
  }

  @Test
  void aNodeWithoutNodeIdKeepsTheIdItWasFirstGivenForItsDataDirectory() throws Exception {
    String first = node(Map.of()).nodeId();
    String again = node(Map.of()).nodeId();
    assertThat(again).as("the id naming the state map after a restart").isEqualTo(first);
    assertThat(Files.readString(dir.resolve(NodeIdentity.FILE)).strip()).isEqualTo(first);
    assertThat(Files.exists(dir.resolve(NodeIdentity.FILE + ".tmp"))).isFalse();
  }

  @Test
  void aConfiguredNodeIdWinsAndIsNotStored() {
    assertThat(node(Map.of("node.id", "edge-7")).nodeId()).isEqualTo("edge-7");
    assertThat(Files.exists(dir.resolve(NodeIdentity.FILE))).isFalse();
  }

  @Test
  void aDamagedIdFileIsAnErrorNamingItNeverReplaced() throws Exception {
    Files.writeString(dir.resolve(NodeIdentity.FILE), "../../etc x\n");
    assertThatThrownBy(() -> node(Map.of())).isInstanceOf(ConfigException.class)
        .hasMessageContaining(dir.resolve(NodeIdentity.FILE).toString()).hasMessageContaining("damaged");
    assertThat(Files.readString(dir.resolve(NodeIdentity.FILE))).isEqualTo("../../etc x\n");
  }
}
