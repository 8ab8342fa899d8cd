package dev.stoa.cluster;

import dev.stoa.cluster.impl.Invoker;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@link ServiceDirectory} of one process that is in no cluster: every instance is this
 * process's own and bound directly, with the binding rules of {@link ClusterDirectory} (a call
 * completes on the caller's context; a failure arrives as the instance's exception; {@link #any}
 * fails UNAVAILABLE per call while none is registered). Unlike a cluster member it may host
 * several instances of one service (a test of the push path hosts several state servers); they
 * take part in {@link #any} and {@link #pick} as announced instances would. Each registration
 * gets a new {@link #incarnation}. Thread-safe.
 */
public final class LocalDirectory implements ServiceDirectory {
  private record Registration(Invoker direct, Object local, String incarnation) {}

  private final Map<ServiceKind<?>, Map<String, Registration>> hosted = new ConcurrentHashMap<>();
  private final Map<ServiceKind<?>, Object> anyOf = new ConcurrentHashMap<>();
  private final AtomicInteger rotation = new AtomicInteger();

  @Override
  public <T> Future<Void> register(ServiceKind<T> kind, String instanceId, T service) {
    RuntimeException refused = kind.refusal(instanceId, service);
    if (refused != null) {
      return Future.failedFuture(refused);
    }
    instances(kind).put(instanceId, new Registration(kind.direct(service), kind.local(service),
        UUID.randomUUID().toString()));
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> unregister(ServiceKind<?> kind, String instanceId) {
    instances(kind).remove(instanceId);
    return Future.succeededFuture();
  }

  @Override
  public <T> T any(ServiceKind<T> kind) {
    return kind.type().cast(anyOf.computeIfAbsent(kind, k -> kind.bind(invokerOfAny(kind), "any " + kind.description())));
  }

  @Override
  public <T> Optional<T> find(ServiceKind<T> kind, String instanceId) {
    Registration r = instanceId == null ? null : instances(kind).get(instanceId);
    return r == null ? Optional.empty() : Optional.of(kind.type().cast(r.local()));
  }

  @Override
  public Optional<String> pick(ServiceKind<?> kind, long key) {
    List<String> ids = announced(kind);
    if (ids.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(ServiceKind.byKey(ids, key));
  }

  @Override
  public List<String> announced(ServiceKind<?> kind) {
    return List.copyOf(new TreeMap<>(instances(kind)).keySet());
  }

  @Override
  public Optional<String> incarnation(ServiceKind<?> kind, String instanceId) {
    Registration r = instanceId == null ? null : instances(kind).get(instanceId);
    return r == null ? Optional.empty() : Optional.of(r.incarnation());
  }

  private Invoker invokerOfAny(ServiceKind<?> kind) {
    return (call, request) -> {
      List<String> ids = announced(kind);
      Registration r = ids.isEmpty() ? null
          : instances(kind).get(ids.get(Math.floorMod(rotation.getAndIncrement(), ids.size())));
      return (r == null ? kind.noneAnnounced() : r.direct()).invoke(call, request);
    };
  }

  private Map<String, Registration> instances(ServiceKind<?> kind) {
    return hosted.computeIfAbsent(kind, k -> new ConcurrentHashMap<>());
  }
}
