package dev.stoa.gateway.impl;

/**
 * How frames travel on one connection (PROTOCOL.md "Long connections"): a WebSocket text message
 * of JSON, a WebSocket binary message of protobuf, or a TCP stream of varint32-length-prefixed
 * protobuf frames.
 */
public enum Encoding {
  JSON,
  BINARY,
  TCP
}
