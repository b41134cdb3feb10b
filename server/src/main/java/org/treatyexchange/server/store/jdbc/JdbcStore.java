package org.treatyexchange.server.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.treatyexchange.server.store.Store;
import org.treatyexchange.server.store.StoreException;
import org.treatyexchange.server.store.StoreException.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.CallableStatement;

/**
 * {@link Store} over a {@link ConnectionPool}. Every transaction runs on one connection at READ
 * COMMITTED and is retried a few times when the database reports a deadlock, lock timeout or
 * serialization failure; the work must therefore have no side effects outside the transaction
 * (that is what {@code afterCommit} is for). Reads run on the caller's thread; writes run one after
 * the other through {@link GroupCommit}, several to a database transaction.
 */
final class JdbcStore implements Store {
    private static final Logger log = LoggerFactory.getLogger(JdbcStore.class);

    static final int MAX_ATTEMPTS = 5;
    private static final long CLOSE_WAIT_MILLIS = 10_000;

    private final ConnectionPool pool;
    private final GroupCommit writes;
    private final Runnable afterClose;
    private final String backupCall;
    private final java.util.function.Supplier<String> durability;
    private final Object closeLock = new Object();
    private boolean closed;

    /**
     * @param afterClose runs once after every connection is closed (Derby's database shutdown)
     * @param backupCall the statement that backs the database up into the directory given as its one
     *                   parameter, or null when the database has none (a server is backed up with its tools)
     * @param durability what weakens the durability of a commit, or null when nothing does
     */
    JdbcStore(ConnectionPool pool, Runnable afterClose, String backupCall, java.util.function.Supplier<String> durability) {
        this.pool = pool;
        this.writes = new GroupCommit(pool);
        this.afterClose = afterClose;
        this.backupCall = backupCall;
        this.durability = durability;
    }

    ConnectionPool pool() {
        return pool;
    }

    @Override
    public java.util.Optional<String> durabilityWeakness() {
        return java.util.Optional.ofNullable(durability.get());
    }

    @Override
    public void backup(Path directory) throws StoreException {
        if (backupCall == null) {
            throw new StoreException(Reason.UNAVAILABLE, "this database is backed up with its own tools", null);
        }
        if (Files.exists(directory)) {
            throw new StoreException(Reason.UNAVAILABLE, "the backup directory exists already", null);
        }
        Connection c = pool.borrow();
        boolean reusable = false;
        try {
            if (c.isReadOnly()) {
                c.setReadOnly(false); // Derby refuses the backup procedure on a read-only connection
            }
        } catch (SQLException e) {
            pool.release(c, false);
            throw SqlErrors.map(e, "back up the database");
        }
        try (CallableStatement call = c.prepareCall(backupCall)) {
            call.setString(1, directory.toAbsolutePath().toString());
            call.execute();
            c.commit();
            reusable = true;
        } catch (SQLException e) {
            throw SqlErrors.map(e, "back up the database");
        } finally {
            pool.release(c, reusable);
        }
    }

    /** The group commit all writes go through (package-private: for tests). */
    @Override
    public void observe(org.treatyexchange.server.store.CommitObserver observer) {
        writes.observe(observer);
    }

    GroupCommit writes() {
        return writes;
    }

    @Override
    public <T> T inTransaction(TxWork<T> work) throws StoreException {
        Objects.requireNonNull(work, "work");
        refuseIoThread();
        return writes.run(work);
    }

    @Override
    public <T> T read(TxWork<T> work) throws StoreException {
        Objects.requireNonNull(work, "work");
        refuseIoThread();
        if (writes.isInBatch()) {
            // it could wait for rows the batch itself has written and not yet committed
            throw new IllegalStateException("a write transaction must not start a read transaction");
        }
        for (int attempt = 1; ; attempt++) {
            Connection c = pool.borrow();
            JdbcTx tx = new JdbcTx(c);
            boolean reusable = false;
            Exception failure;
            try {
                if (!c.isReadOnly()) {
                    c.setReadOnly(true);
                }
                T result;
                try {
                    result = work.run(tx);
                    tx.runBeforeCommit();
                } finally {
                    tx.end();
                }
                c.commit();
                pool.release(c, true);
                c = null;
                tx.runAfterCommit();
                return result;
            } catch (Exception e) {
                failure = e;
                reusable = rollback(c, e);
            } finally {
                if (c != null) {
                    pool.release(c, reusable);
                }
            }
            StoreException mapped = classify(failure);
            if (!retryable(failure)) {
                throw mapped;
            }
            if (attempt >= MAX_ATTEMPTS) {
                throw new StoreException(Reason.UNAVAILABLE,
                        "database busy: gave up after " + MAX_ATTEMPTS + " attempts", failure);
            }
            log.debug("transaction attempt {} hit a lock conflict; retrying", attempt);
            backOff(attempt);
        }
    }

    /**
     * MINA's few NIO2 I/O threads carry every SSH connection: one waiting here for a lock or a pooled
     * connection stops them all (CONCURRENCY.md). Refused at once, so such a call fails loudly in
     * tests instead of stalling the server under load.
     */
    private static void refuseIoThread() {
        String name = Thread.currentThread().getName();
        if (name.startsWith("sshd-") && name.contains("-nio2-")) {
            throw new IllegalStateException("the store must not be used on an SSH I/O thread (" + name + ")");
        }
    }

    static StoreException classify(Exception e) {
        if (e instanceof StoreException se) {
            return se;
        }
        if (e instanceof SQLException sql) {
            return SqlErrors.map(sql, "transaction");
        }
        return new StoreException(Reason.ABORTED,
                "transaction rolled back: the work failed (" + e.getClass().getSimpleName() + ")", e);
    }

    static boolean retryable(Exception e) {
        return (e instanceof SQLException sql && SqlErrors.isRetryable(sql))
                || (e instanceof StoreException se && SqlErrors.isRetryable(se));
    }

    /** @return whether the connection is fit for reuse */
    static boolean rollback(Connection c, Exception cause) {
        if (cause instanceof SQLException sql && SqlErrors.connectionBroken(sql)) {
            return false;
        }
        try {
            c.rollback();
            return true;
        } catch (SQLException e) {
            log.warn("rollback failed (SQLState {}); discarding the connection", e.getSQLState());
            return false;
        }
    }

    private static void backOff(int attempt) throws StoreException {
        try {
            // Randomised so that the transactions that collided do not collide again.
            Thread.sleep(ThreadLocalRandom.current().nextLong(5, 20L * attempt + 6));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException(Reason.UNAVAILABLE, "interrupted while retrying a transaction", e);
        }
    }

    @Override
    public void close() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        writes.close();
        pool.close(CLOSE_WAIT_MILLIS);
        afterClose.run();
    }
}
