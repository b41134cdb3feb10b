package org.treatyexchange.server.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.treatyexchange.server.store.Store.TxWork;
import org.treatyexchange.server.store.StoreException;
import org.treatyexchange.server.store.StoreException.Reason;

/**
 * Group commit: write transactions run one at a time, and the writes that queued up while the
 * previous commit was flushing the log share the next database transaction and its one log flush.
 * Writers were already serial (each takes the audit chain head first); this removes the flush each of
 * them waited for in turn (bench part d: 12 messages/s at 16 clients was 1 / flush time).
 *
 * <p>Leader and followers, no thread of its own: a caller that finds no batch running becomes the
 * leader and runs the queue — its own work and whatever else is waiting — on its own thread, batch
 * after batch until its own work is done; callers that arrive meanwhile queue and wait. So a lone
 * writer pays no hand-off to another thread (bench part b: one session stores one file after the other),
 * and under load one leader commits for many.
 *
 * <p>Each caller's work runs inside its own savepoint with its own {@link JdbcTx} view, in the order
 * the calls arrived, so it sees what earlier work in the batch wrote exactly as if they had committed
 * one after the other. Work that throws is rolled back to its savepoint and only its caller gets the
 * failure; the others commit. A caller returns only after the batch holding its work is durable
 * (or failed), and then runs its own after-commit actions on its own thread. When the database
 * abandons the whole transaction (a deadlock or lock timeout with a reader, a failed commit) every
 * work of the batch is run again in a later batch, up to {@link JdbcStore#MAX_ATTEMPTS} times: work
 * must have no side effects outside the transaction, as before.
 */
