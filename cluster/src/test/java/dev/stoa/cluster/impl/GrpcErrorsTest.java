package dev.stoa.cluster.impl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.common.StoaException;
import dev.stoa.proto.client.Code;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

class GrpcErrorsTest {

  @Test
  void everyErrorCodeSurvivesTheRoundTrip() {
    for (Code code : Code.values()) {
      if (code == Code.OK || code == Code.UNRECOGNIZED) {
        continue;
      }
      StatusException sent = GrpcErrors.toStatusException("x", new StoaException(code, "field: why"));
      StoaException got = GrpcErrors.fromStatus("writer at h:1", sent.status(), sent.message());
      assertThat(got.code()).as("%s", code).isEqualTo(code);
      assertThat(got).hasMessage("field: why");
    }
  }

  @Test
  void foreignStatusesNameTheEndpoint() {
    StoaException unimplemented = GrpcErrors.fromStatus("writer at h:1", GrpcStatus.UNIMPLEMENTED, "no such method");
    assertThat(unimplemented.code()).isEqualTo(Code.UNAVAILABLE);
    assertThat(unimplemented).hasMessage("writer at h:1 answered gRPC status UNIMPLEMENTED: no such method");
    assertThat(GrpcErrors.fromStatus("w", GrpcStatus.DATA_LOSS, null).code()).isEqualTo(Code.INTERNAL);
  }

  @Test
  void otherServerFailuresAreInternal() {
    StatusException e = GrpcErrors.toStatusException("writer hosted here", new IllegalStateException("bug"));
    assertThat(e.status()).isEqualTo(GrpcStatus.INTERNAL);
    assertThat(e.message()).contains("writer hosted here failed").contains("bug");
  }

  @Test
  void transportFailuresAreUnavailable() {
    StoaException e = GrpcErrors.transport("state server at h:2", new ConnectException("Connection refused"));
    assertThat(e.code()).isEqualTo(Code.UNAVAILABLE);
    assertThat(e).hasMessageContaining("state server at h:2 is unreachable").hasMessageContaining("refused");
  }
}
