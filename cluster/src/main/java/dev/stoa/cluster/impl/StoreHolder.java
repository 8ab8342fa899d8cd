package dev.stoa.cluster.impl;

import java.util.UUID;

/**
 * The value of the embedded-store claim ({@code dev.stoa.cluster.EmbeddedStoreClaim}):
 * {@code <nodeId>|<roles>|<location>|<memberUuid>}, the member's UUID last so that a member's
 * entries can be matched by suffix. {@code nodeId} and {@code roles} hold no {@code |};
 * {@code location} may. Immutable.
 */
public record StoreHolder(String nodeId, String roles, String location, UUID member) {
  public StoreHolder {
    if (nodeId.indexOf('|') >= 0 || roles.indexOf('|') >= 0) {
      throw new IllegalArgumentException("store claim: node id and roles must not contain '|', got '" + nodeId
          + "' and '" + roles + "'");
    }
  }

  public String value() {
    return nodeId + "|" + roles + "|" + location + "|" + member;
  }

  /** Parses {@link #value()}; throws IllegalArgumentException naming the value when malformed. */
  public static StoreHolder parse(String value) {
    int first = value.indexOf('|');
    int second = first < 0 ? -1 : value.indexOf('|', first + 1);
    int last = value.lastIndexOf('|');
    if (first < 0 || second < 0 || last <= second) {
      throw new IllegalArgumentException("store claim '" + value + "': expected <nodeId>|<roles>|<location>|<memberUuid>");
    }
    try {
      return new StoreHolder(value.substring(0, first), value.substring(first + 1, second),
          value.substring(second + 1, last), UUID.fromString(value.substring(last + 1)));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("store claim '" + value + "': " + e.getMessage(), e);
    }
  }

  /** For messages: {@code <roles> of node <nodeId>, store at <location>}. */
  public String describe() {
    return roles + " of node " + nodeId + ", store at " + location;
  }
}
