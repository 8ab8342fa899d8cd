package dev.stoa.cluster.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class StoreHolderTest {
  @Test
  void aValueParsesBackEvenWhenTheLocationHoldsTheSeparator() {
    StoreHolder holder = new StoreHolder("node-a", "writer,reader", "10.0.0.5:/srv/a|b/kv", UUID.randomUUID());

    assertThat(StoreHolder.parse(holder.value())).isEqualTo(holder);
    assertThat(holder.value()).endsWith("|" + holder.member());
  }

  @Test
  void aMalformedValueIsAnErrorNamingIt() {
    assertThatThrownBy(() -> StoreHolder.parse("node-a|writer")).hasMessageContaining("'node-a|writer'");
    assertThatThrownBy(() -> StoreHolder.parse("node-a|writer|/kv|not-a-uuid")).hasMessageContaining("not-a-uuid");
    assertThatThrownBy(() -> new StoreHolder("a|b", "writer", "/kv", UUID.randomUUID()))
        .hasMessageContaining("must not contain '|'");
  }
}
