package dev.stoa.kv;

/** One entry of a scan. The arrays are owned by the caller. */
public record KeyValue(byte[] key, byte[] value) {}
