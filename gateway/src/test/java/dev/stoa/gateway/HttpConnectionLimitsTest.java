package dev.stoa.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.common.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** http.idle.timeout.seconds and http.max.connections, from outside, on raw loopback sockets. */
class HttpConnectionLimitsTest extends GatewayFixture {
  private static final byte[] GET = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  @Test
  void anIdleKeepAliveConnectionIsClosed() throws Exception {
    start(Map.of("gateway.heartbeat.seconds", "1", "http.idle.timeout.seconds", "2"));
    try (Socket s = connect()) {
      assertThat(request(s)).startsWith("HTTP/1.1 ");
      // nothing more is sent: the server closes the connection (EOF well within the read timeout)
      s.setSoTimeout(30_000);
      assertThat(readToEnd(s.getInputStream())).isEqualTo(-1);
    }
  }

  @Test
  void connectionsOverTheCapAreClosedWhileOpenOnesWork() throws Exception {
    start(Map.of("http.max.connections", "2"));
    double refusedBefore = refused();
    try (Socket a = connect(); Socket b = connect()) {
      assertThat(request(a)).startsWith("HTTP/1.1 ");
      assertThat(request(b)).startsWith("HTTP/1.1 ");
      try (Socket c = connect()) {
        c.setSoTimeout(30_000);
        c.getOutputStream().write(GET);
        assertThat(readToEnd(c.getInputStream())).as("the third connection gets no answer").isEqualTo(-1);
      } catch (IOException reset) {
        // a reset is a close too
      }
      assertThat(refused()).isEqualTo(refusedBefore + 1);
      assertThat(request(a)).startsWith("HTTP/1.1 ");
    }
    // the two closed: their slots are free again (bounded wait for the server to see the closes)
    for (int i = 0; i < 100; i++) {
      try (Socket d = connect(); Socket e = connect()) {
        if (tryRequest(d) && tryRequest(e)) {
          return;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("closed connections did not free their slots");
  }

  private Socket connect() throws IOException {
    Socket s = new Socket("127.0.0.1", server.httpPort());
    s.setSoTimeout(10_000);
    return s;
  }

  private static boolean tryRequest(Socket s) {
    try {
      return request(s).startsWith("HTTP/1.1 ");
    } catch (IOException e) {
      return false;
    }
  }

  /** Sends GET /health and reads one response (headers and Content-Length body). */
  private static String request(Socket s) throws IOException {
    s.getOutputStream().write(GET);
    InputStream in = s.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        return head.toString(StandardCharsets.US_ASCII);
      }
      head.write(b);
    }
    String headers = head.toString(StandardCharsets.US_ASCII);
    int length = 0;
    for (String line : headers.split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    in.readNBytes(length);
    return headers;
  }

  /** Reads until EOF and answers -1, or answers the first byte if the server sent anything. */
  private static int readToEnd(InputStream in) throws IOException {
    try {
      return in.read();
    } catch (SocketTimeoutException e) {
      throw new AssertionError("connection still open", e);
    }
  }

  private static double refused() {
    Counter c = Metrics.registry().find("stoa.gateway.http.connections.refused").counter();
    return c == null ? 0 : c.count();
  }

}
