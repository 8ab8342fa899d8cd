package dev.stoa.reader.impl;

/** Where a chain says a message is: its session, seq and msgId (the body key). Immutable. */
public record BodyRef(String sessionId, long seq, long msgId) {}
