package org.treatyexchange.server.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.treatyexchange.server.store.StoreException;
import org.treatyexchange.server.store.StoreException.Reason;

/**
 * The store's connections: HikariCP, at most {@code maxSize}, each in manual-commit mode at READ
 * COMMITTED. Bounded so that a burst of uploads queues for a connection (up to 30 s) instead of
 * exhausting the database; Hikari validates a connection that sat idle before handing it out, retires
 * connections before a server or firewall drops them, and puts back autocommit, isolation and read-only
 * state a borrower changed. A connection that broke, or whose rollback failed, is evicted instead of
 * being reused.
 *
 * <p>Why Hikari rather than the small pool this class used to be: against a database server connections
 * die (restarts, fail-overs, idle timeouts of firewalls), and keep-alive, maximum lifetime and leak
 * detection are exactly what a well-kept pool has and a hand-written one grows slowly and with bugs.
 * Measured on embedded Derby, 200,000 one-row reads on 8 threads: the same throughput within noise
 * (commit message of this change).
 */
final class ConnectionPool implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConnectionPool.class);

    private static final long BORROW_TIMEOUT_MILLIS = TimeUnit.SECONDS.toMillis(30);

    private final HikariDataSource pool;
    private volatile boolean closing;

    /**
     * @param name           the pool's name in logs and thread names
     * @param url            the JDBC URL
     * @param user           the database user, or null
     * @param password       the password, or null (copied by the driver configuration)
     * @param driverProps    further driver properties (TLS settings, application name)
     * @param initSql        a statement run once on every new connection (session settings), or null
     * @param maxSize        most connections at once
     * @param autoCommit     true only for Flyway's connections; the store's transactions commit explicitly
     * @throws StoreException when the first connection cannot be opened: the server must not start then
     */
    ConnectionPool(String name, String url, String user, String password, Properties driverProps, String initSql, int maxSize,
            boolean autoCommit) throws StoreException {
        if (maxSize < 1) {
            throw new IllegalArgumentException("maxSize must be at least 1");
        }
        HikariConfig c = new HikariConfig();
        c.setPoolName(name);
        c.setJdbcUrl(url);
        if (user != null) {
            c.setUsername(user);
        }
        if (password != null) {
            c.setPassword(password);
        }
        c.setDataSourceProperties(driverProps);
        c.setAutoCommit(autoCommit);
        c.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        c.setMaximumPoolSize(maxSize);
        c.setMinimumIdle(Math.min(2, maxSize));
        c.setConnectionTimeout(BORROW_TIMEOUT_MILLIS);
        c.setValidationTimeout(TimeUnit.SECONDS.toMillis(2));
        c.setIdleTimeout(TimeUnit.MINUTES.toMillis(5));
        c.setMaxLifetime(TimeUnit.MINUTES.toMillis(30));
        c.setKeepaliveTime(TimeUnit.MINUTES.toMillis(2));
        c.setInitializationFailTimeout(1); // fail now, at start-up, not at the first filing
        if (initSql != null) {
            c.setConnectionInitSql(initSql);
        }
        try {
            this.pool = new HikariDataSource(c);
        } catch (HikariPool.PoolInitializationException e) {
            throw e.getCause() instanceof SQLException sql ? SqlErrors.map(sql, "open database connection")
                    : new StoreException(Reason.UNAVAILABLE, "open database connection: failed", e);
        }
    }

    /** The pool as a {@link DataSource} (for Flyway). */
    DataSource dataSource() {
        return pool;
    }

    Connection borrow() throws StoreException {
        if (closing) {
            throw new StoreException(Reason.UNAVAILABLE, "store is closed", null);
        }
        try {
            return pool.getConnection();
        } catch (SQLException e) {
            if (closing) {
                throw new StoreException(Reason.UNAVAILABLE, "store is closed", e);
            }
            // Hikari answers a timeout with 08001 / "Connection is not available": map like any unavailable database.
            throw SqlErrors.map(e, "open database connection");
        }
    }

    /** Gives a borrowed connection back; {@code reusable} false closes it (evicted from the pool). */
    void release(Connection c, boolean reusable) {
        if (!reusable) {
            pool.evictConnection(c); // closes the physical connection
            return;
        }
        try {
            c.close(); // back to the pool; Hikari rolls back anything left uncommitted
        } catch (SQLException e) {
            log.debug("returning a database connection failed (SQLState {})", e.getSQLState());
        }
    }

    /**
     * Refuses new borrowers, waits up to {@code waitMillis} for borrowed connections to come back, then
     * closes every connection.
     */
    void close(long waitMillis) {
        closing = true;
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        var bean = pool.getHikariPoolMXBean();
        pool.getHikariConfigMXBean().setMinimumIdle(0);
        while (bean != null && bean.getActiveConnections() > 0 && System.nanoTime() < end) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (bean != null && bean.getActiveConnections() > 0) {
            log.warn("closing the store while transactions are still running");
        }
        pool.close();
    }

    /** Closes at once (a pool nobody borrows from any more). */
    @Override
    public void close() {
        close(0);
    }
}