final class GroupCommit {
    private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);

    /** Most works in one database transaction: bounds how long the first of them waits for the last. */
    static final int MAX_BATCH = 64;

    private final ConnectionPool pool;
    private final BlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>();
    /** Guards {@link #leading} and every {@link Pending}'s outcome; followers wait on it. */
    private final Object monitor = new Object();
    private boolean leading;
    /** True on the leader's thread while it runs a batch: work must not open another transaction. */
    private final ThreadLocal<Boolean> inBatch = ThreadLocal.withInitial(() -> false);
    private final java.util.concurrent.atomic.AtomicLong commits = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean closing;
    private volatile org.treatyexchange.server.store.CommitObserver observer = new org.treatyexchange.server.store.CommitObserver() { };

    GroupCommit(ConnectionPool pool) {
        this.pool = pool;
    }

    void observe(org.treatyexchange.server.store.CommitObserver newObserver) {
        this.observer = java.util.Objects.requireNonNull(newObserver, "observer");
    }

    /** Database transactions committed so far (for tests and diagnostics). */
    long commits() {
        return commits.get();
    }

    /** Works waiting for the next batch (for tests and diagnostics). */
    int queued() {
        return queue.size();
    }

    /** Whether the calling thread is running a batch (work that opens another transaction would wait for itself). */
    boolean isInBatch() {
        return inBatch.get();
    }

    /**
     * Runs {@code work} in the next batch and waits until that batch committed durably or failed;
     * then runs the work's after-commit actions on this thread.
     */
    <T> T run(TxWork<T> work) throws StoreException {
        if (isInBatch()) {
            throw new IllegalStateException("a write transaction must not start another one");
        }
        if (closing) {
            throw new StoreException(Reason.UNAVAILABLE, "the store is closed", null);
        }
        Pending<T> p = new Pending<>(work);
        queue.add(p);
        // Uninterruptibly: a caller that gave up waiting could discard what its work just recorded.
        boolean interrupted = false;
        while (true) {
            synchronized (monitor) {
                while (leading && !p.done) {
                    try {
                        monitor.wait();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                if (p.done) {
                    break;
                }
                leading = true;
            }
            lead(p);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (p.failure != null) {
            throw p.failure;
        }
        p.tx.runAfterCommit();
        return p.result;
    }

    /** Runs batches until {@code own} is done, then lets the next waiting caller lead. */
    private void lead(Pending<?> own) {
        inBatch.set(true);
        try {
            while (true) {
                synchronized (monitor) {
                    if (own.done) {
                        return;
                    }
                }
                List<Pending<?>> batch = new ArrayList<>();
                queue.drainTo(batch, MAX_BATCH);
                if (batch.isEmpty()) {
                    // cannot happen: an unfinished work is queued until its outcome is set
                    fail(List.of(own), new StoreException(Reason.UNAVAILABLE, "the store lost a transaction", null));
                    return;
                }
                try {
                    runBatch(batch);
                } catch (RuntimeException | Error e) {
                    // never leave a caller waiting forever
                    log.error("group commit failed on a batch of {}", batch.size(), e);
                    fail(batch, new StoreException(Reason.UNAVAILABLE, "the store failed", e));
                }
                synchronized (monitor) {
                    monitor.notifyAll(); // followers whose work is done return
                }
            }
        } finally {
            inBatch.set(false);
            synchronized (monitor) {
                leading = false;
                monitor.notifyAll(); // a follower whose work is still queued leads next
            }
        }
    }

    private void fail(List<Pending<?>> batch, StoreException e) {
        synchronized (monitor) {
            batch.forEach(p -> p.fail(e));
        }
    }

    /** Refuses work from now on; what is queued is finished by the callers that queued it. */
    void close() {
        closing = true;
    }

    private void runBatch(List<Pending<?>> batch) {
        Connection c;
        try {
            c = pool.borrow();
        } catch (StoreException e) {
            fail(batch, e);
            return;
        }
        List<Pending<?>> ran = new ArrayList<>(); // work that succeeded in this transaction
        List<Pending<?>> again = new ArrayList<>();
        boolean reusable = false;
        try {
            if (c.isReadOnly()) {
                c.setReadOnly(false);
            }
            HeldHead held = new HeldHead();
            JdbcTx head = new JdbcTx(c, held);
            head.audit().lockHead(); // first, as every writer: see JdbcStore
            head.end();
            for (Pending<?> p : batch) {
                if (runOne(c, held, p, again)) {
                    ran.add(p);
                }
            }
            long commitStart = System.nanoTime();
            c.commit();
            observer.committed(batch.size(), System.nanoTime() - commitStart);
            commits.incrementAndGet();
            // Durable now (Derby and PostgreSQL flush the log on commit by default).
            pool.release(c, true);
            c = null;
            log.debug("group commit: {} works, {} committed, {} to run again", batch.size(), ran.size(), again.size());
            synchronized (monitor) {
                ran.forEach(Pending::succeed);
            }
        } catch (Exception e) {
            Exception cause = e instanceof BatchLost lost ? lost.cause : e;
            Pending<?> culprit = e instanceof BatchLost lost ? lost.pending : null;
            reusable = JdbcStore.rollback(c, cause);
            // Nothing of this batch committed. The work that lost the transaction is judged by its
            // failure; the rest (also what had succeeded) runs again.
            for (Pending<?> p : batch) {
                if (isDone(p) || again.contains(p)) {
                    continue; // already answered, or already queued again
                }
                p.tx = null;
                if (culprit == null || p == culprit) {
                    retryOrFail(p, cause, again);
                } else if (p.attempts >= JdbcStore.MAX_ATTEMPTS) {
                    fail(List.of(p), new StoreException(Reason.UNAVAILABLE, "database busy: gave up after "
                            + JdbcStore.MAX_ATTEMPTS + " attempts", cause));
                } else {
                    again.add(p);
                }
            }
        } finally {
            if (c != null) {
                pool.release(c, reusable);
            }
        }
        queue.addAll(again);
    }

    /**
     * Runs one work in a savepoint. Returns true when it succeeded, false when it was rolled back alone
     * (failed, or queued to run again); throws {@link BatchLost} when the database abandoned the
     * whole transaction.
     */
    private boolean runOne(Connection c, HeldHead held, Pending<?> p, List<Pending<?>> again) throws BatchLost {
        Savepoint sp;
        try {
            sp = c.setSavepoint();
        } catch (SQLException e) {
            throw new BatchLost(p, e);
        }
        JdbcTx tx = new JdbcTx(c, held);
        try {
            p.attempt();
            p.complete(tx);
            tx.end();
            return true;
        } catch (Exception e) {
            tx.end();
            held.forget(); // its events are rolled back with it
            try {
                c.rollback(sp);
            } catch (SQLException lost) {
                throw new BatchLost(p, e); // e.g. Derby rolled the transaction back after a deadlock
            }
            retryOrFail(p, e, again);
            return false;
        }
    }

    private boolean isDone(Pending<?> p) {
        synchronized (monitor) {
            return p.done;
        }
    }

    private void retryOrFail(Pending<?> p, Exception cause, List<Pending<?>> again) {
        if (!JdbcStore.retryable(cause)) {
            fail(List.of(p), JdbcStore.classify(cause));
        } else if (p.attempts >= JdbcStore.MAX_ATTEMPTS) {
            fail(List.of(p), new StoreException(Reason.UNAVAILABLE, "database busy: gave up after " + JdbcStore.MAX_ATTEMPTS + " attempts", cause));
        } else if (!again.contains(p)) {
            again.add(p);
        }
    }

    /** The database rolled back the whole transaction while {@code pending}'s work ran. */
    private static final class BatchLost extends Exception {
        final transient Pending<?> pending;
        final Exception cause;

        BatchLost(Pending<?> pending, Exception cause) {
            super(null, null, false, false);
            this.pending = pending;
            this.cause = cause;
        }
    }

    /** One caller's work and its outcome (set and read under {@link #monitor}). */
    private static final class Pending<T> {
        final TxWork<T> work;
        boolean done;
        int attempts;
        T result;
        JdbcTx tx;
        StoreException failure;

        Pending(TxWork<T> work) {
            this.work = work;
        }

        void attempt() {
            attempts++;
        }

        void complete(JdbcTx view) throws Exception {
            result = work.run(view);
            view.runBeforeCommit();
            tx = view;
        }

        void succeed() {
            done = true;
        }

        void fail(StoreException e) {
            if (!done) {
                failure = e;
                done = true;
            }
        }
    }
}
