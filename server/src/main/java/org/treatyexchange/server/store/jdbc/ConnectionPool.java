package org.treatyexchange.server.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.treatyexchange.server.store.StoreException;
import org.treatyexchange.server.store.StoreException.Reason;

/**
 * A small bounded pool: at most {@code maxSize} connections, each in manual-commit mode at READ
 * COMMITTED. Bounded so that a burst of uploads queues for a connection instead of exhausting the
 * database; a connection that broke or whose rollback failed is closed instead of being reused.
 */
final class ConnectionPool {
    private static final Logger log = LoggerFactory.getLogger(ConnectionPool.class);

    /** Opens a new physical connection. */
    @FunctionalInterface
    interface Factory {
        Connection open() throws SQLException;
    }

    private static final long BORROW_TIMEOUT_SECONDS = 30;
    /** An idle connection older than this is validated before use (servers drop idle sockets). */
    private static final long VALIDATE_AFTER_NANOS = TimeUnit.SECONDS.toNanos(30);

    private record Idle(Connection connection, long since) {
    }

    private final Factory factory;
    private final int maxSize;
    private final Semaphore permits;
    private final Deque<Idle> idle = new ArrayDeque<>();
    private volatile boolean closed;

    ConnectionPool(Factory factory, int maxSize) {
        if (maxSize < 1) {
            throw new IllegalArgumentException("maxSize must be at least 1");
        }
        this.factory = factory;
        this.maxSize = maxSize;
        this.permits = new Semaphore(maxSize, true);
    }

    Connection borrow() throws StoreException {
        if (closed) {
            throw new StoreException(Reason.UNAVAILABLE, "store is closed", null);
        }
        try {
            if (!permits.tryAcquire(BORROW_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new StoreException(Reason.UNAVAILABLE, "no database connection free", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException(Reason.UNAVAILABLE, "interrupted while waiting for a database connection", e);
        }
        try {
            Connection c = takeIdle();
            if (c == null) {
                c = factory.open();
                c.setAutoCommit(false);
                c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            }
            return c;
        } catch (SQLException e) {
            permits.release();
            throw SqlErrors.map(e, "open database connection");
        } catch (RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    /** Gives a borrowed connection back; {@code reusable} false closes it. */
    void release(Connection c, boolean reusable) {
        try {
            if (reusable && !closed) {
                synchronized (idle) {
                    idle.push(new Idle(c, System.nanoTime()));
                }
            } else {
                closeQuietly(c);
            }
        } finally {
            permits.release();
        }
    }

    /**
     * Refuses new borrowers, waits up to {@code waitMillis} for borrowed connections to come back, then
     * closes every connection.
     */
    void close(long waitMillis) {
        closed = true;
        boolean all = false;
        try {
            all = permits.tryAcquire(maxSize, waitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!all) {
            log.warn("closing the store while transactions are still running");
        }
        synchronized (idle) {
            for (Idle i : idle) {
                closeQuietly(i.connection());
            }
            idle.clear();
        }
    }

    private Connection takeIdle() {
        while (true) {
            Idle i;
            synchronized (idle) {
                i = idle.poll();
            }
            if (i == null) {
                return null;
            }
            if (System.nanoTime() - i.since() < VALIDATE_AFTER_NANOS || valid(i.connection())) {
                return i.connection();
            }
            closeQuietly(i.connection());
        }
    }

    private static boolean valid(Connection c) {
        try {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            log.debug("closing a database connection failed (SQLState {})", e.getSQLState());
        }
    }
}
