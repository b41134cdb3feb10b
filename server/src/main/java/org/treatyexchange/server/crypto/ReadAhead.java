package org.treatyexchange.server.crypto;

import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How far a sequential reader of a stored document has the next segments decrypted for it, on which
 * threads, and within what memory. A download otherwise decrypts each segment on the SFTP thread in
 * series with the transport's own encryption (docs/PERFORMANCE.md); with read-ahead the vault's pass
 * runs on the pool while the SFTP thread sends what is already decrypted.
 *
 * <p>Bounds: at most {@code depth} segments ahead per open document; buffers for those exist only
 * while a reader holds permits from one vault-wide budget ({@link #budget}), so all read-ahead
 * buffers together stay under {@link #BUDGET_BYTES}; a reader that finds the budget spent decrypts in
 * series. The pool's threads are shared by every session and end when idle, so nothing leaks.
 */
final class ReadAhead {

    /** System property: segments decrypted ahead of the reader, 0 (serial, as before) to {@link #MAX_DEPTH}. */
    static final String PROPERTY = "exchange.download.readAhead";
    static final int DEFAULT_DEPTH = 4;
    static final int MAX_DEPTH = 16;
    /** All read-ahead buffers of one vault together (two per segment: sealed and plain). */
    static final long BUDGET_BYTES = 64L * 1024 * 1024;

    private static final AtomicInteger THREADS = new AtomicInteger();

    final int depth;
    final Executor executor;
    /** Permits are read-ahead slots (one segment's sealed and plain buffers). */
    final Semaphore budget;

    ReadAhead(int depth, Executor executor, int budgetSlots) {
        if (depth < 0 || depth > MAX_DEPTH) {
            throw new IllegalArgumentException(PROPERTY + " must be between 0 and " + MAX_DEPTH + ", got " + depth);
        }
        this.depth = depth;
        this.executor = depth == 0 ? null : Objects.requireNonNull(executor, "executor");
        this.budget = new Semaphore(Math.max(budgetSlots, 0));
    }

    /** Decrypt on the reader's thread only, one segment at a time. */
    static ReadAhead serial() {
        return new ReadAhead(0, null, 0);
    }

    /** From {@link #PROPERTY} (default {@link #DEFAULT_DEPTH}), a shared pool of one thread per core. */
    static ReadAhead fromSystemProperty(int segmentSize) {
        String value = System.getProperty(PROPERTY);
        int depth;
        try {
            depth = value == null ? DEFAULT_DEPTH : Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PROPERTY + " must be a number of segments (0 turns read-ahead off), got '"
                    + value + "'", e);
        }
        if (depth == 0) {
            return serial();
        }
        long slotBytes = 2L * (segmentSize + SegmentedAead.TAG_LENGTH);
        return new ReadAhead(depth, pool(), (int) Math.min(Integer.MAX_VALUE, Math.max(depth, BUDGET_BYTES / slotBytes)));
    }

    private static Executor pool() {
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, "vault-read-ahead-" + THREADS.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        // idle threads end: a vault needs no close, and a quiet server holds no read-ahead thread
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
}
