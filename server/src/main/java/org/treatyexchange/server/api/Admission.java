package org.treatyexchange.server.api;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Admission control for the HTTPS edge, shared by every connection (issue 22: at 200 clients the
 * server used to take every request in, ran out of executor queue half-way through them, answered
 * 503 after reading bodies and checking signatures, and its useful throughput fell to a third).
 *
 * <p>At most {@code maxActive} requests are between their head and their answer (the expensive
 * section: identification, signature checks, storage, the commit). Up to {@code maxWaiting} more
 * wait in arrival order, with reading paused, for at most {@code maxWait} (then 503). Any other request is
 * turned away when its head arrives, before a byte of its body is read and before any signature or
 * database work: 503 {@code unavailable} with {@code Retry-After} ({@link #retryAfterSeconds}).
 *
 * <p>One client certificate holds at most a quarter of the permits (at least one): a registered client
 * trickling request bodies at the minimum data rate on all its connections cannot keep every other
 * State waiting. Its requests beyond that wait (or are turned away) like anyone's, and are admitted as
 * its own permits come back.
 *
 * <p>Thread-safe and never blocks: a waiter is told it is admitted by a call to
 * {@link Waiter#admitted()} from whichever thread released the permit, which must only hand over
 * to the waiter's own event loop.
 */
final class Admission {

    private static final long MAX_RETRY_AFTER_SECONDS = 30;

    /** A request waiting for a permit. */
    interface Waiter {
        /** The client it is for (its certificate's fingerprint): one client holds at most a quarter of the permits. */
        String client();


        /** Called once, on any thread, when the waiter now holds a permit; must not block. */
        void admitted();
    }

    /** What became of a request at its head. */
    enum Entry {
        /** It holds a permit: go on. */
        ADMITTED,
        /** It waits; {@link Waiter#admitted()} comes later, unless it is {@link #withdraw withdrawn} first. */
        WAITING,
        /** Turned away: answer 503 now. */
        REFUSED
    }

    private final int maxActive;
    private final int maxWaiting;
    private final Duration maxWait;
    private final int maxPerClient;
    private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
    private final Map<String, Integer> heldBy = new HashMap<>();
    private int active;
    /** Exponentially weighted mean time a permit is held, for the Retry-After estimate. */
    private double meanHoldNanos = TimeUnit.MILLISECONDS.toNanos(100);

    Admission(int maxActive, int maxWaiting, Duration maxWait) {
        if (maxActive < 1 || maxWaiting < 0) {
            throw new IllegalArgumentException("maxActive must be at least 1 and maxWaiting not negative");
        }
        this.maxActive = maxActive;
        this.maxWaiting = maxWaiting;
        this.maxPerClient = Math.max(1, maxActive / 4);
        this.maxWait = Objects.requireNonNull(maxWait, "maxWait");
    }

    /**
     * The limits the edge uses for its settings: twice the executor's threads in flight (enough to keep
     * them and the group commit busy), 32 times as many waiting, each for at most {@code readTimeout}.
     */
    static Admission of(ApiSettings settings) {
        return new Admission(2 * settings.executorThreads(), 32 * settings.executorThreads(), settings.readTimeout());
    }

    synchronized Entry enter(Waiter waiter) {
        // While a permit is free, every waiter is one held back by its client's share: none is passed over.
        if (active < maxActive && mayHoldMore(waiter.client())) {
            active++;
            heldBy.merge(waiter.client(), 1, Integer::sum);
            return Entry.ADMITTED;
        }
        if (waiting.size() < maxWaiting) {
            waiting.add(waiter);
            return Entry.WAITING;
        }
        return Entry.REFUSED;
    }

    /**
     * Takes a waiter out of the queue (its deadline passed, or its connection closed).
     *
     * @return true if it was still waiting (it holds no permit); false if it has been admitted already
     *     (its {@link Waiter#admitted()} call is on its way, and it must {@link #leave} in turn)
     */
    synchronized boolean withdraw(Waiter waiter) {
        return waiting.removeIf(w -> w == waiter);
    }

    /**
     * Gives a permit back; the longest waiter whose client may hold one more, if any, gets it.
     *
     * @param client the client that held it
     * @param heldNanos how long the permit was held (feeds the Retry-After estimate)
     */
    void leave(String client, long heldNanos) {
        Waiter next = null;
        synchronized (this) {
            meanHoldNanos += (Math.max(0, heldNanos) - meanHoldNanos) / 16;
            heldBy.computeIfPresent(client, (k, n) -> n <= 1 ? null : n - 1);
            for (Iterator<Waiter> it = waiting.iterator(); it.hasNext();) {
                Waiter w = it.next();
                if (mayHoldMore(w.client())) {
                    it.remove();
                    heldBy.merge(w.client(), 1, Integer::sum);
                    next = w;
                    break;
                }
            }
            if (next == null) {
                active--;
            }
        }
        if (next != null) {
            next.admitted();
        }
    }

    private boolean mayHoldMore(String client) {
        return heldBy.getOrDefault(client, 0) < maxPerClient;
    }

    /**
     * Whole seconds after which a turned-away request may find room: the time the queue ahead takes to
     * drain at the recent pace, at least 1, at most 30.
     */
    synchronized long retryAfterSeconds() {
        double drainNanos = (waiting.size() + 1) * meanHoldNanos / maxActive;
        long seconds = (long) Math.ceil(drainNanos / TimeUnit.SECONDS.toNanos(1));
        return Math.max(1, Math.min(MAX_RETRY_AFTER_SECONDS, seconds));
    }

    /** How long a request may wait for a permit before it is answered 503. */
    Duration maxWait() {
        return maxWait;
    }

    synchronized int active() {
        return active;
    }

    synchronized int waiting() {
        return waiting.size();
    }
}
