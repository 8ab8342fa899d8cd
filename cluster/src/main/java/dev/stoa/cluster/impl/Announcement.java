package dev.stoa.cluster.impl;

import dev.stoa.cluster.ServiceDirectory.Role;
import java.util.Locale;
import java.util.UUID;

/**
 * One entry of the service map: key {@code <role>/<instanceId>} (role lower-case, e.g.
 * {@code state/ss-1}), value {@code <host>:<port>|<memberUuid>}: the gRPC endpoint of the process
 * hosting the instance and the Hazelcast member that announced it (so an entry of a member that
 * left is ignored). Immutable.
 */
public record Announcement(Role role, String instanceId, String host, int port, UUID member) {

  public static String key(Role role, String instanceId) {
    return role.name().toLowerCase(Locale.ROOT) + "/" + instanceId;
  }

  public String key() {
    return key(role, instanceId);
  }

  /** {@code host:port} of the gRPC endpoint. */
  public String address() {
    return host + ":" + port;
  }

  public String value() {
    return address() + "|" + member;
  }

  /** Parses a map entry; throws IllegalArgumentException naming the entry when malformed. */
  public static Announcement parse(String key, String value) {
    int slash = key.indexOf('/');
    int bar = value == null ? -1 : value.lastIndexOf('|');
    int colon = bar < 0 ? -1 : value.lastIndexOf(':', bar);
    if (slash <= 0 || slash == key.length() - 1 || colon <= 0) {
      throw new IllegalArgumentException("service map entry '" + key + "' -> '" + value
          + "': expected <role>/<instanceId> -> <host>:<port>|<memberUuid>");
    }
    try {
      Role role = Role.valueOf(key.substring(0, slash).toUpperCase(Locale.ROOT));
      int port = Integer.parseInt(value.substring(colon + 1, bar));
      UUID member = UUID.fromString(value.substring(bar + 1));
      return new Announcement(role, key.substring(slash + 1), value.substring(0, colon), port, member);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("service map entry '" + key + "' -> '" + value + "': " + e.getMessage(), e);
    }
  }
}
