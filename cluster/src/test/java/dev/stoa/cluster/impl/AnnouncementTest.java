package dev.stoa.cluster.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;


import java.util.UUID;
import org.junit.jupiter.api.Test;

class AnnouncementTest {
  static final UUID MEMBER = UUID.fromString("0b6a3910-d740-47f3-b9cc-ed94b5a61f2f");

  @Test
  void formatsAndParsesItsMapEntry() {
    Announcement a = new Announcement("state", "ss-1", "10.1.2.3", 4567, MEMBER);
    assertThat(a.key()).isEqualTo("state/ss-1");
    assertThat(a.value()).isEqualTo("10.1.2.3:4567|0b6a3910-d740-47f3-b9cc-ed94b5a61f2f");
    assertThat(Announcement.parse(a.key(), a.value())).isEqualTo(a);
  }

  @Test
  void parsesAnIpv6Host() {
    Announcement a = Announcement.parse("gateway/gw-1", "::1:9000|" + MEMBER);
    assertThat(a.host()).isEqualTo("::1");
    assertThat(a.port()).isEqualTo(9000);
  }

  @Test
  void rejectsMalformedEntriesNamingThem() {
    assertThatThrownBy(() -> Announcement.parse("writer", "h:1|" + MEMBER)).hasMessageContaining("'writer'");
    assertThatThrownBy(() -> Announcement.parse("Cook Book/c1", "h:1|" + MEMBER)).hasMessageContaining("Cook Book/c1")
        .hasMessageContaining("service name");
    assertThatThrownBy(() -> Announcement.parse("writer/w1", "h:x|" + MEMBER)).hasMessageContaining("h:x");
    assertThatThrownBy(() -> Announcement.parse("writer/w1", "h:1")).hasMessageContaining("<memberUuid>");
    assertThatThrownBy(() -> Announcement.parse("writer/w1", "h:1|nope")).hasMessageContaining("nope");
  }
}
