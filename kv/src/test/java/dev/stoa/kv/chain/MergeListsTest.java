package dev.stoa.kv.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class MergeListsTest {
  record Item(long msgId, String from) {}

  private static List<Item> items(String from, long... ids) {
    List<Item> out = new ArrayList<>();
    for (long id : ids) {
      out.add(new Item(id, from));
    }
    return out;
  }

  @Test
  void mergesInOrderAndDropsDuplicates() {
    List<Item> merged = MergeLists.merge(List.of(
        items("session", 1, 3, 5, 7),
        items("alice", 2, 3, 6),
        items("bob", 1, 4, 7, 9)), Item::msgId);
    assertThat(merged).extracting(Item::msgId).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 9L);
    // on a tie the earlier list wins
    assertThat(merged.getFirst().from()).isEqualTo("session");
    assertThat(merged.get(2).from()).isEqualTo("session");
  }

  @Test
  void emptyInputs() {
    assertThat(MergeLists.merge(List.<List<Item>>of(), Item::msgId)).isEmpty();
    assertThat(MergeLists.merge(List.of(items("a"), items("b")), Item::msgId)).isEmpty();
    assertThat(MergeLists.merge(List.of(items("a"), items("b", 4, 5)), Item::msgId))
        .extracting(Item::msgId).containsExactly(4L, 5L);
  }

  @Test
  void oneListBehindTheOther() {
    // the user chain lags the session chain: the merge holds everything once
    List<Item> merged = MergeLists.merge(List.of(items("s", 10, 20, 30), items("u", 10)),
        Item::msgId);
    assertThat(merged).extracting(Item::msgId).containsExactly(10L, 20L, 30L);
  }

  @Test
  void matchesASortedSetOnRandomInputs() {
    Random r = new Random(11);
    for (int round = 0; round < 200; round++) {
      int k = r.nextInt(6);
      List<List<Item>> lists = new ArrayList<>();
      TreeSet<Long> expected = new TreeSet<>();
      for (int i = 0; i < k; i++) {
        TreeSet<Long> ids = new TreeSet<>();
        int n = r.nextInt(30);
        for (int j = 0; j < n; j++) {
          ids.add((long) r.nextInt(100));
        }
        expected.addAll(ids);
        lists.add(items("l" + i, ids.stream().mapToLong(Long::longValue).toArray()));
      }
      assertThat(MergeLists.merge(lists, Item::msgId)).extracting(Item::msgId)
          .containsExactlyElementsOf(expected);
    }
  }
}
