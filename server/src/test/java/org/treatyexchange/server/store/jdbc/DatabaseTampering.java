package org.treatyexchange.server.store.jdbc;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * For end-to-end tests: what an intruder with write access to a stopped server's embedded Derby
 * database could do to the audit log. Each method opens the database, changes it with plain JDBC,
 * commits and shuts that database down cleanly, so the server can be started on it again.
 */
public final class DatabaseTampering {

    private static final String AUDIT_COLUMNS =
            "occurred_at, type, actor, source, subject, outcome, details, prev_hash, hash";

    private DatabaseTampering() {
    }

    /** Rewrites one event's subject, leaving its hash as it was. */
    public static void editAuditSubject(Path databaseDirectory, long seq, String newSubject) throws SQLException {
        withDatabase(databaseDirectory, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE audit_event SET subject = ? WHERE seq = ?")) {
                ps.setString(1, newSubject);
                ps.setLong(2, seq);
                expectOne(ps.executeUpdate(), seq);
            }
        });
    }

    /** Removes one event (the head is left as it was). */
    public static void deleteAuditEvent(Path databaseDirectory, long seq) throws SQLException {
        withDatabase(databaseDirectory, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM audit_event WHERE seq = ?")) {
                ps.setLong(1, seq);
                expectOne(ps.executeUpdate(), seq);
            }
        });
    }

    /** Swaps the entire contents (hashes included) of two events; their seqs stay in place. */
    public static void swapAuditEvents(Path databaseDirectory, long a, long b) throws SQLException {
        withDatabase(databaseDirectory, c -> {
            Object[] rowA = readRow(c, a);
            Object[] rowB = readRow(c, b);
            writeRow(c, a, rowB);
            writeRow(c, b, rowA);
        });
    }

    /** Points the chain head somewhere else (e.g. to hide events appended after {@code seq}). */
    public static void setAuditHead(Path databaseDirectory, long seq, String hash) throws SQLException {
        withDatabase(databaseDirectory, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1")) {
                ps.setLong(1, seq);
                ps.setString(2, hash);
                expectOne(ps.executeUpdate(), 1);
            }
        });
    }

    /** Shuts the embedded database down (a clean shutdown is Derby's SQLState 08006). */
    public static void shutdown(Path databaseDirectory) throws SQLException {
        try {
            DriverManager.getConnection(url(databaseDirectory) + ";shutdown=true").close();
        } catch (SQLException e) {
            if (!"08006".equals(e.getSQLState())) {
                throw e;
            }
        }
    }

    private interface Change {
        void apply(Connection c) throws SQLException;
    }

    private static void withDatabase(Path databaseDirectory, Change change) throws SQLException {
        try (Connection c = DriverManager.getConnection(url(databaseDirectory))) {
            c.setAutoCommit(false);
            change.apply(c);
            c.commit();
        } finally {
            shutdown(databaseDirectory);
        }
    }

    private static String url(Path databaseDirectory) {
        return "jdbc:derby:" + databaseDirectory.toAbsolutePath().normalize();
    }

    private static Object[] readRow(Connection c, long seq) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + AUDIT_COLUMNS + " FROM audit_event WHERE seq = ?")) {
            ps.setLong(1, seq);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("no audit event " + seq);
                }
                Object[] row = new Object[9];
                for (int i = 0; i < row.length; i++) {
                    row[i] = rs.getObject(i + 1);
                }
                return row;
            }
        }
    }

    private static void writeRow(Connection c, long seq, Object[] row) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE audit_event SET occurred_at = ?, type = ?, actor = ?,"
                + " source = ?, subject = ?, outcome = ?, details = ?, prev_hash = ?, hash = ? WHERE seq = ?")) {
            for (int i = 0; i < row.length; i++) {
                ps.setObject(i + 1, row[i]);
            }
            ps.setLong(10, seq);
            expectOne(ps.executeUpdate(), seq);
        }
    }

    private static void expectOne(int updated, long seq) throws SQLException {
        if (updated != 1) {
            throw new SQLException("no row for " + seq);
        }
    }
}
