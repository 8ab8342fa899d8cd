package dev.stoa.state.impl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.proto.client.Message;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.openhft.chronicle.map.ChronicleMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeliveryStateTest {
  @TempDir
  Path dir;

  private static PushRecord record(long msgId) {
    return new PushRecord("gw-a", 1, Message.newBuilder().setMsgId(msgId).setBody("b" + msgId).build());
  }

  @Test
  void recordsSurviveCloseAndReopen() throws Exception {
    Path file = dir.resolve("state").resolve("s1.cmap");
    try (DeliveryState state = DeliveryState.open(file, 1_000)) {
      state.put(1, 100, record(100));
      state.put(1, 101, record(101));
      state.put(-5, Long.MAX_VALUE, record(102));
      assertThat(state.remove(1, 101)).isTrue();
      assertThat(state.remove(1, 101)).isFalse();
      assertThat(DeliveryState.openMarker(file)).exists();
    }
    assertThat(DeliveryState.openMarker(file)).doesNotExist();

    try (DeliveryState state = DeliveryState.open(file, 1_000)) {
      assertThat(state.size()).isEqualTo(2);
      assertThat(state.get(1, 100)).contains(record(100));
      assertThat(state.get(-5, Long.MAX_VALUE)).contains(record(102));
      assertThat(state.get(1, 101)).isEmpty();
      List<String> seen = new ArrayList<>();
      int dropped = state.forEach((c, m, r) -> seen.add(c + "/" + m + "/" + r.message().getMsgId()));
      assertThat(dropped).isZero();
      assertThat(seen).containsExactlyInAnyOrder("1/100/100", "-5/" + Long.MAX_VALUE + "/102");
    }
  }

  @Test
  void aFileLeftOpenIsRecoveredWithItsRecords() throws Exception {
    Path file = dir.resolve("s2.cmap");
    try (DeliveryState state = DeliveryState.open(file, 1_000)) {
      state.put(1, 100, record(100));
    }
    Files.write(DeliveryState.openMarker(file), new byte[0]);

    try (DeliveryState state = DeliveryState.open(file, 1_000)) {
      assertThat(state.get(1, 100)).contains(record(100));
    }
    assertThat(DeliveryState.openMarker(file)).doesNotExist();
  }

  @Test
  void undecodableRecordsAreDroppedNotServed() throws Exception {
    Path file = dir.resolve("s3.cmap");
    try (DeliveryState state = DeliveryState.open(file, 1_000)) {
      state.put(1, 100, record(100));
    }
    try (ChronicleMap<byte[], byte[]> raw = ChronicleMap.of(byte[].class, byte[].class)
        .entries(1_000).constantKeySizeBySample(new byte[16]).averageValueSize(512)
        .createPersistedTo(file.toFile())) {
      raw.put(DeliveryState.key(1, 200), new byte[] {9, 9, 9});
      raw.put(DeliveryState.key(2, 300), new byte[] {42, 0, 0, 0, 1, 0, 0});
    }

    try (DeliveryState state = DeliveryState.open(file, 1_000)) {
      assertThat(state.get(2, 300)).isEmpty();
      List<Long> seen = new ArrayList<>();
      int dropped = state.forEach((c, m, r) -> seen.add(m));
      assertThat(dropped).isEqualTo(1);
      assertThat(seen).containsExactly(100L);
      assertThat(state.size()).isEqualTo(1);
    }
  }
}
