package dev.stoa.sdk.impl;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The TCP framing of PROTOCOL.md: each frame is an unsigned varint32 length (1–5 bytes, least
 * significant 7-bit group first) followed by that many bytes of protobuf.
 *
 * <p>{@link #encode} writes one frame. A {@link Decoder} turns the chunks a socket delivers into
 * payloads: a frame may be split across any number of chunks (even inside the length prefix) and
 * one chunk may hold several frames. A length prefix longer than 5 bytes or over 32 bits, or a
 * length above the decoder's maximum, fails the decoder for good (a byte stream cannot be
 * resynchronised): the caller must close the connection. The maximum is checked as soon as the
 * prefix is complete, before the body is buffered.
 */
public final class VarintFraming {
  private VarintFraming() {}

  /** One frame: varint32 length + the message bytes. */
  public static Buffer encode(MessageLite message) {
    int size = message.getSerializedSize();
    byte[] bytes = new byte[CodedOutputStream.computeUInt32SizeNoTag(size) + size];
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    try {
      out.writeUInt32NoTag(size);
      message.writeTo(out);
      out.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode " + size + "-byte frame into a byte array", e);
    }
    return Buffer.buffer(bytes);
  }

  /** One frame around raw payload bytes (tests, tools). */
  public static Buffer encode(byte[] payload) {
    Buffer out = Buffer.buffer(payload.length + 5);
    int value = payload.length;
    while ((value & ~0x7F) != 0) {
      out.appendByte((byte) ((value & 0x7F) | 0x80));
      value >>>= 7;
    }
    out.appendByte((byte) value);
    return out.appendBytes(payload);
  }

  /**
   * Incremental decoder for one connection. Not thread-safe: feed it from the socket's handler only.
   */
  public static final class Decoder {
    private static final int MAX_PREFIX_BYTES = 5;

    private final int maxFrameBytes;
    private Buffer pending = Buffer.buffer();
    private long streamOffset; // bytes of the stream before `pending`
    private FrameDecodeException failure;

    public Decoder(int maxFrameBytes) {
      if (maxFrameBytes < 1) {
        throw new IllegalArgumentException("maxFrameBytes must be >= 1, got " + maxFrameBytes);
      }
      this.maxFrameBytes = maxFrameBytes;
    }

    /**
     * Consumes one chunk and returns the payloads it completed, in stream order (possibly none).
     *
     * @throws FrameDecodeException on a malformed or oversize length prefix; every later call
     *     throws the same exception
     */
    public List<Buffer> feed(Buffer chunk) throws FrameDecodeException {
      if (failure != null) {
        throw failure;
      }
      Buffer data = pending.length() == 0 ? chunk : pending.appendBuffer(chunk);
      int end = data.length();
      int pos = 0;
      List<Buffer> payloads = new ArrayList<>(2);
      while (pos < end) {
        long length = 0;
        int cursor = pos;
        boolean complete = false;
        for (int index = 0; index < MAX_PREFIX_BYTES && cursor < end; index++) {
          int b = data.getByte(cursor++) & 0xFF;
          if (index == MAX_PREFIX_BYTES - 1 && (b & 0xF0) != 0) {
            throw fail("varint32 length prefix at stream offset " + (streamOffset + pos)
                + " is longer than 5 bytes or exceeds 32 bits (5th byte 0x" + Integer.toHexString(b) + ")");
          }
          length |= (long) (b & 0x7F) << (7 * index);
          if ((b & 0x80) == 0) {
            complete = true;
            break;
          }
        }
        if (!complete) {
          break; // the prefix continues in a later chunk
        }
        if (length > maxFrameBytes) {
          throw fail("frame length " + length + " bytes at stream offset " + (streamOffset + pos)
              + " exceeds the maximum of " + maxFrameBytes + " bytes");
        }
        if (cursor + length > end) {
          break; // the body continues in a later chunk
        }
        payloads.add(data.getBuffer(cursor, cursor + (int) length));
        pos = cursor + (int) length;
      }
      streamOffset += pos;
      pending = pos == end ? Buffer.buffer() : data.getBuffer(pos, end);
      return payloads;
    }

    /** Bytes received but not yet part of a complete frame. */
    public int buffered() {
      return pending.length();
    }

    private FrameDecodeException fail(String message) {
      failure = new FrameDecodeException(message);
      pending = Buffer.buffer();
      return failure;
    }
  }
}
