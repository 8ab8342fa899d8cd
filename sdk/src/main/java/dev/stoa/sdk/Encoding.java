package dev.stoa.sdk;

/**
 * How frames travel over a WebSocket connection (PROTOCOL.md, "Long connections"): {@link #JSON}
 * sends one frame object per text message in the proto3 JSON mapping (64-bit ids as decimal
 * strings); {@link #BINARY} sends one protobuf-encoded {@code Frame} per binary message. The server
 * answers in the encoding of the client's {@code connect}; the client accepts either on receive.
 * TCP connections always use varint32-length-prefixed protobuf and take no encoding.
 */
public enum Encoding {
  JSON,
  BINARY
}
