package org.treatyexchange.server.application;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts failed logins per key (a source address, or an account name) and locks a key out for a
 * while once it has failed too often within a window. In memory, per node, bounded: when more keys
 * are tracked than {@code maxKeys}, the least recently touched is forgotten (so a flood of invented
 * names cannot exhaust the heap; its cost is that such a flood can shorten other keys' memory).
 * Thread-safe; calls are short and never block on I/O.
 */
final class LoginThrottle {

    private final int maxFailures;
    private final Duration window;
    private final Duration lockout;
    private final Clock clock;
    private final Map<String, Record> records;

    /**
     * @param maxFailures failures within {@code window} that lock a key out
     * @param window      how far back failures count
     * @param lockout     how long a lockout lasts
     * @param maxKeys     most keys remembered at once
     * @param clock       time source (tests move it)
     */
    LoginThrottle(int maxFailures, Duration window, Duration lockout, int maxKeys, Clock clock) {
        if (maxFailures < 1 || maxKeys < 1) {
            throw new IllegalArgumentException("maxFailures and maxKeys must be positive");
        }
        this.maxFailures = maxFailures;
        this.window = window;
        this.lockout = lockout;
        this.clock = clock;
        this.records = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Record> eldest) {
                return size() > maxKeys;
            }
        };
    }

    /** Whether {@code key} is locked out now. */
    synchronized boolean isLockedOut(String key) {
        Record r = records.get(key);
        if (r == null) {
            return false;
        }
        Instant now = clock.instant();
        if (r.lockedUntil != null && now.isBefore(r.lockedUntil)) {
            return true;
        }
        if (r.lockedUntil != null) {
            records.remove(key); // the lockout is over: start afresh
        }
        return false;
    }

    /**
     * Records one failure of {@code key}.
     *
     * @return true when this failure started a lockout
     */
    synchronized boolean fail(String key) {
        Instant now = clock.instant();
        Record r = records.computeIfAbsent(key, k -> new Record());
        if (r.lockedUntil != null && now.isBefore(r.lockedUntil)) {
            return false;
        }
        Instant horizon = now.minus(window);
        while (!r.failures.isEmpty() && r.failures.peekFirst().isBefore(horizon)) {
            r.failures.removeFirst();
        }
        r.failures.addLast(now);
        if (r.failures.size() >= maxFailures) {
            r.failures.clear();
            r.lockedUntil = now.plus(lockout);
            return true;
        }
        return false;
    }

    /** Forgets the failures of {@code key} (after it proved itself); an active lockout stays. */
    synchronized void succeed(String key) {
        Record r = records.get(key);
        if (r != null && r.lockedUntil == null) {
            records.remove(key);
        }
    }

    /** Keys remembered now (for tests). */
    synchronized int size() {
        return records.size();
    }

    private static final class Record {
        final Deque<Instant> failures = new ArrayDeque<>();
        Instant lockedUntil;
    }
}
