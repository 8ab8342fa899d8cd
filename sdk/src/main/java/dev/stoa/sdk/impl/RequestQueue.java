package dev.stoa.sdk.impl;

import dev.stoa.proto.client.Code;
import dev.stoa.proto.client.Error;
import dev.stoa.proto.client.Frame;
import dev.stoa.sdk.StoaClientException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;

/**
 * Matches answers to the requests of one connection. The protocol has no request ids, so this
 * relies on one assumption about the server, which the gateway must keep: <b>on one connection it
 * answers every {@code pull}, {@code sync}, {@code join} and {@code leave} exactly once, with its
 * answer frame or an {@code error} frame without {@code clientMsgId}, in the order the requests
 * arrived.</b>
 *
 * <p>Given that, an answer of kind K ({@code messages}, {@code syncResult}, {@code joined},
 * {@code left}) belongs to the oldest outstanding request expecting K (a FIFO per answer kind), and
 * an {@code error} without {@code clientMsgId} belongs to the oldest outstanding request of any kind.
 *
 * <p>A request unanswered after {@code timeoutMillis} fails with {@code UNAVAILABLE} but keeps its
 * place as a tombstone, so its late answer is consumed and dropped instead of being handed to the
 * next request. Not thread-safe: client context only; one instance per connection.
 */
public final class RequestQueue {

  /** A request kind and the frame kind that answers it. */
  public enum Kind {
    PULL(Frame.FrameCase.MESSAGES, "messages"),
    SYNC(Frame.FrameCase.SYNC_RESULT, "syncResult"),
    JOIN(Frame.FrameCase.JOINED, "joined"),
    LEAVE(Frame.FrameCase.LEFT, "left");

    final Frame.FrameCase answer;
    final String answerName;

    Kind(Frame.FrameCase answer, String answerName) {
      this.answer = answer;
      this.answerName = answerName;
    }
  }

  private final Timers timers;
  private final long timeoutMillis;
  private final ArrayDeque<Request> outstanding = new ArrayDeque<>();

  public RequestQueue(Timers timers, long timeoutMillis) {
    if (timeoutMillis < 1) {
      throw new IllegalArgumentException("requestTimeout must be >= 1 ms, got " + timeoutMillis);
    }
    this.timers = timers;
    this.timeoutMillis = timeoutMillis;
  }

  /**
   * Writes {@code frame} through {@code writer} and returns the future of its answer frame.
   *
   * @param description names the request in error messages, e.g. {@code pull{c2c:a:b, afterSeq=4}}
   */
  public Future<Frame> issue(Kind kind, String description, Frame frame, Consumer<Frame> writer) {
    Request request = new Request(kind, description);
    outstanding.addLast(request);
    request.timer = timers.schedule(timeoutMillis, () -> expire(request));
    writer.accept(frame);
    return request.promise.future();
  }

  /** Returns true when {@code answer} belonged to an outstanding request (live or tombstone). */
  public boolean onAnswer(Frame answer) {
    for (Iterator<Request> it = outstanding.iterator(); it.hasNext(); ) {
      Request request = it.next();
      if (request.kind.answer == answer.getFrameCase()) {
        it.remove();
        if (!request.expired) {
          timers.cancel(request.timer);
          request.promise.tryComplete(answer);
        }
        return true;
      }
    }
    return false;
  }

  /**
   * Attributes an {@code error} without {@code clientMsgId} to the oldest outstanding request.
   * Returns false when there is none or it had already timed out (the caller reports the error).
   */
  public boolean onUncorrelatedError(Error error) {
    Request request = outstanding.pollFirst();
    if (request == null || request.expired) {
      return false;
    }
    timers.cancel(request.timer);
    request.promise.tryFail(new StoaClientException(error.getCode(), error.getMessage() + " (answer to " + request.description + ")"));
    return true;
  }

  /** Fails every outstanding request (connection lost or client closed). */
  public void failAll(Throwable cause) {
    List<Request> all = new ArrayList<>(outstanding);
    outstanding.clear();
    for (Request request : all) {
      timers.cancel(request.timer);
      request.promise.tryFail(cause);
    }
  }

  /** Outstanding requests, tombstones included. */
  public int size() {
    return outstanding.size();
  }

  private void expire(Request request) {
    if (!outstanding.contains(request)) {
      return;
    }
    request.expired = true;
    request.promise.tryFail(new StoaClientException(Code.UNAVAILABLE,
        "no " + request.kind.answerName + " answer to " + request.description + " within " + timeoutMillis + " ms"));
  }

  private static final class Request {
    final Kind kind;
    final String description;
    final Promise<Frame> promise = Promise.promise();
    long timer = -1;
    boolean expired;

    Request(Kind kind, String description) {
      this.kind = kind;
      this.description = description;
    }
  }
}
