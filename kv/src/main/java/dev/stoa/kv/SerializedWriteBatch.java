package dev.stoa.kv;

import java.util.List;

/**
 * Builds RocksDB's serialized {@code WriteBatch} (the bytes its write-ahead log stores, and what
 * {@code new WriteBatch(byte[])} accepts) in Java, so that a batch of many puts crosses into the
 * native library once instead of once per put. Each put or delete otherwise costs a JNI call that
 * copies its key and value on its own; a send writes five of them.
 *
 * <p>Layout (RocksDB's {@code write_batch.cc}, stable since it is also the WAL record format): a
 * 12-byte header, the sequence number as 8 little-endian bytes (0: the write assigns it) and the
 * record count as 4 little-endian bytes; then per record a type byte, for a family other than the
 * default its id as a varint32, the key as a varint32 length and the bytes, and for a put the
 * value the same way. Types: put 0x1 (default family) / 0x5 (another family), delete 0x0 / 0x4.
 * {@code RocksDbKvStoreTest} checks the bytes against a batch built with RocksDB's own calls.
 * Stateless.
 */
final class SerializedWriteBatch {
  static final int HEADER_BYTES = 12;
  private static final byte DELETE = 0x0;
  private static final byte PUT = 0x1;
  private static final byte FAMILY_DELETE = 0x4;
  private static final byte FAMILY_PUT = 0x5;

  private SerializedWriteBatch() {}

  /**
   * The serialized batch of {@code ops} in their order; {@code familyIds[i]} is the RocksDB column
   * family id of {@code ops.get(i)} (0 = default).
   */
  static byte[] encode(List<KvBatch.Op> ops, int[] familyIds) {
    int size = HEADER_BYTES;
    for (int i = 0; i < ops.size(); i++) {
      KvBatch.Op op = ops.get(i);
      size += 1 + (familyIds[i] == 0 ? 0 : varintSize(familyIds[i])) + varintSize(op.key().length) + op.key().length;
      if (op.value() != null) {
        size += varintSize(op.value().length) + op.value().length;
      }
    }
    byte[] out = new byte[size];
    int count = ops.size();
    out[8] = (byte) count;
    out[9] = (byte) (count >>> 8);
    out[10] = (byte) (count >>> 16);
    out[11] = (byte) (count >>> 24);
    int pos = HEADER_BYTES;
    for (int i = 0; i < ops.size(); i++) {
      KvBatch.Op op = ops.get(i);
      boolean put = op.value() != null;
      if (familyIds[i] == 0) {
        out[pos++] = put ? PUT : DELETE;
      } else {
        out[pos++] = put ? FAMILY_PUT : FAMILY_DELETE;
        pos = writeVarint(out, pos, familyIds[i]);
      }
      pos = writeBytes(out, pos, op.key());
      if (put) {
        pos = writeBytes(out, pos, op.value());
      }
    }
    return out;
  }

  private static int writeBytes(byte[] out, int pos, byte[] bytes) {
    pos = writeVarint(out, pos, bytes.length);
    System.arraycopy(bytes, 0, out, pos, bytes.length);
    return pos + bytes.length;
  }

  private static int writeVarint(byte[] out, int pos, int value) {
    while ((value & ~0x7F) != 0) {
      out[pos++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    out[pos++] = (byte) value;
    return pos;
  }

  private static int varintSize(int value) {
    int bytes = 1;
    while ((value & ~0x7F) != 0) {
      value >>>= 7;
      bytes++;
    }
    return bytes;
  }
}
