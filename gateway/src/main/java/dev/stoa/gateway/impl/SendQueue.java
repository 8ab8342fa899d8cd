package dev.stoa.gateway.impl;

import dev.stoa.proto.client.Frame;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * The {@code send}s of one connection on their way to the writer, in arrival order. Each send is
 * numbered (its {@code conn_send_seq}, 1, 2, 3, ...) and handed to the writer that serves the
 * connection without waiting for the answers of the earlier ones (with the number up to which all
 * were answered when the current run of unanswered sends began): the writer takes a connection's
 * sends in that order whatever the binding (in process or gRPC), so the device's order in every
 * session holds. Only when the connection's writer changes (writers came or went) does a send
 * wait until every earlier one is answered, since two writers do not order each other's sends. At
 * most {@code limit} sends wait for answers at once; {@link #offer} refuses more.
 *
 * <p>Not thread-safe: confined to the connection's event loop (answers must be given back there).
 */
final class SendQueue {
  /** The connection's way to the writers. */
  interface Writers {
    /** The id of the writer that serves this connection now; "" if none is known (the send then fails there). */
    String writerFor();

    /**
     * Sends {@code frame} as send number {@code sendSeq} to writer {@code writerId}, telling it
     * that every send numbered at or below {@code answered} has been answered; the answer frame.
     */
    Future<Frame> send(String writerId, long sendSeq, long answered, Frame frame);
  }

  private final int limit;
  private final Writers writers;
  private final Consumer<AsyncResult<Frame>> onAnswer;
  private final Consumer<Runnable> onContext;
  private final ArrayDeque<Frame> held = new ArrayDeque<>();
  private long lastSeq;
  /** Every send numbered at or below this had been answered when the sends in flight were sent. */
  private long answeredBeforeRun;
  private int inFlight;
  private String inFlightWriter = "";

  /**
   * @param onAnswer gets each answer (or failure), on the connection's event loop, in the order
   *     the writer answers
   * @param onContext runs a task on the connection's event loop
   */
  SendQueue(int limit, Writers writers, Consumer<AsyncResult<Frame>> onAnswer, Consumer<Runnable> onContext) {
    this.limit = limit;
    this.writers = writers;
    this.onAnswer = onAnswer;
    this.onContext = onContext;
  }

  /** Queues one send; false (and nothing queued) when {@link #waiting()} is at the limit already. */
  boolean offer(Frame send) {
    if (waiting() >= limit) {
      return false;
    }
    held.add(send);
    release();
    return true;
  }

  /** Sends handed to the writer and not answered yet, plus those held back. */
  int waiting() {
    return inFlight + held.size();
  }

  int limit() {
    return limit;
  }

  private void release() {
    while (!held.isEmpty()) {
      String writerId = writers.writerFor();
      if (inFlight > 0 && !writerId.equals(inFlightWriter)) {
        return; // the writer changed: the earlier sends are answered first
      }
      Frame send = held.poll();
      if (inFlight == 0) {
        answeredBeforeRun = lastSeq;
      }
      inFlight++;
      inFlightWriter = writerId;
      long seq = ++lastSeq;
      Future<Frame> answer;
      try {
        answer = writers.send(writerId, seq, answeredBeforeRun, send);
      } catch (RuntimeException e) {
        answer = Future.failedFuture(e);
      }
      answer.onComplete(ar -> onContext.accept(() -> answered(ar)));
    }
  }

  private void answered(AsyncResult<Frame> answer) {
    inFlight--;
    onAnswer.accept(answer);
    release();
  }
}
