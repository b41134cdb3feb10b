package org.treatyexchange.server.api;

import java.time.Duration;
import java.util.ArrayDeque;
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
 * <p>Thread-safe and never blocks: a waiter is told it is admitted by a call to
 * {@link Waiter#admitted()} from whichever thread released the permit, which must only hand over
 * to the waiter's own event loop.
 */
final class Admission {

    private static final long MAX_RETRY_AFTER_SECONDS = 30;

    /** A request waiting for a permit. */
    interface Waiter {
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
    private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
    private int active;
    /** Exponentially weighted mean time a permit is held, for the Retry-After estimate. */
    private double meanHoldNanos = TimeUnit.MILLISECONDS.toNanos(100);

    Admission(int maxActive, int maxWaiting, Duration maxWait) {
        if (maxActive < 1 || maxWaiting < 0) {
            throw new IllegalArgumentException("maxActive must be at least 1 and maxWaiting not negative");
        }
        this.maxActive = maxActive;
        this.maxWaiting = maxWaiting;
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
        if (active < maxActive && waiting.isEmpty()) {
            active++;
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
     * Gives a permit back; the longest waiter, if any, gets it.
     *
     * @param heldNanos how long the permit was held (feeds the Retry-After estimate)
     */
    void leave(long heldNanos) {
        Waiter next;
        synchronized (this) {
            meanHoldNanos += (Math.max(0, heldNanos) - meanHoldNanos) / 16;
            next = waiting.poll();
            if (next == null) {
                active--;
            }
        }
        if (next != null) {
            next.admitted();
        }
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
