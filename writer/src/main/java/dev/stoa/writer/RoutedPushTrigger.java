package dev.stoa.writer;

import dev.stoa.common.metrics.Metrics;
import dev.stoa.proto.client.Message;
import dev.stoa.proto.internal.PushRequest;
import dev.stoa.proto.internal.Route;
import dev.stoa.proto.internal.State;
import dev.stoa.router.RouteTable;
import dev.stoa.router.ServiceDirectory;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The push trigger of a writer: looks up every member in the {@link RouteTable}, drops the
 * sender's own connection, groups the remaining connection ids by state server and sends each
 * state server one {@link PushRequest} through the {@link ServiceDirectory}. Every failure — a
 * route lookup, a state server that is not announced, a push call — is logged and counted in
 * {@code stoa_writer_push_failures_total}; the returned future always succeeds once every push was
 * attempted. Stateless apart from the counter; thread-safe.
 */
public final class RoutedPushTrigger implements PushTrigger {
  private static final Logger LOG = Logger.getLogger(RoutedPushTrigger.class.getName());

  private final RouteTable routes;
  private final ServiceDirectory directory;
  private final Counter failures;

  public RoutedPushTrigger(RouteTable routes, ServiceDirectory directory) {
    this.routes = routes;
    this.directory = directory;
    this.failures = Counter.builder("stoa_writer_push_failures")
        .description("pushes to state servers that failed after a successful send")
        .register(Metrics.registry());
  }

  @Override
  public Future<Void> push(List<String> members, long senderConnId, Message message) {
    List<Future<List<Route>>> lookups = new ArrayList<>(members.size());
    for (String member : members) {
      lookups.add(lookup(member, message));
    }
    return Future.join(lookups).transform(ignored -> {
      List<Route> all = new ArrayList<>();
      for (Future<List<Route>> f : lookups) {
        if (f.succeeded() && f.result() != null) {
          all.addAll(f.result());
        }
      }
      Map<String, List<Long>> byState = groupByStateServer(all, senderConnId);
      List<Future<Void>> pushes = new ArrayList<>(byState.size());
      for (Map.Entry<String, List<Long>> e : byState.entrySet()) {
        pushes.add(pushTo(e.getKey(), e.getValue(), message));
      }
      return Future.join(pushes).<Void>mapEmpty().otherwiseEmpty();
    });
  }

  private Future<List<Route>> lookup(String member, Message message) {
    Future<List<Route>> f;
    try {
      f = routes.lookup(member);
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    return f.recover(e -> {
      failures.increment();
      LOG.log(Level.WARNING, "push of msgId " + Long.toUnsignedString(message.getMsgId()) + " in "
          + message.getSessionId() + ": route lookup of user '" + member + "' failed: " + e);
      return Future.succeededFuture(List.of());
    });
  }

  private Future<Void> pushTo(String stateServerId, List<Long> connIds, Message message) {
    Optional<State> state = stateServerId.isEmpty() ? Optional.empty() : directory.state(stateServerId);
    if (state.isEmpty()) {
      failures.increment();
      LOG.warning("push of msgId " + Long.toUnsignedString(message.getMsgId()) + " in "
          + message.getSessionId() + ": state server '" + stateServerId + "' of " + connIds.size()
          + " connection(s) " + connIds + " is not announced");
      return Future.succeededFuture();
    }
    PushRequest request = PushRequest.newBuilder().addAllConnIds(connIds).setMessage(message).build();
    Future<?> f;
    try {
      f = state.get().push(request);
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    return f.<Void>mapEmpty().recover(e -> {
      failures.increment();
      LOG.log(Level.WARNING, "push of msgId " + Long.toUnsignedString(message.getMsgId()) + " in "
          + message.getSessionId() + " to state server '" + stateServerId + "' (" + connIds.size()
          + " connection(s)) failed: " + e);
      return Future.succeededFuture();
    });
  }

  /**
   * Connection ids of {@code routes} grouped by state server id, in first-seen order, without
   * {@code excludeConnId} (unless it is 0) and without repeats.
   */
  static Map<String, List<Long>> groupByStateServer(List<Route> routes, long excludeConnId) {
    Map<String, Set<Long>> grouped = new LinkedHashMap<>();
    for (Route r : routes) {
      if (excludeConnId != 0 && r.getConnId() == excludeConnId) {
        continue;
      }
      grouped.computeIfAbsent(r.getStateServerId(), k -> new LinkedHashSet<>()).add(r.getConnId());
    }
    Map<String, List<Long>> out = new LinkedHashMap<>();
    grouped.forEach((k, v) -> out.put(k, List.copyOf(v)));
    return out;
  }
}
