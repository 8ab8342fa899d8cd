package dev.stoa.gateway.impl;

import io.vertx.core.buffer.Buffer;

/**
 * Splits a TCP byte stream into frames, each a varint32 length followed by that many bytes
 * (PROTOCOL.md). A frame declared longer than the limit is reported and its bytes skipped as they
 * arrive, so the stream stays usable; a length that is not a valid varint32 corrupts the stream
 * for good and is reported once, after which input is ignored. Memory held is bounded by the
 * limit plus one read. Not thread-safe: feed it from the connection's event loop only.
 */
public final class TcpFrameDecoder {

  /** Receives what the decoder finds, in stream order. */
  public interface Listener {
    void onFrame(Buffer payload);

    void onTooLarge(long declaredBytes);

    void onCorrupt(String message);
  }

  private static final int MAX_VARINT_BYTES = 5;

  private final int maxFrameBytes;
  private final Listener listener;
  private Buffer pending = Buffer.buffer();
  private long skipRemaining;
  private boolean corrupt;

  public TcpFrameDecoder(int maxFrameBytes, Listener listener) {
    this.maxFrameBytes = maxFrameBytes;
    this.listener = listener;
  }

  public void feed(Buffer chunk) {
    if (corrupt) {
      return;
    }
    int start = 0;
    if (skipRemaining > 0) {
      int skipped = (int) Math.min(skipRemaining, chunk.length());
      skipRemaining -= skipped;
      start = skipped;
      if (start == chunk.length()) {
        return;
      }
    }
    Buffer data;
    if (pending.length() > 0) {
      data = pending.appendBuffer(chunk, start, chunk.length() - start);
    } else {
      data = start == 0 ? chunk : chunk.getBuffer(start, chunk.length());
    }
    int pos = 0;
    while (pos < data.length() && !corrupt) {
      long length = 0;
      int shift = 0;
      int i = pos;
      boolean complete = false;
      while (i < data.length()) {
        byte b = data.getByte(i++);
        length |= (long) (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          complete = true;
          break;
        }
        shift += 7;
        if (i - pos >= MAX_VARINT_BYTES) {
          corrupt = true;
          listener.onCorrupt("frame: length prefix is not a varint32 (more than " + MAX_VARINT_BYTES + " bytes)");
          return;
        }
      }
      if (!complete) {
        break;
      }
      if (length > 0xFFFF_FFFFL) {
        corrupt = true;
        listener.onCorrupt("frame: length prefix " + length + " does not fit 32 bits");
        return;
      }
      if (length > maxFrameBytes) {
        listener.onTooLarge(length);
        long available = data.length() - i;
        if (available >= length) {
          pos = i + (int) length;
          continue;
        }
        skipRemaining = length - available;
        pos = data.length();
        break;
      }
      if (data.length() - i < length) {
        break;
      }
      Buffer payload = data.getBuffer(i, i + (int) length);
      pos = i + (int) length;
      listener.onFrame(payload);
    }
    pending = pos >= data.length() ? Buffer.buffer() : data.getBuffer(pos, data.length());
  }
}
