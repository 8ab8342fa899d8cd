package dev.stoa.sdk.impl;

import dev.stoa.proto.client.Code;
import dev.stoa.proto.client.Error;
import dev.stoa.proto.client.Frame;
import dev.stoa.proto.client.SendAck;
import dev.stoa.sdk.StoaClientException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Consumer;

/**
 * Sends awaiting their {@code sendAck}, keyed by {@code clientMsgId}, in submission order.
 *
 * <ul>
 *   <li>{@link #submit} writes the send at once while a writer is attached (the client is
 *       CONNECTED); otherwise the send waits for {@link #attach}.
 *   <li>Every write arms a {@code sendTimeout} timer. When it fires the same frame, with the same
 *       {@code clientMsgId}, is written again (the server deduplicates, so a resend returns the
 *       first {@code sendAck}). After {@code maxAttempts} timeouts the send fails with
 *       {@code UNAVAILABLE}, naming the id, session, attempts and timeout.
 *   <li>{@link #detach} (connection lost) cancels the timers without counting them; {@link #attach}
 *       writes every pending send again, in submission order.
 *   <li>{@code sendAck} with {@code OK} completes the send. A {@code sendAck} or {@code error} with
 *       {@code UNAVAILABLE} ("retry") leaves it pending for the next timeout; any other code fails it
 *       with {@link StoaClientException} carrying that code.
 *   <li>Submitting a {@code clientMsgId} that is still pending returns the same future when session
 *       and body match, and fails with {@code BAD_REQUEST} otherwise.
 * </ul>
 *
 * <p>Not thread-safe: used on the client's context only.
 */
public final class PendingSends {
  private final Timers timers;
  private final long timeoutMillis;
  private final int maxAttempts;
  private final LinkedHashMap<String, Pending> pending = new LinkedHashMap<>();
  private Consumer<Frame> writer;

  public PendingSends(Timers timers, long timeoutMillis, int maxAttempts) {
    if (timeoutMillis < 1) {
      throw new IllegalArgumentException("sendTimeout must be >= 1 ms, got " + timeoutMillis);
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxSendAttempts must be >= 1, got " + maxAttempts);
    }
    this.timers = timers;
    this.timeoutMillis = timeoutMillis;
    this.maxAttempts = maxAttempts;
  }

  public Future<SendAck> submit(String clientMsgId, String sessionId, String body) {
    Pending existing = pending.get(clientMsgId);
    if (existing != null) {
      if (existing.sessionId.equals(sessionId) && existing.body.equals(body)) {
        return existing.promise.future();
      }
      return Future.failedFuture(new StoaClientException(Code.BAD_REQUEST,
          "clientMsgId '" + clientMsgId + "' is already pending for session '" + existing.sessionId
              + "' with a different session or body"));
    }
    Pending send = new Pending(clientMsgId, sessionId, body);
    pending.put(clientMsgId, send);
    if (writer != null) {
      transmit(send);
    }
    return send.promise.future();
  }

  /** A connection is ready: write every pending send (again) and keep writing new ones at once. */
  public void attach(Consumer<Frame> frameWriter) {
    this.writer = frameWriter;
    for (Pending send : new ArrayList<>(pending.values())) {
      cancelTimer(send);
      transmit(send);
    }
  }

  /** The connection is gone: stop the timers; sends wait for the next {@link #attach}. */
  public void detach() {
    writer = null;
    pending.values().forEach(this::cancelTimer);
  }

  /** Returns true when the ack matched a pending send. */
  public boolean onSendAck(SendAck ack) {
    Pending send = pending.get(ack.getClientMsgId());
    if (send == null) {
      return false; // a second ack after a resend, or a send that already failed
    }
    switch (ack.getCode()) {
      case OK -> complete(send, ack);
      case UNAVAILABLE -> send.lastError = "sendAck code UNAVAILABLE";
      default -> fail(send, new StoaClientException(ack.getCode(),
          "sendAck for clientMsgId '" + send.clientMsgId + "' in session '" + send.sessionId + "' has code " + ack.getCode()));
    }
    return true;
  }

  /** Returns true when the error named a pending send's {@code clientMsgId}. */
  public boolean onError(Error error) {
    Pending send = error.hasClientMsgId() ? pending.get(error.getClientMsgId()) : null;
    if (send == null) {
      return false;
    }
    if (error.getCode() == Code.UNAVAILABLE) {
      send.lastError = "error UNAVAILABLE: " + error.getMessage();
    } else {
      fail(send, new StoaClientException(error.getCode(), error.getMessage()
          + " (send clientMsgId '" + send.clientMsgId + "', session '" + send.sessionId + "')"));
    }
    return true;
  }

  /** Fails every pending send with {@code cause} (client closed, kicked, or not reconnecting). */
  public void failAll(Throwable cause) {
    List<Pending> all = new ArrayList<>(pending.values());
    pending.clear();
    for (Pending send : all) {
      cancelTimer(send);
      send.promise.tryFail(cause);
    }
  }

  public int size() {
    return pending.size();
  }

  private void transmit(Pending send) {
    send.writes++;
    writer.accept(ClientFrames.send(send.clientMsgId, send.sessionId, send.body));
    send.timer = timers.schedule(timeoutMillis, () -> onTimeout(send));
  }

  private void onTimeout(Pending send) {
    send.timer = -1;
    if (pending.get(send.clientMsgId) != send || writer == null) {
      return;
    }
    send.timeouts++;
    if (send.timeouts >= maxAttempts) {
      fail(send, new StoaClientException(Code.UNAVAILABLE,
          "no sendAck for clientMsgId '" + send.clientMsgId + "' in session '" + send.sessionId + "' after "
              + send.timeouts + " attempts of " + timeoutMillis + " ms (" + send.writes + " writes"
              + (send.lastError == null ? "" : ", last answer: " + send.lastError) + ")"));
      return;
    }
    transmit(send);
  }

  private void complete(Pending send, SendAck ack) {
    pending.remove(send.clientMsgId);
    cancelTimer(send);
    send.promise.tryComplete(ack);
  }

  private void fail(Pending send, Throwable cause) {
    pending.remove(send.clientMsgId);
    cancelTimer(send);
    send.promise.tryFail(cause);
  }

  private void cancelTimer(Pending send) {
    if (send.timer != -1) {
      timers.cancel(send.timer);
      send.timer = -1;
    }
  }

  private static final class Pending {
    final String clientMsgId;
    final String sessionId;
    final String body;
    final Promise<SendAck> promise = Promise.promise();
    int timeouts;
    int writes;
    long timer = -1;
    String lastError;

    Pending(String clientMsgId, String sessionId, String body) {
      this.clientMsgId = clientMsgId;
      this.sessionId = sessionId;
      this.body = body;
    }
  }
}
