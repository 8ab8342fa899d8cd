package dev.stoa.sdk.impl;

import dev.stoa.sdk.Encoding;
import java.net.URI;

/** Where and how a client connects. Immutable. */
public sealed interface Endpoint {

  /**
   * A WebSocket endpoint parsed from a {@code ws://} or {@code wss://} URI; port defaults to 80 or
   * 443, path to {@code /v1/ws}.
   */
  record WebSocket(String host, int port, String requestUri, boolean ssl, Encoding encoding) implements Endpoint {
    public static WebSocket parse(String uri, Encoding encoding) {
      if (encoding == null) {
        throw new IllegalArgumentException("websocket encoding must be JSON or BINARY, got null");
      }
      URI parsed;
      try {
        parsed = URI.create(uri);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("websocket uri is not a URI: '" + uri + "': " + e.getMessage(), e);
      }
      String scheme = parsed.getScheme();
      boolean ssl;
      if ("ws".equalsIgnoreCase(scheme)) {
        ssl = false;
      } else if ("wss".equalsIgnoreCase(scheme)) {
        ssl = true;
      } else {
        throw new IllegalArgumentException("websocket uri scheme must be ws or wss, got '" + uri + "'");
      }
      if (parsed.getHost() == null) {
        throw new IllegalArgumentException("websocket uri has no host: '" + uri + "'");
      }
      int port = parsed.getPort() != -1 ? parsed.getPort() : ssl ? 443 : 80;
      String path = parsed.getRawPath() == null || parsed.getRawPath().isEmpty() ? "/v1/ws" : parsed.getRawPath();
      String requestUri = parsed.getRawQuery() == null ? path : path + "?" + parsed.getRawQuery();
      return new WebSocket(parsed.getHost(), port, requestUri, ssl, encoding);
    }

    @Override
    public String toString() {
      return (ssl ? "wss" : "ws") + "://" + host + ":" + port + requestUri + " (" + encoding + ")";
    }
  }

  /** A TCP endpoint (varint32-length-prefixed protobuf). */
  record Tcp(String host, int port) implements Endpoint {
    public Tcp {
      if (host == null || host.isBlank()) {
        throw new IllegalArgumentException("tcp host must not be blank");
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("tcp port must be 1-65535, got " + port);
      }
    }

    @Override
    public String toString() {
      return "tcp://" + host + ":" + port;
    }
  }
}
