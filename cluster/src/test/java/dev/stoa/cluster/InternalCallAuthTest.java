package dev.stoa.cluster;

import static dev.stoa.cluster.TestFutures.await;
import static dev.stoa.cluster.TestFutures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.common.StoaException;
import dev.stoa.common.metrics.Metrics;
import dev.stoa.proto.client.Code;
import dev.stoa.proto.client.Send;
import dev.stoa.proto.client.SendAck;
import dev.stoa.proto.internal.SendRequest;
import dev.stoa.proto.internal.SendResult;
import dev.stoa.proto.internal.Writer;
import dev.stoa.proto.internal.WriterGrpcClient;

import dev.stoa.cluster.impl.CallerCheck;
import dev.stoa.cluster.impl.GrpcCalls;
import dev.stoa.proto.internal.WriterGrpcClient;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.Future;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.GrpcStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The internal gRPC endpoint of a real directory, called by a plain Vert.x gRPC client as an
 * outsider would: without the cluster credential, or with a wrong one, no service is reached.
 */
class InternalCallAuthTest {
  static TestCluster cluster;
  static ClusterDirectory directory;
  static GrpcClient client;
  static final AtomicInteger sends = new AtomicInteger();

  /** A writer that counts the sends that reach it and acks each as seq 7. */
  static final Writer COUNTING = request -> {
    sends.incrementAndGet();
    return Future.succeededFuture(SendResult.newBuilder()
        .setAck(SendAck.newBuilder().setClientMsgId(request.getSend().getClientMsgId()).setSeq(7)).build());
  };

  record Outcome(GrpcStatus status, String message, SendResult result) {}

  @BeforeAll
  static void start() throws Exception {
    cluster = TestCluster.start(1);
    TestCluster.Member m = cluster.member(0);
    directory = new ClusterDirectory(m.vertx(), m.node(), m.options(), m.nodeOptions());
    await(directory.start());
    await(directory.register(Services.WRITER, "w1", COUNTING));
    client = GrpcClient.client(m.vertx());
  }

  @AfterAll
  static void stop() throws Exception {
    if (client != null) {
      await(client.close());
    }
    if (directory != null) {
      await(directory.stop());
    }
    cluster.close();
  }

  static SendRequest send(String clientMsgId) {
    return SendRequest.newBuilder().setUserId("mallory")
        .setSend(Send.newBuilder().setClientMsgId(clientMsgId).setSessionId("user:bob").setBody("hi")).build();
  }

  /** Writer.Send at the directory's endpoint with {@code credential} in the header, or none if null. */
  static Outcome call(String credential, SendRequest request) throws Exception {
    SocketAddress to = SocketAddress.inetSocketAddress(directory.grpcPort(), "127.0.0.1");
    return await(client.request(to, WriterGrpcClient.Send)
        .compose(req -> {
          if (credential != null) {
            req.headers().set(CallerCheck.HEADER, credential);
          }
          return req.send(request);
        })
        .compose(resp -> resp.last().transform(last -> Future.succeededFuture(
            new Outcome(resp.status(), resp.statusMessage(), last.succeeded() ? last.result() : null)))));
  }

  static double refused(String reason) {
    return Metrics.registry().counter("stoa_router_grpc_unauthenticated", "reason", reason).count();
  }

  @Test
  void aCallWithoutTheCredentialIsRefusedUnauthenticatedAndCounted() throws Exception {
    int before = sends.get();
    double counted = refused("missing");

    Outcome outcome = call(null, send("no-credential"));

    assertThat(outcome.status()).isEqualTo(GrpcStatus.UNAUTHENTICATED);
    assertThat(outcome.message()).contains("no cluster credential");
    assertThat(sends.get()).as("sends that reached the writer").isEqualTo(before);
    assertThat(refused("missing")).isEqualTo(counted + 1);
  }

  @Test
  void aCallWithAWrongCredentialIsRefusedUnauthenticatedAndCounted() throws Exception {
    int before = sends.get();
    double counted = refused("wrong");
    String right = cluster.secret().grpcCredential();
    String almost = right.substring(0, right.length() - 1) + (right.endsWith("A") ? "B" : "A");

    for (String wrong : new String[] {almost, "", right + "x", ClusterSecret.of("another-cluster-secret").grpcCredential()}) {
      Outcome outcome = call(wrong, send("wrong-credential"));
      assertThat(outcome.status()).as("answer to credential '%s'", wrong).isEqualTo(GrpcStatus.UNAUTHENTICATED);
    }

    assertThat(sends.get()).as("sends that reached the writer").isEqualTo(before);
    assertThat(refused("wrong")).isEqualTo(counted + 4);
  }

  @Test
  void aCallWithTheClusterCredentialReachesTheService() throws Exception {
    int before = sends.get();

    Outcome outcome = call(cluster.secret().grpcCredential(), send("right-credential"));

    assertThat(outcome.status()).isEqualTo(GrpcStatus.OK);
    assertThat(outcome.result().getAck().getClientMsgId()).isEqualTo("right-credential");
    assertThat(outcome.result().getAck().getSeq()).isEqualTo(7);
    assertThat(sends.get()).isEqualTo(before + 1);
  }

  @Test
  void aNodeOfAnotherClusterSeesAConfigurationErrorNotTheClientsUnauthenticated() throws Exception {
    GrpcCalls foreign = new GrpcCalls(GrpcClient.client(cluster.member(0).vertx()), Duration.ofSeconds(10),
        ClusterSecret.of("another-cluster-secret").grpcCredential());
    try {
      SocketAddress to = SocketAddress.inetSocketAddress(directory.grpcPort(), "127.0.0.1");
      Writer writer = request -> foreign.unary(to, "writer at 127.0.0.1:" + directory.grpcPort(),
          WriterGrpcClient.Send, request);

      StoaException e = (StoaException) failure(writer.send(send("foreign")));

      assertThat(e.code()).isEqualTo(Code.INTERNAL);
      assertThat(e).hasMessageContaining("writer at 127.0.0.1:" + directory.grpcPort())
          .hasMessageContaining("same cluster secret");
    } finally {
      await(foreign.close());
    }
  }

  @Test
  void http1AndGrpcWebRequestsAreRefusedToo() throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();
    for (String contentType : new String[] {"application/json", "application/grpc-web"}) {
      HttpRequest request = HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + directory.grpcPort() + "/stoa.internal.v1.Writer/Send"))
          .timeout(Duration.ofSeconds(10)).header("content-type", contentType)
          .POST(HttpRequest.BodyPublishers.ofString("{}")).build();

      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());

      assertThat(response.headers().firstValue("grpc-status")).as(contentType).hasValue("16");
    }
  }
}
