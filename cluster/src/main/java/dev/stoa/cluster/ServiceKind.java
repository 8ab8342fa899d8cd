package dev.stoa.cluster;

import dev.stoa.cluster.impl.Announcement;
import dev.stoa.common.CallerContext;
import dev.stoa.cluster.impl.GrpcErrors;
import dev.stoa.cluster.impl.Invoker;
import dev.stoa.cluster.impl.Unary;
import dev.stoa.common.Ids;
import dev.stoa.common.StoaException;
import dev.stoa.proto.client.Code;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.grpc.common.ServiceMethod;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * A service of the cluster, declared once: its name (the {@code <service>} of its announcements
 * {@code <service>/<instanceId>}), the role that hosts it, its Java interface (generated from
 * {@code services.proto}) and, for each call, the gRPC method it travels as. Everything else
 * follows from the declaration: the {@link ClusterDirectory} serves a registered instance's calls
 * on its gRPC endpoint, binds another process's instance as a gRPC client of the same interface,
 * binds this process's own instance directly, and picks an instance per call for
 * {@link ServiceDirectory#any}. Every binding completes a call on the caller's Vert.x context (see
 * {@link CallerContext}), except a call declared as a {@link Builder#notice notice}, which every
 * binding completes on the thread that answered. The declarations of Stoa's services are in {@link Services}.
 *
 * <p>A declaration is checked when it is built: every abstract method of the interface must be a
 * declared call (one request, a {@code Future} answer) and every call a method of the interface,
 * else {@link IllegalArgumentException} naming the method. Immutable; thread-safe.
 *
 * @param <T> the service interface
 */
public final class ServiceKind<T> {
  private static final Pattern NAME = Announcement.SERVICE_NAME;

  private final String name;
  private final Role role;
  private final Class<T> type;
  private final String description;
  private final List<Unary<T, ?, ?>> calls;
  private final Map<Method, Unary<T, ?, ?>> byMethod;

  private ServiceKind(String name, Role role, Class<T> type, String description, List<Unary<T, ?, ?>> calls) {
    this.name = name;
    this.role = role;
    this.type = type;
    this.description = description;
    this.calls = List.copyOf(calls);
    this.byMethod = matchMethods(type, this.calls);
  }

  /**
   * Starts the declaration of a service.
   *
   * @param name lower-case name of the service in announcements ({@code writer}, {@code rooms})
   * @param role the role whose processes host it
   * @param type its Java interface
   * @param description what it is called in messages ({@code "state server"}: "state server at host:port")
   */
  public static <T> Builder<T> define(String name, Role role, Class<T> type, String description) {
    return new Builder<>(name, role, type, description);
  }

  public String name() {
    return name;
  }

  public Role role() {
    return role;
  }

  public Class<T> type() {
    return type;
  }

  /** What the service is called in messages, e.g. {@code "room fan-out"}. */
  public String description() {
    return description;
  }

  /** The declared calls, in declaration order. */
  public List<Unary<T, ?, ?>> calls() {
    return calls;
  }

  /**
   * An object of the service interface whose every call goes through {@code invoker} and completes
   * on the caller's context. {@code what} names it in {@code toString}.
   */
  T bind(Invoker invoker, String what) {
    InvocationHandler handler = (proxy, method, args) -> {
      Unary<T, ?, ?> call = byMethod.get(method);
      if (call == null) {
        return objectMethod(proxy, method, args, what);
      }
      Context caller = CallerContext.current();
      Future<?> answer;
      try {
        answer = invoker.invoke(call, args[0]);
      } catch (RuntimeException e) {
        answer = Future.failedFuture(e);
      }
      return call.notice() ? answer : CallerContext.completeOn(caller, answer);
    };
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
  }

  /** The binding of an instance in this process: calls go to it directly. */
  T local(T instance) {
    return bind(direct(instance), description + " in this process");
  }

  /**
   * Calls {@code instance} itself; a failure arrives as the gRPC binding would deliver it
   * ({@code GrpcErrors.asAnswer}).
   */
  Invoker direct(Object instance) {
    String what = description + " hosted here";
    return (call, request) -> call.invokeOn(instance, request)
        .recover(err -> Future.failedFuture(GrpcErrors.asAnswer(what, err)));
  }

  /**
   * Why {@code service} cannot be registered as instance {@code instanceId} of this service (a bad
   * id: BAD_REQUEST naming {@code instanceId}; not an implementation of the interface), or null.
   */
  RuntimeException refusal(String instanceId, Object service) {
    try {
      Ids.requireId("instanceId", instanceId);
    } catch (StoaException e) {
      return e;
    }
    if (!type.isInstance(service)) {
      return new IllegalArgumentException(name + " instance '" + instanceId + "' must implement " + type.getName()
          + ", got " + (service == null ? "null" : service.getClass().getName()));
    }
    return null;
  }

  /** Where a call of {@code any} goes while no instance is announced: UNAVAILABLE, per call. */
  Invoker noneAnnounced() {
    return (call, request) -> Future.failedFuture(new StoaException(Code.UNAVAILABLE, "no " + description
        + " is announced in the cluster"));
  }

  /** The one of {@code ids} (non-empty) that serves {@code key}: the same key, the same one, while they stay the same. */
  static <I> I byKey(List<I> ids, long key) {
    int spread = (int) ((key * 0x9E3779B97F4A7C15L) >>> 32);
    return ids.get(Math.floorMod(spread, ids.size()));
  }

  private static Object objectMethod(Object proxy, Method method, Object[] args, String what) {
    return switch (method.getName()) {
      case "toString" -> what;
      case "hashCode" -> System.identityHashCode(proxy);
      case "equals" -> proxy == args[0];
      default -> throw new UnsupportedOperationException(what + ": " + method.getName());
    };
  }

  private static <T> Map<Method, Unary<T, ?, ?>> matchMethods(Class<T> type, List<Unary<T, ?, ?>> calls) {
    Map<String, Unary<T, ?, ?>> byName = new HashMap<>();
    for (Unary<T, ?, ?> call : calls) {
      if (byName.put(call.javaName(), call) != null) {
        throw new IllegalArgumentException(type.getSimpleName() + "." + call.javaName() + " is declared twice");
      }
    }
    Map<Method, Unary<T, ?, ?>> byMethod = new HashMap<>();
    for (Method m : type.getMethods()) {
      if (!Modifier.isAbstract(m.getModifiers())) {
        continue;
      }
      Unary<T, ?, ?> call = byName.get(m.getName());
      if (call == null || m.getParameterCount() != 1 || !Future.class.isAssignableFrom(m.getReturnType())) {
        throw new IllegalArgumentException(type.getSimpleName() + "." + m.getName()
            + (call == null ? " is not declared as a call of the service" : " is not a unary call (one request, a Future)"));
      }
      byMethod.put(m, call);
    }
    if (byMethod.size() != byName.size()) {
      List<String> extra = new ArrayList<>(byName.keySet());
      byMethod.values().forEach(c -> extra.remove(c.javaName()));
      throw new IllegalArgumentException("calls " + extra + " are not methods of " + type.getName());
    }
    return Map.copyOf(byMethod);
  }

  @Override
  public String toString() {
    return name;
  }

  /** Collects the calls of one service. */
  public static final class Builder<T> {
    private final String name;
    private final Role role;
    private final Class<T> type;
    private final String description;
    private final List<Unary<T, ?, ?>> calls = new ArrayList<>();

    private Builder(String name, Role role, Class<T> type, String description) {
      if (name == null || !NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("service name '" + name + "': must match " + NAME.pattern());
      }
      this.name = name;
      this.role = role;
      this.type = type;
      this.description = description;
    }

    /**
     * Declares one unary call: the generated server and client descriptors of the gRPC method
     * ({@code WriterGrpcService.Send}, {@code WriterGrpcClient.Send}) and the interface method
     * ({@code Writer::send}), which must have the gRPC method's name with a lower-case first letter.
     */
    public <Req, Resp> Builder<T> unary(ServiceMethod<Req, Resp> server, ServiceMethod<Resp, Req> client,
        BiFunction<T, Req, Future<Resp>> call) {
      return add(server, client, call, false);
    }

    /**
     * Declares a call as {@link #unary} does, for a call whose callers do not wait on the answer
     * (they only log a failure, as a gateway does for a client's {@code ack}): every binding
     * completes it on the thread that answered, so an answer nobody waits on costs the caller's
     * event loop no wake-up.
     */
    public <Req, Resp> Builder<T> notice(ServiceMethod<Req, Resp> server, ServiceMethod<Resp, Req> client,
        BiFunction<T, Req, Future<Resp>> call) {
      return add(server, client, call, true);
    }

    private <Req, Resp> Builder<T> add(ServiceMethod<Req, Resp> server, ServiceMethod<Resp, Req> client,
        BiFunction<T, Req, Future<Resp>> call, boolean notice) {
      if (!server.fullMethodName().equals(client.fullMethodName())) {
        throw new IllegalArgumentException(name + ": server method " + server.fullMethodName() + " and client method "
            + client.fullMethodName() + " differ");
      }
      calls.add(new Unary<>(Unary.javaName(server.methodName()), server, client, call, notice));
      return this;
    }

    public ServiceKind<T> build() {
      return new ServiceKind<>(name, role, type, description, calls);
    }
  }
}
