package dev.stoa.sdk.impl;

import dev.stoa.proto.client.Message;
import dev.stoa.proto.client.Messages;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Decides which incoming messages reach the app, in what order, and which pushes are acked: the
 * duplicate filter and the gap detector of the client. It does no I/O; its {@link Effects} pull,
 * deliver and ack.
 *
 * <p>Per session it keeps {@code last}, the highest seq delivered (unknown until the first message
 * of the session arrives). For each message, from a push, a sync page or a gap pull:
 *
 * <ol>
 *   <li><b>Duplicate</b>: its msgId was delivered recently (a window of {@code msgIdWindow} ids), or
 *       the session is known and {@code seq <= last}. Not delivered; a push is still acked.
 *   <li><b>Gap</b>: the session is known and {@code preSeq > last}. The message is held and the
 *       session pulls {@code pull{sessionId, afterSeq=last, limit}} page after page until
 *       {@code last >= preSeq}, {@code hasMore} is false or a page brings nothing new; the pulled
 *       messages are delivered in seq order, then the held message. Messages of that session that
 *       arrive meanwhile queue behind it. A range already pulled is not pulled again for the same
 *       target, so a legal seq jump (after a sequencer failover) costs one empty pull, not a loop.
 *       If the pull fails, the held and queued messages are dropped <i>without</i> ack and
 *       {@code last} is unchanged: the server retransmits unacked pushes, and the next message of
 *       the session pulls the same range again.
 *   <li>Otherwise the message is delivered, then a push is acked ({@code ack{sessionId, msgId}}).
 * </ol>
 *
 * <p>Sync pages may list a session's messages out of seq order (the user chain is ordered by user
 * sequence); within one page each session's messages are put back in seq order, in the slots the
 * session occupied, before they are offered. A {@code notify{sessionId, latestSeq}} pulls the
 * session up to {@code latestSeq}; for a session never seen, it starts {@code pullPageSize} before
 * {@code latestSeq} instead of at the beginning of history.
 *
 * <p>Not thread-safe: used on the client's context only. The effects may call back into the inbox
 * (a handler that sends, an already-completed pull future).
 */
public final class Inbox {

  /** What the inbox asks the client to do. */
  public interface Effects {
    /** Pulls one page; the future may complete at once or later. */
    Future<Messages> pull(String sessionId, long afterSeq, int limit);

    /** Hands a message to the app (exceptions are the effect's business). */
    void deliver(Message message);

    /** Acknowledges a push. */
    void ack(String sessionId, long msgId);

    /** A gap pull failed; the messages waiting on it were dropped unacked. */
    void gapPullFailed(String sessionId, long afterSeq, Throwable cause);
  }

  static final int MAX_PAGES_PER_GAP = 10_000;

  private enum Source {
    PUSH,
    SYNC
  }

  private record Item(Message message, Source source) {}

  private static final class Session {
    final String id;
    boolean known;
    long last;
    long pulledUpTo = -1;
    long notifyTarget = -1;
    boolean filling;
    final ArrayDeque<Item> waiting = new ArrayDeque<>();

    Session(String id) {
      this.id = id;
    }
  }

  private final Effects effects;
  private final int pullPageSize;
  private final MsgIdWindow delivered;
  private final Map<String, Session> sessions = new HashMap<>();
  private final Set<Session> filling = new LinkedHashSet<>();
  private final List<Promise<Void>> settleWaiters = new ArrayList<>();
  private boolean stopped;

  public Inbox(Effects effects, int pullPageSize, int msgIdWindow) {
    if (pullPageSize < 1 || pullPageSize > 200) {
      throw new IllegalArgumentException("pull page size must be 1-200, got " + pullPageSize);
    }
    this.effects = effects;
    this.pullPageSize = pullPageSize;
    this.delivered = new MsgIdWindow(msgIdWindow);
  }

  /** A {@code push}: delivered (or dropped as a duplicate) and acked, possibly after a gap pull. */
  public void offerPush(Message message) {
    offer(new Item(message, Source.PUSH));
  }

  /** One page of a sync: never acked (it is not a push). */
  public void offerSynced(List<Message> page) {
    for (Message message : orderedWithinSessions(page)) {
      offer(new Item(message, Source.SYNC));
    }
  }

  /** A {@code notify}: the session is in pull mode; pull it up to {@code latestSeq}. */
  public void onNotify(String sessionId, long latestSeq) {
    if (stopped) {
      return;
    }
    Session session = session(sessionId);
    session.notifyTarget = Math.max(session.notifyTarget, latestSeq);
    if (!session.known) {
      session.known = true;
      session.last = Math.max(0, latestSeq - pullPageSize);
    }
    if (!session.filling) {
      pullForNotify(session);
    }
  }

