package dev.stoa.reader;

import java.util.List;

/**
 * What {@link ChainMerge} returns: the merged references (each msgId once) and every missing link
 * it found among them. Immutable.
 */
public record MergeResult(List<ChainRef> refs, List<MissingLink> missingLinks) {
  public MergeResult {
    refs = List.copyOf(refs);
    missingLinks = List.copyOf(missingLinks);
  }

  /** True when every message links to the one before it. */
  public boolean complete() {
    return missingLinks.isEmpty();
  }
}
