package dev.stoa.writer;

import dev.stoa.cluster.Services;
import dev.stoa.common.metrics.Metrics;
import dev.stoa.proto.client.Message;
import dev.stoa.proto.internal.PushRequest;
import dev.stoa.proto.internal.Route;
import dev.stoa.proto.internal.State;
import dev.stoa.router.RouteTable;
import dev.stoa.cluster.ServiceDirectory;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The push trigger of a writer: looks up every member in the {@link RouteTable}, drops the
 * sender's own connection, groups the remaining connections by state server and sends each
 * state server one {@link PushRequest} through the {@link ServiceDirectory}, naming for each
 * connection the gateway its route names (so a state server that restarted since the attach
 * still reaches it). Every failure — a
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
      Map<String, PushRequest> byState = groupByStateServer(all, senderConnId, message);
      List<Future<Void>> pushes = new ArrayList<>(byState.size());
      for (Map.Entry<String, PushRequest> e : byState.entrySet()) {
        pushes.add(pushTo(e.getKey(), e.getValue()));
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

  private Future<Void> pushTo(String stateServerId, PushRequest request) {
    Message message = request.getMessage();
    List<Long> connIds = request.getConnIdsList();
    Optional<State> state = stateServerId.isEmpty() ? Optional.empty() : directory.find(Services.STATE, stateServerId);
    if (state.isEmpty()) {
      failures.increment();
      LOG.warning("push of msgId " + Long.toUnsignedString(message.getMsgId()) + " in "
          + message.getSessionId() + ": state server '" + stateServerId + "' of " + connIds.size()
          + " connection(s) " + connIds + " is not announced");
      return Future.succeededFuture();
    }
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
   * One push of {@code message} per state server of {@code routes}, in first-seen order: the
   * connection ids of its routes without {@code excludeConnId} (unless it is 0) and without
   * repeats, each with the gateway id of its route at the same index.
   */
  static Map<String, PushRequest> groupByStateServer(List<Route> routes, long excludeConnId, Message message) {
    Map<String, PushRequest.Builder> grouped = new LinkedHashMap<>();
    Set<Long> seen = new HashSet<>();
    for (Route r : routes) {
      if ((excludeConnId != 0 && r.getConnId() == excludeConnId) || !seen.add(r.getConnId())) {
        continue;
      }
      grouped.computeIfAbsent(r.getStateServerId(), k -> PushRequest.newBuilder().setMessage(message))
          .addConnIds(r.getConnId()).addGatewayIds(r.getGatewayId());
    }
    Map<String, PushRequest> out = new LinkedHashMap<>();
    grouped.forEach((k, v) -> out.put(k, v.build()));
    return out;
  }
}
