package dev.stoa.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.common.StoaException;
import dev.stoa.proto.client.Code;
import dev.stoa.proto.internal.AckRequest;
import dev.stoa.proto.internal.Connection;
import dev.stoa.proto.internal.Empty;
import dev.stoa.proto.internal.PushRequest;
import dev.stoa.proto.internal.ReaderGrpcClient;
import dev.stoa.proto.internal.ReaderGrpcService;
import dev.stoa.proto.internal.Reader;
import dev.stoa.proto.internal.SendRequest;
import dev.stoa.proto.internal.SendResult;
import dev.stoa.proto.internal.State;
import dev.stoa.proto.internal.Writer;
import dev.stoa.proto.internal.WriterGrpcClient;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ServiceKindTest {
  static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void everyServiceIsDeclaredOnceWithEveryMethodOfItsInterface() {
    Set<String> names = new HashSet<>();
    for (ServiceKind<?> kind : Services.ALL) {
      assertThat(names.add(kind.name())).as("unique name " + kind.name()).isTrue();
      long methods = java.util.Arrays.stream(kind.type().getMethods())
          .filter(m -> java.lang.reflect.Modifier.isAbstract(m.getModifiers())).count();
      assertThat(kind.calls()).as(kind.name()).hasSize((int) methods);
    }
    assertThat(Services.ROOMS.role()).isEqualTo(Role.STATE);
  }

  @Test
  void aDeclarationMissingAMethodIsRefusedNamingIt() {
    assertThatThrownBy(() -> ServiceKind.define("reader", Role.READER, Reader.class, "reader")
        .unary(ReaderGrpcService.Pull, ReaderGrpcClient.Pull, Reader::pull).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Reader.sync");
  }

  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  void serverAndClientMethodsMustBeTheSameRpc() {
    // the types refuse this at compile time; a raw use is refused at run time
    io.vertx.grpc.common.ServiceMethod syncClient = ReaderGrpcClient.Sync;
    assertThatThrownBy(() -> ServiceKind.define("reader", Role.READER, Reader.class, "reader")
        .unary(ReaderGrpcService.Pull, syncClient, (r, q) -> Future.failedFuture("x")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Pull").hasMessageContaining("Sync");
    assertThatThrownBy(() -> ServiceKind.define("Bad Name", Role.READER, Reader.class, "reader"))
        .hasMessageContaining("Bad Name");
  }

  @Test
  void theInProcessBindingCompletesOnTheCallersContextWhenTheServiceAnswersOnItsOwnThread() throws Exception {
    Writer answersOnItsOwnThread = request -> {
      Promise<SendResult> p = Promise.promise();
      Thread.ofPlatform().start(() -> p.complete(SendResult.newBuilder().setError("from its thread").build()));
      return p.future();
    };
    Writer bound = Services.WRITER.local(answersOnItsOwnThread);
    assertThat(completionContext(bound)).isTrue();
  }

  @Test
  void theInProcessBindingDeliversFailuresAsTheGrpcBindingDoes() throws Exception {
    Writer buggy = request -> {
      throw new IllegalStateException("writer bug");
    };
    Writer rejecting = request -> Future.failedFuture(new StoaException(Code.FORBIDDEN, "sessionId: no"));
    Writer noFuture = request -> null;
    StoaException bug = failure(Services.WRITER.local(buggy).send(SendRequest.getDefaultInstance()));
    assertThat(bug.code()).isEqualTo(Code.INTERNAL);
    assertThat(bug).hasMessage("writer hosted here failed: java.lang.IllegalStateException: writer bug");
    StoaException rejected = failure(Services.WRITER.local(rejecting).send(SendRequest.getDefaultInstance()));
    assertThat(rejected.code()).isEqualTo(Code.FORBIDDEN);
    assertThat(rejected).hasMessage("sessionId: no");
    assertThat(failure(Services.WRITER.local(noFuture).send(SendRequest.getDefaultInstance())).code())
        .isEqualTo(Code.INTERNAL);
  }

  @Test
  void aNoticeCompletesOnTheThreadThatAnsweredAndEveryOtherCallOnTheCallersContext() throws Exception {
    State answersOnItsOwnThread = new State() {
      @Override
      public Future<Empty> attach(Connection request) {
        return onOwnThread();
      }

      @Override
      public Future<Empty> detach(Connection request) {
        return onOwnThread();
      }

      @Override
      public Future<Empty> push(PushRequest request) {
        return onOwnThread();
      }

      @Override
      public Future<Empty> ack(AckRequest request) {
        return onOwnThread();
      }

      private Future<Empty> onOwnThread() {
        Promise<Empty> p = Promise.promise();
        pending.set(p);
        return p.future();
      }
    };
    State bound = Services.STATE.local(answersOnItsOwnThread);
    // each call is answered by a thread of the service started once the caller listens
    // ack's callers only log a failure: its answer is not brought back to the caller's loop
    assertThat(completedOn(() -> bound.ack(AckRequest.getDefaultInstance()))).isEqualTo("state-answers");
    assertThat(completedOn(() -> bound.push(PushRequest.getDefaultInstance()))).isEqualTo("caller's context");
  }

  /** The answer the test service of the notice test gives next, from its own thread. */
  private static final AtomicReference<Promise<Empty>> pending = new AtomicReference<>();

  /**
   * Where the answer of {@code call}, made from an event loop, completed: the caller's context or
   * the name of the thread that answered, which answers only after the caller listens.
   */
  static String completedOn(java.util.function.Supplier<Future<Empty>> call) throws Exception {
    CompletableFuture<String> where = new CompletableFuture<>();
    Context caller = vertx.getOrCreateContext();
    caller.runOnContext(v -> {
      call.get().onComplete(ar -> where.complete(!ar.succeeded() ? "failed"
          : Vertx.currentContext() == caller ? "caller's context" : Thread.currentThread().getName()));
      Promise<Empty> answer = pending.getAndSet(null);
      Thread.ofPlatform().name("state-answers").start(() -> answer.complete(Empty.getDefaultInstance()));
    });
    return where.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aBindingAnswersObjectMethodsItself() {
    Writer bound = Services.WRITER.local(request -> Future.succeededFuture(SendResult.getDefaultInstance()));
    assertThat(bound.toString()).isEqualTo("writer in this process");
    assertThat(bound).isEqualTo(bound).isNotEqualTo(Services.WRITER.local(request -> null));
    assertThat(WriterGrpcClient.Send.methodName()).isEqualTo("Send");
  }

  /** Calls {@code writer} from an event loop; whether its answer's listener ran on that same context. */
  static boolean completionContext(Writer writer) throws Exception {
    CompletableFuture<Boolean> same = new CompletableFuture<>();
    Context caller = vertx.getOrCreateContext();
    caller.runOnContext(v -> writer.send(SendRequest.getDefaultInstance())
        .onComplete(ar -> same.complete(ar.succeeded() && Vertx.currentContext() == caller)));
    return same.get(10, TimeUnit.SECONDS);
  }

  static StoaException failure(Future<?> f) throws Exception {
    AtomicReference<Throwable> err = new AtomicReference<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    f.onComplete(ar -> {
      err.set(ar.cause());
      done.complete(null);
    });
    done.get(10, TimeUnit.SECONDS);
    assertThat(err.get()).isInstanceOf(StoaException.class);
    return (StoaException) err.get();
  }
}
