package dev.stoa.gateway.impl;

import dev.stoa.proto.client.Frame;
import io.vertx.core.buffer.Buffer;

/**
 * One outgoing frame with its encodings computed lazily and at most once each, so a frame
 * delivered to many connections is serialized once per encoding, not once per connection. The
 * buffers are shared between connections and must not be modified. Thread-safe.
 */
public final class EncodedFrame {
  private final Frame frame;
  private String json;
  private byte[] jsonUtf8;
  private Buffer binary;
  private Buffer tcp;

  public EncodedFrame(Frame frame) {
    this.frame = frame;
  }

  public Frame frame() {
    return frame;
  }

  /** The frame case, for metrics. */
  public Frame.FrameCase type() {
    return frame.getFrameCase();
  }

  public synchronized String json() {
    if (json == null) {
      json = FrameCodec.toJson(frame);
    }
    return json;
  }

  /** The JSON encoding as UTF-8 bytes (what a WebSocket text message carries); shared, do not modify. */
  public synchronized byte[] jsonUtf8() {
    if (jsonUtf8 == null) {
      jsonUtf8 = FrameCodec.toJsonUtf8(frame);
    }
    return jsonUtf8;
  }

  public synchronized Buffer binary() {
    if (binary == null) {
      binary = FrameCodec.toBinary(frame);
    }
    return binary;
  }

  public synchronized Buffer tcp() {
    if (tcp == null) {
      tcp = FrameCodec.toTcp(frame);
    }
    return tcp;
  }
}
