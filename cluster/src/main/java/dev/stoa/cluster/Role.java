package dev.stoa.cluster;

/**
 * The roles a Stoa process can host (config key {@code roles}, {@code stoa run <roles>}). A role
 * hosts one or more services ({@link ServiceKind}); the state server, for one, hosts the push
 * service and the room fan-out.
 */
public enum Role { GATEWAY, WRITER, READER, STATE, INDEX }
