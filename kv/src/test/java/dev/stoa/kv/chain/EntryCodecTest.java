package dev.stoa.kv.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Round-trips over seeded random values (including the extremes) and corrupt-input rejection. */
class EntryCodecTest {
  private static final long[] EDGES = {0, 1, 255, 256, Integer.MAX_VALUE, -1, Long.MIN_VALUE,
      Long.MAX_VALUE};

  private static long pick(Random r) {
    return r.nextInt(4) == 0 ? EDGES[r.nextInt(EDGES.length)] : r.nextLong();
  }

  private static String randomId(Random r) {
    int n = 1 + r.nextInt(80);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      int kind = r.nextInt(10);
      sb.appendCodePoint(kind == 0 ? 0x4e00 + r.nextInt(500) : kind == 1 ? 0x1F600 + r.nextInt(50)
          : 0x21 + r.nextInt(0x5e));
    }
    return sb.toString();
  }

  @Test
  void sessionEntryRoundTrips() {
    Random r = new Random(20260601);
    for (int i = 0; i < 5_000; i++) {
      SessionEntry e = new SessionEntry(pick(r), pick(r), pick(r), pick(r));
      byte[] bytes = e.encode();
      assertThat(bytes).hasSize(SessionEntry.ENCODED_BYTES);
      assertThat(bytes[0]).isEqualTo(SessionEntry.VERSION);
      assertThat(SessionEntry.decode(bytes)).isEqualTo(e);
    }
  }

  @Test
  void userEntryRoundTrips() {
    Random r = new Random(7);
    for (int i = 0; i < 5_000; i++) {
      UserEntry e = new UserEntry(pick(r), randomId(r), pick(r), pick(r));
      assertThat(UserEntry.decode(e.encode())).isEqualTo(e);
    }
  }

  @Test
  void sessionEntryRejectsCorruptInput() {
    byte[] good = new SessionEntry(1, 2, 0, 0).encode();
    assertThatThrownBy(() -> SessionEntry.decode(Arrays.copyOf(good, good.length - 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("session entry").hasMessageContaining("33").hasMessageContaining("32");
    assertThatThrownBy(() -> SessionEntry.decode(Arrays.copyOf(good, good.length + 1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("34");
    assertThatThrownBy(() -> SessionEntry.decode(new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SessionEntry.decode(null))
        .isInstanceOf(IllegalArgumentException.class);
    byte[] badVersion = good.clone();
    badVersion[0] = 2;
    assertThatThrownBy(() -> SessionEntry.decode(badVersion))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version 2");
  }

  @Test
  void userEntryRejectsCorruptInput() {
    byte[] good = new UserEntry(5, "c2c:a:b", 3, 99).encode();
    assertThat(good).hasSize(UserEntry.FIXED_BYTES + 7);
    assertThatThrownBy(() -> UserEntry.decode(Arrays.copyOf(good, good.length - 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("user entry").hasMessageContaining("says 7");
    assertThatThrownBy(() -> UserEntry.decode(Arrays.copyOf(good, good.length + 3)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> UserEntry.decode(Arrays.copyOf(good, 10)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 10");
    byte[] badVersion = good.clone();
    badVersion[0] = 0;
    assertThatThrownBy(() -> UserEntry.decode(badVersion))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version 0");
    byte[] zeroLength = good.clone();
    zeroLength[UserEntry.FIXED_BYTES - 2] = 0;
    zeroLength[UserEntry.FIXED_BYTES - 1] = 0;
    assertThatThrownBy(() -> UserEntry.decode(zeroLength))
        .isInstanceOf(IllegalArgumentException.class);
    byte[] badUtf8 = good.clone();
    badUtf8[UserEntry.FIXED_BYTES] = (byte) 0xC3;
    badUtf8[UserEntry.FIXED_BYTES + 1] = (byte) 0x28;
    assertThatThrownBy(() -> UserEntry.decode(badUtf8))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("UTF-8");
  }

  @Test
  void randomBytesNeverDecodeSilentlyWrong() {
    Random r = new Random(3);
    for (int i = 0; i < 10_000; i++) {
      byte[] junk = new byte[r.nextInt(60)];
      r.nextBytes(junk);
      try {
        SessionEntry e = SessionEntry.decode(junk);
        assertThat(e.encode()).isEqualTo(junk);
      } catch (IllegalArgumentException expected) {
        // rejected: fine
      }
      try {
        UserEntry e = UserEntry.decode(junk);
        assertThat(e.encode()).isEqualTo(junk);
      } catch (IllegalArgumentException expected) {
        // rejected: fine
      }
    }
  }
}
