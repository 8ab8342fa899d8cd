package dev.stoa.cluster.impl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.common.StoaException;
import dev.stoa.proto.client.Code;
import dev.stoa.proto.internal.SendRequest;
import dev.stoa.proto.internal.Writer;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.server.GrpcServer;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import dev.stoa.cluster.Services;
import dev.stoa.proto.internal.WriterGrpcClient;
import io.vertx.core.net.SocketAddress;

/** The gRPC binding against a real Vert.x gRPC server on loopback, without Hazelcast. */
class GrpcCallsTest {
  static Vertx vertx;
  static HttpServer server;
  static GrpcCalls calls;
  static final String CREDENTIAL = "credential-of-this-test";
  static final AtomicReference<Object> hostedWriter = new AtomicReference<>();

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    GrpcServer grpc = GrpcServer.server(vertx);
    new ServiceHost("writer", hostedWriter::get).bind(grpc, Services.WRITER.calls());
    server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
        .requestHandler(new CallerCheck(CREDENTIAL, grpc)).listen().await(10, TimeUnit.SECONDS);
    // a deadline a loaded machine does not hit by accident (the first call loads and JITs the gRPC path)
    calls = new GrpcCalls(GrpcClient.client(vertx, new GrpcClientOptions().setScheduleDeadlineAutomatically(true)),
        Duration.ofSeconds(2), CREDENTIAL);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  static StoaException failure(Future<?> f) throws Exception {
    try {
      f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      throw new AssertionError("expected a failure");
    } catch (ExecutionException e) {
      return (StoaException) e.getCause();
    }
  }

  Writer remoteWriter(int port) {
    SocketAddress to = SocketAddress.inetSocketAddress(port, "127.0.0.1");
    return request -> calls.unary(to, "writer at 127.0.0.1:" + port, WriterGrpcClient.Send, request);
  }

  @Test
  void anEndpointHostingNoWriterAnswersUnavailable() throws Exception {
    hostedWriter.set(null);
    StoaException e = failure(remoteWriter(server.actualPort()).send(SendRequest.getDefaultInstance()));
    assertThat(e.code()).isEqualTo(Code.UNAVAILABLE);
    assertThat(e).hasMessage("no writer is hosted at this endpoint any more");
  }

  @Test
  void aCallPastItsDeadlineFailsUnavailable() throws Exception {
    hostedWriter.set((Writer) request -> Promise.<dev.stoa.proto.internal.SendResult>promise().future());
    long began = System.nanoTime();
    StoaException e = failure(remoteWriter(server.actualPort()).send(SendRequest.getDefaultInstance()));
    long tookMillis = (System.nanoTime() - began) / 1_000_000;
    assertThat(e.code()).isEqualTo(Code.UNAVAILABLE);
    assertThat(e).hasMessageContaining("writer at 127.0.0.1:" + server.actualPort());
    assertThat(tookMillis).as("not before the deadline").isGreaterThanOrEqualTo(1_900L);
  }

  @Test
  void aClosedPortFailsUnavailable() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    StoaException e = failure(remoteWriter(closed).send(SendRequest.getDefaultInstance()));
    assertThat(e.code()).isEqualTo(Code.UNAVAILABLE);
    assertThat(e).hasMessageContaining("writer at 127.0.0.1:" + closed + " is unreachable");
  }
}
