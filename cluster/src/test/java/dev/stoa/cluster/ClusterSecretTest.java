package dev.stoa.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ClusterSecretTest {
  static final ClusterSecret SECRET = ClusterSecret.of("correct-horse-battery-staple");

  @Test
  void theDerivedValuesAreStableAndDependOnTheSecret() {
    ClusterSecret same = ClusterSecret.of("correct-horse-battery-staple");
    ClusterSecret other = ClusterSecret.of("correct-horse-battery-stapLe");

    assertThat(same.hazelcastClusterName("stoa")).isEqualTo(SECRET.hazelcastClusterName("stoa"));
    assertThat(same.grpcCredential()).isEqualTo(SECRET.grpcCredential());
    assertThat(other.hazelcastClusterName("stoa")).isNotEqualTo(SECRET.hazelcastClusterName("stoa"));
    assertThat(other.grpcCredential()).isNotEqualTo(SECRET.grpcCredential());
  }

  @Test
  void theClusterNameIsTheLabelAndATagThatDependsOnTheLabelToo() {
    assertThat(SECRET.hazelcastClusterName("stoa")).matches("stoa-[0-9a-f]{24}");
    assertThat(SECRET.hazelcastClusterName("prod").substring(5))
        .isNotEqualTo(SECRET.hazelcastClusterName("stoa").substring(5));
  }

  @Test
  void neitherDerivedValueShowsTheSecretOrTheOtherValue() {
    String name = SECRET.hazelcastClusterName("stoa");
    String credential = SECRET.grpcCredential();

    assertThat(credential).hasSize(43).doesNotContain("horse");
    assertThat(name).doesNotContain("horse");
    assertThat(credential).doesNotContain(name.substring(5, 15));
    assertThat(SECRET.toString()).doesNotContain("horse").doesNotContain(credential);
  }

  @Test
  void aShortOrBlankSecretIsRefusedWithoutEchoingIt() {
    assertThatThrownBy(() -> ClusterSecret.of("short-secret"))
        .hasMessageContaining("at least 16 characters, got 12").hasMessageNotContaining("short-secret");
    assertThatThrownBy(() -> ClusterSecret.of("sixteen chars plus"))
        .hasMessageContaining("whitespace").hasMessageNotContaining("sixteen");
    assertThatThrownBy(() -> ClusterSecret.of(null)).hasMessageContaining("at least 16");
  }
}
