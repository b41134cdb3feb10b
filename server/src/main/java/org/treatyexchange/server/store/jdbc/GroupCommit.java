package org.treatyexchange.server.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.treatyexchange.server.store.Store.TxWork;
import org.treatyexchange.server.store.StoreException;
import org.treatyexchange.server.store.StoreException.Reason;

/**
 * Group commit: every write transaction runs on one committer thread, and the writes that queued up
 * while the previous commit was flushing the log share the next database transaction and its one
 * log flush. Writers were already serial (each takes the audit chain head first); this removes the
 * flush each of them waited for in turn (bench part d: 12 messages/s at 16 clients was 1 / flush time).
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
    private final Thread committer;
    private final java.util.concurrent.atomic.AtomicLong commits = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean closing;

    GroupCommit(ConnectionPool pool) {
        this.pool = pool;
        this.committer = new Thread(this::loop, "store-committer");
        committer.setDaemon(true);
        committer.start();
    }

    /** Database transactions committed so far (for tests and diagnostics). */
    long commits() {
        return commits.get();
    }

    /** Works waiting for the next batch (for tests and diagnostics). */
    int queued() {
        return queue.size();
    }

    /** Whether the calling thread is the committer (work that opens another transaction would wait for itself). */
    boolean isCommitterThread() {
        return Thread.currentThread() == committer;
    }

    /**
     * Runs {@code work} in the next batch and waits until that batch committed durably or failed;
     * then runs the work's after-commit actions on this thread.
     */
    <T> T run(TxWork<T> work) throws StoreException {
        if (isCommitterThread()) {
            throw new IllegalStateException("a write transaction must not start another one");
        }
        Pending<T> p = new Pending<>(work);
        if (closing) {
            throw new StoreException(Reason.UNAVAILABLE, "the store is closed", null);
        }
        queue.add(p);
        // Uninterruptibly: a caller that gave up waiting could discard what its work just recorded.
        boolean interrupted = false;
        while (true) {
            try {
                if (p.done.await(1, TimeUnit.SECONDS)) {
                    break;
                }
                if (!committer.isAlive() && queue.remove(p)) {
                    p.fail(new StoreException(Reason.UNAVAILABLE, "the store is closed", null));
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
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

    /** Stops taking work, finishes what is queued, and stops the committer. */
    void close(long waitMillis) {
        closing = true;
        try {
            committer.join(waitMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Pending<?> p; (p = queue.poll()) != null; ) {
            p.fail(new StoreException(Reason.UNAVAILABLE, "the store is closed", null));
        }
    }

    private void loop() {
        while (!(closing && queue.isEmpty())) {
            Pending<?> first;
            try {
                first = queue.poll(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                continue; // only close() ends the loop
            }
            if (first == null) {
                continue;
            }
            List<Pending<?>> batch = new ArrayList<>();
            batch.add(first);
            queue.drainTo(batch, MAX_BATCH - 1);
            try {
                runBatch(batch);
            } catch (RuntimeException | Error e) {
                // never leave a caller waiting forever
                log.error("the committer failed on a batch of {}", batch.size(), e);
                batch.forEach(p -> p.fail(new StoreException(Reason.UNAVAILABLE, "the store failed", e)));
            }
        }
    }

    private void runBatch(List<Pending<?>> batch) {
        Connection c;
        try {
            c = pool.borrow();
        } catch (StoreException e) {
            batch.forEach(p -> p.fail(e));
            return;
        }
        List<Pending<?>> ran = new ArrayList<>(); // work that succeeded in this transaction
        List<Pending<?>> again = new ArrayList<>();
        boolean reusable = false;
        try {
            if (c.isReadOnly()) {
                c.setReadOnly(false);
            }
            JdbcTx head = new JdbcTx(c);
            head.audit().lockHead(); // first, as every writer: see JdbcStore
            head.end();
            for (Pending<?> p : batch) {
                if (runOne(c, p, again)) {
                    ran.add(p);
                }
            }
            c.commit();
            commits.incrementAndGet();
            // Durable now (Derby and PostgreSQL flush the log on commit by default).
            pool.release(c, true);
            c = null;
            log.debug("group commit: {} works, {} committed, {} to run again", batch.size(), ran.size(), again.size());
            ran.forEach(Pending::succeed);
        } catch (Exception e) {
            Exception cause = e instanceof BatchLost lost ? lost.cause : e;
            Pending<?> culprit = e instanceof BatchLost lost ? lost.pending : null;
            reusable = JdbcStore.rollback(c, cause);
            // Nothing of this batch committed. The work that lost the transaction is judged by its
            // failure; the rest (also what had succeeded) runs again.
            for (Pending<?> p : batch) {
                if (p.done.getCount() == 0 || again.contains(p)) {
                    continue; // already answered, or already queued again
                }
                p.tx = null;
                if (culprit == null || p == culprit) {
                    retryOrFail(p, cause, again);
                } else if (p.attempts >= JdbcStore.MAX_ATTEMPTS) {
                    p.fail(new StoreException(Reason.UNAVAILABLE, "database busy: gave up after "
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
    private boolean runOne(Connection c, Pending<?> p, List<Pending<?>> again) throws BatchLost {
        Savepoint sp;
        try {
            sp = c.setSavepoint();
        } catch (SQLException e) {
            throw new BatchLost(p, e);
        }
        JdbcTx tx = new JdbcTx(c);
        try {
            p.attempt();
            p.complete(tx);
            tx.end();
            return true;
        } catch (Exception e) {
            tx.end();
            try {
                c.rollback(sp);
            } catch (SQLException lost) {
                throw new BatchLost(p, e); // e.g. Derby rolled the transaction back after a deadlock
            }
            retryOrFail(p, e, again);
            return false;
        }
    }

    private static void retryOrFail(Pending<?> p, Exception cause, List<Pending<?>> again) {
        if (!JdbcStore.retryable(cause)) {
            p.fail(JdbcStore.classify(cause));
        } else if (p.attempts >= JdbcStore.MAX_ATTEMPTS) {
            p.fail(new StoreException(Reason.UNAVAILABLE, "database busy: gave up after " + JdbcStore.MAX_ATTEMPTS + " attempts", cause));
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

    /** One caller's work and its outcome. */
    private static final class Pending<T> {
        final TxWork<T> work;
        final CountDownLatch done = new CountDownLatch(1);
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
            done.countDown();
        }

        void fail(StoreException e) {
            if (done.getCount() > 0) {
                failure = e;
                done.countDown();
            }
        }
    }
}
