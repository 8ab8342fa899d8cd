package dev.stoa.kv.chain;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.ToLongFunction;

/**
 * The k-way merge of merge lists on read (DESIGN.md §4): several lists, each ascending by msgId,
 * into one ascending list where a msgId present in several lists appears once (the element of the
 * lowest-index list wins). O(n log k) with a heap of k cursors. It does not link by preMsgId: a
 * missing link is the reader's to report. Stateless; thread-safe.
 */
public final class MergeLists {
  private MergeLists() {}

  public static <T> List<T> merge(List<? extends List<T>> lists, ToLongFunction<T> msgIdOf) {
    int total = 0;
    for (List<T> list : lists) {
      total += list.size();
    }
    List<T> out = new ArrayList<>(total);
    PriorityQueue<Cursor<T>> heap = new PriorityQueue<>(Math.max(1, lists.size()),
        (a, b) -> a.msgId != b.msgId ? Long.compare(a.msgId, b.msgId)
            : Integer.compare(a.listIndex, b.listIndex));
    for (int i = 0; i < lists.size(); i++) {
      Cursor<T> c = new Cursor<>(lists.get(i), i);
      if (c.advance(msgIdOf)) {
        heap.add(c);
      }
    }
    boolean any = false;
    long lastId = 0;
    while (!heap.isEmpty()) {
      Cursor<T> c = heap.poll();
      if (!any || c.msgId != lastId) {
        out.add(c.item);
        lastId = c.msgId;
        any = true;
      }
      if (c.advance(msgIdOf)) {
        heap.add(c);
      }
    }
    return out;
  }

  private static final class Cursor<T> {
    final List<T> list;
    final int listIndex;
    int next;
    T item;
    long msgId;

    Cursor(List<T> list, int listIndex) {
      this.list = list;
      this.listIndex = listIndex;
    }

    boolean advance(ToLongFunction<T> msgIdOf) {
      if (next >= list.size()) {
        return false;
      }
      item = list.get(next++);
      msgId = msgIdOf.applyAsLong(item);
      return true;
    }
  }
}