  /** Completes when no gap pull is in flight (at once when none is). */
  public Future<Void> whenSettled() {
    if (filling.isEmpty() || stopped) {
      return Future.succeededFuture();
    }
    Promise<Void> waiter = Promise.promise();
    settleWaiters.add(waiter);
    return waiter.future();
  }

  /** The highest seq delivered in the session, empty when the session was never seen. */
  public OptionalLong lastSeq(String sessionId) {
    Session session = sessions.get(sessionId);
    return session == null || !session.known ? OptionalLong.empty() : OptionalLong.of(session.last);
  }

  /** Stops delivering: everything waiting is dropped and later input ignored (client closed). */
  public void stop() {
    stopped = true;
    sessions.values().forEach(session -> session.waiting.clear());
    filling.clear();
    settle();
  }

  private void offer(Item item) {
    if (stopped) {
      return;
    }
    Session session = session(item.message().getSessionId());
    if (session.filling) {
      session.waiting.addLast(item);
      return;
    }
    process(session, item);
  }

  private void process(Session session, Item item) {
    Message message = item.message();
    if (isDuplicate(session, message)) {
      if (item.source() == Source.PUSH) {
        effects.ack(message.getSessionId(), message.getMsgId());
      }
      return;
    }
    long preSeq = message.getPreSeq();
    if (session.known && preSeq > session.last && preSeq > session.pulledUpTo) {
      session.waiting.addFirst(item);
      startPull(session, preSeq);
      return;
    }
    deliver(session, message);
    if (item.source() == Source.PUSH) {
      effects.ack(message.getSessionId(), message.getMsgId());
    }
  }

  private boolean isDuplicate(Session session, Message message) {
    return delivered.contains(message.getMsgId()) || (session.known && message.getSeq() <= session.last);
  }

  private void deliver(Session session, Message message) {
    session.known = true;
    session.last = Math.max(session.last, message.getSeq());
    delivered.add(message.getMsgId());
    effects.deliver(message);
  }

  private void startPull(Session session, long target) {
    session.filling = true;
    filling.add(session);
    pullPage(session, target, 0);
  }

  private void pullPage(Session session, long target, int pagesDone) {
    long afterSeq = session.last;
    effects.pull(session.id, afterSeq, pullPageSize).onComplete(result -> {
      if (stopped || !session.filling) {
        return;
      }
      if (result.failed()) {
        session.waiting.clear();
        endPull(session);
        effects.gapPullFailed(session.id, afterSeq, result.cause());
        return;
      }
      Messages page = result.result();
      List<Message> messages = new ArrayList<>(page.getMessagesList());
      messages.sort(Comparator.comparingLong(Message::getSeq));
      for (Message message : messages) {
        if (stopped) {
          return;
        }
        if (!isDuplicate(session, message)) {
          deliver(session, message);
        }
      }
      boolean progressed = session.last > afterSeq;
      if (page.getHasMore() && progressed && session.last < target && pagesDone + 1 < MAX_PAGES_PER_GAP) {
        pullPage(session, target, pagesDone + 1);
        return;
      }
      session.pulledUpTo = Math.max(session.pulledUpTo, target);
      session.filling = false;
      drain(session);
      if (!session.filling) {
        endPull(session);
      }
    });
  }

  private void drain(Session session) {
    while (!session.filling && !session.waiting.isEmpty() && !stopped) {
      process(session, session.waiting.pollFirst());
    }
    if (!session.filling && !stopped) {
      pullForNotify(session);
    }
  }

  private void pullForNotify(Session session) {
    long target = session.notifyTarget;
    if (target > session.last && target > session.pulledUpTo) {
      startPull(session, target);
    }
  }

  private void endPull(Session session) {
    session.filling = false;
    filling.remove(session);
    if (filling.isEmpty()) {
      settle();
    }
  }

  private void settle() {
    List<Promise<Void>> waiters = new ArrayList<>(settleWaiters);
    settleWaiters.clear();
    waiters.forEach(Promise::tryComplete);
  }

  private Session session(String sessionId) {
    return sessions.computeIfAbsent(sessionId, Session::new);
  }

  /** Each session's messages sorted by seq, placed back into the positions the session occupied. */
  static List<Message> orderedWithinSessions(List<Message> page) {
    Map<String, List<Integer>> slots = new LinkedHashMap<>();
    for (int i = 0; i < page.size(); i++) {
      slots.computeIfAbsent(page.get(i).getSessionId(), k -> new ArrayList<>()).add(i);
    }
    Message[] ordered = new Message[page.size()];
    for (List<Integer> positions : slots.values()) {
      List<Message> messages = new ArrayList<>(positions.size());
      positions.forEach(i -> messages.add(page.get(i)));
      messages.sort(Comparator.comparingLong(Message::getSeq));
      for (int i = 0; i < positions.size(); i++) {
        ordered[positions.get(i)] = messages.get(i);
      }
    }
    return List.of(ordered);
  }
}
