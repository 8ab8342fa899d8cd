package dev.stoa.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicates;
import dev.stoa.common.Lifecycle;
import dev.stoa.cluster.internal.HazelcastFutures;
import dev.stoa.cluster.impl.RemoveIfValue;
import dev.stoa.cluster.impl.StoreHolder;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * One cluster, one embedded KV store, until the KV store is shared: a writer sequences from its
 * own store's heads and deduplicates against its own store's records, so two writers (or a writer
 * and a reader) on two embedded stores in one cluster hand out the same seqs twice and miss each
 * other's dedup records and messages. A process that hosts a writer or a reader on an embedded
 * store claims the cluster's single entry {@value #KEY} of the map {@value #MAP_NAME} before the
 * roles start, and does not start when another store holds it.
 *
 * <p>Claim ({@link #start()}, blocking calls on a worker): {@code putIfAbsent} of
 * {@link StoreHolder} {@code <nodeId>|<roles>|<location>|<memberUuid>}. If the entry is held it is
 * taken over, by a compare-and-replace, only when its holder's member is no longer in the cluster
 * or its location is this store's own (a restart of the same node after {@code kill -9}, seen
 * before the cluster noticed the old member left: the caller holds the store open, and RocksDB's
 * lock file proves no other live process does). Otherwise the start fails with a message naming
 * both stores and what to do. Two members claiming at once: Hazelcast's map operations on the
 * key's partition are atomic, so one wins.
 *
 * <p>Release: {@link #stop()} removes the entry only if it is still this claim's. The entry of a
 * member that left is removed by the oldest member ({@link #dropClaimsOf}, called by
 * {@link ClusterDirectory} on every member departure), and ignored by claims meanwhile.
 *
 * <p>{@code location} must identify the store across the cluster: {@code <internal host>:<absolute
 * path>}. Start and stop once each; start after the {@link ClusterNode}, stop before it.
 */
public final class EmbeddedStoreClaim implements Lifecycle {
  public static final String MAP_NAME = "stoa.stores";
  public static final String KEY = "kv/embedded";
  private static final int ATTEMPTS = 10;
  private static final Logger LOG = Logger.getLogger(EmbeddedStoreClaim.class.getName());

  private final Vertx vertx;
  private final ClusterNode node;
  private final String nodeId;
  private final String roles;
  private final String location;
  private volatile StoreHolder claimed;

  /**
   * @param nodeId this process's node id, for messages
   * @param roles the roles using the store, for messages ({@code "writer,reader"})
   * @param location {@code <internal host>:<absolute path of the store>}
   */
  public EmbeddedStoreClaim(Vertx vertx, ClusterNode node, String nodeId, String roles, String location) {
    this.vertx = vertx;
    this.node = node;
    this.nodeId = nodeId;
    this.roles = roles;
    this.location = location;
  }

  @Override
  public Future<Void> start() {
    if (claimed != null) {
      return Future.failedFuture(new IllegalStateException("embedded store already claimed"));
    }
    HazelcastInstance hz;
    try {
      hz = node.hazelcast();
    } catch (IllegalStateException e) {
      return Future.failedFuture(e);
    }
    StoreHolder mine = new StoreHolder(nodeId, roles, location, hz.getCluster().getLocalMember().getUuid());
    return vertx.<Void>executeBlocking(() -> {
      claim(hz.getMap(MAP_NAME), hz, mine);
      claimed = mine;
      return null;
    }, false);
  }

  private void claim(IMap<String, String> map, HazelcastInstance hz, StoreHolder mine) {
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      String previous = map.putIfAbsent(KEY, mine.value());
      if (previous == null || previous.equals(mine.value())) {
        return;
      }
      StoreHolder holder = parseOrNull(previous);
      boolean sameStore = holder != null && holder.location().equals(location);
      boolean holderGone = holder == null || !liveMembers(hz).contains(holder.member());
      if (!sameStore && !holderGone) {
        throw new IllegalStateException("this cluster already has an embedded KV store (" + holder.describe()
            + "); a writer or reader on a second embedded store (" + roles + " of node " + nodeId + ", store at "
            + location + ") would hand out the same seqs again and miss the first store's dedup records and"
            + " messages, so this node does not start. Until the KV store is shared, run the writer and reader"
            + " roles in one process per cluster, or stop node " + holder.nodeId() + " first");
      }
      if (map.replace(KEY, previous, mine.value())) {
        LOG.info(() -> "embedded KV store claim taken over from " + (holder == null ? previous : holder.describe())
            + (sameStore ? " (same store: an earlier run of this node)" : " (its member left the cluster)"));
        return;
      }
    }
    throw new IllegalStateException("embedded KV store claim: the entry " + KEY + " of " + MAP_NAME + " kept changing"
        + " over " + ATTEMPTS + " attempts; try again");
  }

  @Override
  public Future<Void> stop() {
    StoreHolder mine = claimed;
    claimed = null;
    if (mine == null) {
      return Future.succeededFuture();
    }
    return HazelcastFutures.blocking(vertx, "embedded store claim: release", () -> {
      IMap<String, String> map = node.hazelcast().getMap(MAP_NAME);
      map.executeOnKey(KEY, new RemoveIfValue(mine.value()));
      return null;
    });
  }

  /** Removes the claim of member {@code gone} (blocking): call on one member when a member leaves. */
  public static void dropClaimsOf(HazelcastInstance hz, UUID gone) {
    hz.<String, String>getMap(MAP_NAME).removeAll(Predicates.like("this", "%|" + gone));
  }

  private static Set<UUID> liveMembers(HazelcastInstance hz) {
    Set<UUID> uuids = new HashSet<>();
    for (Member m : hz.getCluster().getMembers()) {
      uuids.add(m.getUuid());
    }
    return uuids;
  }

  private static StoreHolder parseOrNull(String value) {
    try {
      return StoreHolder.parse(value);
    } catch (IllegalArgumentException e) {
      LOG.warning(() -> e.getMessage() + "; replacing it");
      return null;
    }
  }
}
