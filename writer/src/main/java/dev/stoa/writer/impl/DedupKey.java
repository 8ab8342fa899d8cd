package dev.stoa.writer.impl;

/**
 * The identity under which a send is deduplicated (PROTOCOL.md: a clientMsgId is unique per user
 * and device). Immutable; used as a map key.
 */
public record DedupKey(String userId, String deviceId, String clientMsgId) {}
