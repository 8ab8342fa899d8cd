package dev.stoa.router.impl;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import java.io.Serial;
import java.io.Serializable;
import java.util.concurrent.Callable;

/**
 * Sent to every member when a user's routes changed: drops that user's copy from the member's
 * {@link RouteCache} (found in the member's user context under {@link #CACHE_KEY}; a member without
 * one has nothing to drop). Returns whether the member held a cache. Serialised with Java
 * serialisation (same jar on every member).
 */
public final class InvalidateRoutes implements Callable<Boolean>, Serializable, HazelcastInstanceAware {
  @Serial
  private static final long serialVersionUID = 1L;
  /** Where a member's {@link RouteCache} lives in {@link HazelcastInstance#getUserContext()}. */
  public static final String CACHE_KEY = "stoa.routes.cache";

  private final String userId;
  private transient HazelcastInstance hazelcast;

  public InvalidateRoutes(String userId) {
    this.userId = userId;
  }

  @Override
  public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
    this.hazelcast = hazelcastInstance;
  }

  @Override
  public Boolean call() {
    if (hazelcast != null && hazelcast.getUserContext().get(CACHE_KEY) instanceof RouteCache cache) {
      cache.invalidate(userId);
      return true;
    }
    return false;
  }
}
