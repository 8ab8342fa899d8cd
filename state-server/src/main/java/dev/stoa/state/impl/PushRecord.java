package dev.stoa.state.impl;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.stoa.proto.client.Message;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The persisted delivery state of one unacked (connection, message) pair: the gateway holding the
 * connection, how many times the message was delivered, and the message. Value format (see
 * FORMAT.md), big-endian: {@code u8 version = 1 | i32 attempts | u16 n | n bytes gatewayId UTF-8 |
 * stoa.v1.Message protobuf bytes to the end}. Immutable.
 *
 * @param gatewayId the gateway holding the connection when the message was pushed
 * @param attempts delivery rounds so far (the first delivery, then each retransmit, delivered or put off), at least 1
 * @param message the pushed message
 */
public record PushRecord(String gatewayId, int attempts, Message message) {
  static final byte VERSION = 1;
  private static final int HEADER = 1 + 4 + 2;

  public PushRecord {
    if (gatewayId == null || gatewayId.isEmpty()) {
      throw new IllegalArgumentException("gatewayId: must not be empty");
    }
    if (gatewayId.getBytes(StandardCharsets.UTF_8).length > 0xFFFF) {
      throw new IllegalArgumentException("gatewayId: longer than 65535 bytes");
    }
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts: must be at least 1, got " + attempts);
    }
  }

  /** The same record delivered once more. */
  public PushRecord nextAttempt() {
    return new PushRecord(gatewayId, attempts == Integer.MAX_VALUE ? attempts : attempts + 1, message);
  }

  /** The record's bytes; the message is serialized straight into them (one array per record). */
  public byte[] encode() {
    byte[] gateway = gatewayId.getBytes(StandardCharsets.UTF_8);
    int bodyAt = HEADER + gateway.length;
    int bodySize = message.getSerializedSize();
    byte[] out = new byte[bodyAt + bodySize];
    ByteBuffer.wrap(out).put(VERSION).putInt(attempts).putShort((short) gateway.length).put(gateway);
    CodedOutputStream body = CodedOutputStream.newInstance(out, bodyAt, bodySize);
    try {
      message.writeTo(body);
    } catch (IOException e) { // cannot happen: the array is sized to the message
      throw new UncheckedIOException("push record of msgId " + message.getMsgId() + ": " + e.getMessage(), e);
    }
    body.checkNoSpaceLeft();
    return out;
  }

  /** Parses {@link #encode} output; throws IllegalArgumentException saying what is wrong. */
  public static PushRecord decode(byte[] bytes) {
    if (bytes.length < HEADER) {
      throw new IllegalArgumentException("push record: " + bytes.length + " bytes, header needs " + HEADER);
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    byte version = in.get();
    if (version != VERSION) {
      throw new IllegalArgumentException("push record: version " + version + ", expected " + VERSION);
    }
    int attempts = in.getInt();
    int gatewayLength = Short.toUnsignedInt(in.getShort());
    if (gatewayLength > in.remaining()) {
      throw new IllegalArgumentException("push record: gateway id of " + gatewayLength + " bytes, only "
          + in.remaining() + " left");
    }
    String gatewayId = new String(bytes, HEADER, gatewayLength, StandardCharsets.UTF_8);
    int bodyOffset = HEADER + gatewayLength;
    Message message;
    try {
      message = Message.parseFrom(ByteBuffer.wrap(bytes, bodyOffset, bytes.length - bodyOffset));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("push record: bad message bytes at offset " + bodyOffset + ": "
          + e.getMessage(), e);
    }
    return new PushRecord(gatewayId, attempts, message);
  }
}
