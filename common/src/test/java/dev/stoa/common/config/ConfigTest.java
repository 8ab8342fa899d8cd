package dev.stoa.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {
  static final ConfigKey<Integer> PORT = ConfigKey.integer("http.port", 8080, 0, 65535, "port");
  static final ConfigKey<String> NAME = ConfigKey.string("cluster.name", "stoa", "name");
  static final List<ConfigKey<?>> KEYS = List.of(PORT, NAME);

  @TempDir
  Path dir;

  @Test
  void defaultsApplyWhenNothingIsSet() {
    Config config = Config.load(null, Map.of(), Map.of(), KEYS);
    assertThat(config.get(PORT)).isEqualTo(8080);
    assertThat(config.sourceOf(PORT)).isEqualTo("default");
  }

  @Test
  void flagsBeatEnvironmentWhichBeatsTheFile() throws Exception {
    Path file = dir.resolve("stoa.properties");
    Files.writeString(file, "http.port = 1000\ncluster.name = from-file\n");
    Config config = Config.load(file, Map.of("STOA_HTTP_PORT", "2000", "STOA_CLUSTER_NAME", "from-env"),
        Map.of("http.port", "3000"), KEYS);
    assertThat(config.get(PORT)).isEqualTo(3000);
    assertThat(config.get(NAME)).isEqualTo("from-env");
    assertThat(config.sourceOf(NAME)).isEqualTo("environment variable STOA_CLUSTER_NAME");
  }

  @Test
  void anUnknownKeyInTheFileOrFlagsIsAnErrorNamingIt() throws Exception {
    Path file = dir.resolve("bad.properties");
    Files.writeString(file, "http.prot = 1000\n");
    assertThatThrownBy(() -> Config.load(file, Map.of(), Map.of(), KEYS))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'http.prot'").hasMessageContaining(file.toString());
    assertThatThrownBy(() -> Config.load(null, Map.of(), Map.of("epoll.channel.num", "4"), KEYS))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'epoll.channel.num'");
  }

  @Test
  void aBadValueNamesKeySourceAndExpectation() {
    assertThatThrownBy(() -> Config.load(null, Map.of("STOA_HTTP_PORT", "eighty"), Map.of(), KEYS))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("http.port").hasMessageContaining("STOA_HTTP_PORT").hasMessageContaining("eighty");
    assertThatThrownBy(() -> Config.load(null, Map.of(), Map.of("http.port", "70000"), KEYS))
        .hasMessageContaining("0..65535");
  }

  @Test
  void flagsMustLookLikeKeyEqualsValue() {
    assertThat(Config.parseFlags(List.of("--http.port=1", "--cluster.name=a=b")))
        .containsEntry("http.port", "1").containsEntry("cluster.name", "a=b");
    assertThatThrownBy(() -> Config.parseFlags(List.of("http.port=1"))).hasMessageContaining("http.port=1");
  }
}
