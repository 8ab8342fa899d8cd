package dev.stoa.cluster.impl;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * One entry of the service map: key {@code <service>/<instanceId>} (the service's name, e.g.
 * {@code state/ss-1}), value {@code <host>:<port>|<memberUuid>}: the gRPC endpoint of the process
 * hosting the instance and the Hazelcast member that announced it (so an entry of a member that
 * left is ignored). Immutable.
 */
public record Announcement(String service, String instanceId, String host, int port, UUID member) {
  /** What a service name looks like (as {@code ServiceKind} requires). */
  public static final Pattern SERVICE_NAME = Pattern.compile("[a-z][a-z0-9-]{0,31}");

  public static String key(String service, String instanceId) {
    return service + "/" + instanceId;
  }

  public String key() {
    return key(service, instanceId);
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
          + "': expected <service>/<instanceId> -> <host>:<port>|<memberUuid>");
    }
    String service = key.substring(0, slash);
    if (!SERVICE_NAME.matcher(service).matches()) {
      throw new IllegalArgumentException("service map entry '" + key + "' -> '" + value
          + "': service name must match " + SERVICE_NAME.pattern());
    }
    try {
      int port = Integer.parseInt(value.substring(colon + 1, bar));
      UUID member = UUID.fromString(value.substring(bar + 1));
      return new Announcement(service, key.substring(slash + 1), value.substring(0, colon), port, member);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("service map entry '" + key + "' -> '" + value + "': " + e.getMessage(), e);
    }
  }
}
