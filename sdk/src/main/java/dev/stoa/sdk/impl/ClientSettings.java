package dev.stoa.sdk.impl;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The validated configuration of one client, produced by {@code StoaClient.Builder}. Immutable.
 *
 * @param endpoint where to connect
 * @param tokenProvider called before every connection attempt
 * @param staticToken true when the token never changes, so an {@code UNAUTHENTICATED} answer on a
 *     reconnect is final
 * @param deviceId sent in {@code connect}; {@code null} lets the server choose
 * @param sendTimeout how long one send attempt waits for its {@code sendAck}
 * @param maxSendAttempts how many send attempts may time out before the send fails
 * @param requestTimeout how long a pull, sync, join or leave waits for its answer
 * @param connectTimeout how long opening a connection plus waiting for {@code connAck} may take
 * @param backoffInitial first reconnect delay
 * @param backoffMax largest reconnect delay
 * @param syncOnConnect whether the first connection also syncs from {@code initialSyncCursor}
 * @param initialSyncCursor the cursor the app persisted, 0 for everything
 * @param syncPageSize {@code limit} of each sync page
 * @param pullPageSize {@code limit} of each gap-filling pull page
 * @param maxFrameBytes largest server frame accepted
 * @param msgIdWindow how many delivered msgIds are remembered for duplicate detection
 */
public record ClientSettings(
    Endpoint endpoint,
    Supplier<Future<String>> tokenProvider,
    boolean staticToken,
    String deviceId,
    Duration sendTimeout,
    int maxSendAttempts,
    Duration requestTimeout,
    Duration connectTimeout,
    Duration backoffInitial,
    Duration backoffMax,
    boolean syncOnConnect,
    long initialSyncCursor,
    int syncPageSize,
    int pullPageSize,
    int maxFrameBytes,
    int msgIdWindow) {}
