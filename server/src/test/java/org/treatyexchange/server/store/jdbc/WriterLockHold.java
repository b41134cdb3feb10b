package org.treatyexchange.server.store.jdbc;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.treatyexchange.server.TestDatabase;

/**
 * For race tests against a RUNNING in-process server on embedded Derby or PostgreSQL: takes the writers' lock (the
 * audit head row, which every write transaction locks first: CONCURRENCY.md) from the test's own
 * connection, so that the server's writes queue behind it (the group-commit leader waits for the lock,
 * further writes wait in its queue); says how many transactions wait for the lock; and lets them go on
 * {@link #close()} (a rollback: the test changes nothing) or, after {@link #update}, on
 * {@link #commitAndRelease()}. Nothing is timed: the test waits for a
 * number of waiting transactions, the deadline only stops a broken test.
 *
 * <p>While it is held no login completes either (the login's audit row is a write): open every
 * session first.
 */
public final class WriterLockHold implements AutoCloseable {

    private static final String WAITERS = "SELECT COUNT(*) FROM SYSCS_DIAG.LOCK_TABLE WHERE TABLENAME = 'AUDIT_HEAD' AND STATE = 'WAIT'";
    /** PostgreSQL: sessions of this database waiting for a lock (the writers' lock is the only one a test makes them wait for). */
    private static final String PG_WAITERS = "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()"
            + " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()";

    private final Connection connection;
    private final String waiters;

    private WriterLockHold(Connection connection, String waiters) {
        this.connection = connection;
        this.waiters = waiters;
    }

    /** Takes the lock of the server whose database is {@code databaseDirectory} (its home's {@code db/exchange}). */
    public static WriterLockHold take(Path databaseDirectory) throws SQLException {
        return take(DriverManager.getConnection("jdbc:derby:" + databaseDirectory.toAbsolutePath().normalize()), WAITERS);
    }

    /** Takes the lock of a server on {@code database} (Derby: its home's {@code db/exchange} is {@code derbyDirectory}). */
    public static WriterLockHold take(TestDatabase database, Path derbyDirectory) throws SQLException {
        return take(database.connect(derbyDirectory), database.kind() == TestDatabase.Kind.DERBY ? WAITERS : PG_WAITERS);
    }

    private static WriterLockHold take(Connection c, String waiters) throws SQLException {
        try {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                if (st.executeUpdate("UPDATE audit_head SET seq = seq WHERE id = 1") != 1) {
                    throw new SQLException("no audit head row");
                }
            }
            return new WriterLockHold(c, waiters);
        } catch (SQLException e) {
            c.close();
            throw e;
        }
    }

    /** How many transactions wait for the writers' lock now. */
    public int waiting() throws SQLException {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(waiters)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Returns once {@code count} transactions wait for the lock; fails after {@code deadline} (a broken test, not a measurement). */
    public void awaitWaiting(int count, Duration deadline) throws SQLException, InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (waiting() < count) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("only " + waiting() + " of " + count + " transactions came to wait for the writers' lock");
            }
            Thread.sleep(10);
        }
    }

    /**
     * Changes the data while the lock is held, as a write that commits between a waiting transaction's
     * reads ahead and its own turn would; takes effect only with {@link #commitAndRelease()}.
     */
    public void update(String sql) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.executeUpdate(sql);
        }
    }

    /** Commits what {@link #update} changed, which releases the lock. */
    public void commitAndRelease() throws SQLException {
        connection.commit();
    }

    /** Releases the lock (rollback, unless committed): the waiting transactions go on, one at a time. */
    @Override
    public void close() throws SQLException {
        try {
            connection.rollback();
        } finally {
            connection.close();
        }
    }
}
