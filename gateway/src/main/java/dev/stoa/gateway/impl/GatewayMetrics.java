package dev.stoa.gateway.impl;

import dev.stoa.proto.client.Code;
import dev.stoa.proto.client.Frame;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * The gateway's meters, registered once per gateway in the process registry:
 * {@code stoa_gateway_connections{gateway}} (gauge), {@code stoa_gateway_frames_in_total{type}},
 * {@code stoa_gateway_frames_out_total{type}}, {@code stoa_gateway_rejections_total{code}} and
 * {@code stoa_gateway_slow_consumers_total}, {@code stoa_gateway_reattached_total} and
 * {@code stoa_gateway_user_connections_kicked_total}, {@code stoa_gateway_flooders_kicked_total}. Frame types are the JSON keys ({@code sendAck});
 * input that is not a frame counts as type {@code invalid}. Counters are shared by every gateway
 * of the process (they only add up). Thread-safe.
 */
public final class GatewayMetrics {
  private final MeterRegistry registry;
  private final Map<Frame.FrameCase, Counter> in = new EnumMap<>(Frame.FrameCase.class);
  private final Map<Frame.FrameCase, Counter> out = new EnumMap<>(Frame.FrameCase.class);
  private final Map<Code, Counter> rejections = new EnumMap<>(Code.class);
  private final Counter invalidIn;
  private final Counter slowConsumers;
  private final Counter reattached;
  private final Counter userConnectionsKicked;
  private final Counter floodersKicked;
  private final Gauge connections;

  public GatewayMetrics(MeterRegistry registry, String gatewayId, IntSupplier connectionCount) {
    this.registry = registry;
    for (Frame.FrameCase type : Frame.FrameCase.values()) {
      String name = FrameCodec.typeName(type);
      if (FrameCodec.isClientFrame(type) || type == Frame.FrameCase.FRAME_NOT_SET) {
        in.put(type, Counter.builder("stoa.gateway.frames.in").tag("type", name)
            .description("frames received from clients").register(registry));
      }
      if (!FrameCodec.isClientFrame(type) && type != Frame.FrameCase.FRAME_NOT_SET) {
        out.put(type, Counter.builder("stoa.gateway.frames.out").tag("type", name)
            .description("frames written to clients").register(registry));
      }
    }
    invalidIn = Counter.builder("stoa.gateway.frames.in").tag("type", "invalid")
        .description("frames received from clients").register(registry);
    for (Code code : Code.values()) {
      if (code != Code.OK && code != Code.UNRECOGNIZED) {
        rejections.put(code, Counter.builder("stoa.gateway.rejections").tag("code", code.name())
            .description("requests and frames answered with an error").register(registry));
      }
    }
    slowConsumers = Counter.builder("stoa.gateway.slow.consumers")
        .description("connections closed because their write queue was full").register(registry);
    reattached = Counter.builder("stoa.gateway.reattached")
        .description("connections attached again (with their rooms) to a state server that restarted")
        .register(registry);
    userConnectionsKicked = Counter.builder("stoa.gateway.user.connections.kicked")
        .description("connections kicked because their user opened more than gateway.user.max.connections")
        .register(registry);
    floodersKicked = Counter.builder("stoa.gateway.flooders.kicked")
        .description("connections kicked for more than gateway.rate.kick.after rate-limited frames in a second")
        .register(registry);
    connections = Gauge.builder("stoa.gateway.connections", connectionCount, s -> s.getAsInt())
        .tag("gateway", gatewayId).description("open client connections").strongReference(true)
        .register(registry);
  }

  public void frameIn(Frame.FrameCase type) {
    Counter c = in.get(type);
    (c == null ? invalidIn : c).increment();
  }

  public void invalidFrameIn() {
    invalidIn.increment();
  }

  public void frameOut(Frame.FrameCase type) {
    Counter c = out.get(type);
    if (c != null) {
      c.increment();
    }
  }

  public void rejected(Code code) {
    Counter c = rejections.get(code);
    if (c != null) {
      c.increment();
    }
  }

  public void slowConsumer() {
    slowConsumers.increment();
  }

  public void reattached() {
    reattached.increment();
  }

  public void flooderKicked() {
    floodersKicked.increment();
  }

  public void userConnectionKicked() {
    userConnectionsKicked.increment();
  }

  /** Removes the connection gauge of this gateway (counters stay: they are process totals). */
  public void close() {
    registry.remove(connections);
  }
}
