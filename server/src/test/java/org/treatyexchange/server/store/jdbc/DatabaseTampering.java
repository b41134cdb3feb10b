package org.treatyexchange.server.store.jdbc;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.treatyexchange.server.TestDatabase;

/**
 * For end-to-end tests: what an intruder with write access to a stopped server's database (embedded
 * Derby, or PostgreSQL) could do to the audit log. Each method opens the database, changes it with plain
 * JDBC, commits and (Derby) shuts that database down cleanly, so the server can be started on it again.
 * The methods taking a {@link Path} are Derby's; those taking a {@link TestDatabase} work on either.
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

    /** Deletes every event after {@code keepThrough} and moves the head back to it: the cut the chain alone cannot show. */
    public static void cutAuditChain(Path databaseDirectory, long keepThrough, String hashThere) throws SQLException {
        withDatabase(databaseDirectory, c -> {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM audit_event WHERE seq > ?");
                    PreparedStatement head = c.prepareStatement("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1")) {
                delete.setLong(1, keepThrough);
                if (delete.executeUpdate() == 0) {
                    throw new SQLException("nothing after " + keepThrough + " to cut");
                }
                head.setLong(1, keepThrough);
                head.setString(2, hashThere);
                expectOne(head.executeUpdate(), 1);
            }
        });
    }

    /**
     * Writes the given subjects and hashes over the stored events of the same seqs and moves the head to the
     * last: an edit with the chain recomputed after it, which the chain alone no longer shows.
     */
    public static void rewriteAuditEvents(Path databaseDirectory, java.util.List<org.treatyexchange.server.store.AuditRow> rows)
            throws SQLException {
        withDatabase(databaseDirectory, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE audit_event SET subject = ?, prev_hash = ?, hash = ? WHERE seq = ?");
                    PreparedStatement head = c.prepareStatement("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1")) {
                for (org.treatyexchange.server.store.AuditRow r : rows) {
                    ps.setString(1, r.subject());
                    ps.setString(2, r.prevHash());
                    ps.setString(3, r.hash());
                    ps.setLong(4, r.seq());
                    expectOne(ps.executeUpdate(), r.seq());
                }
                org.treatyexchange.server.store.AuditRow last = rows.get(rows.size() - 1);
                head.setLong(1, last.seq());
                head.setString(2, last.hash());
                expectOne(head.executeUpdate(), 1);
            }
        });
    }

    /** Removes every signed checkpoint kept in the database (a thorough intruder's next step). */
    public static void deleteAuditCheckpoints(Path databaseDirectory) throws SQLException {
        withDatabase(databaseDirectory, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM audit_checkpoint")) {
                if (ps.executeUpdate() == 0) {
                    throw new SQLException("no checkpoint to delete");
                }
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
        Target target = current.get();
        if (target != null) {
            try (Connection c = target.database().connect(target.derbyDirectory())) {
                c.setAutoCommit(false);
                change.apply(c);
                c.commit();
            } finally {
                if (target.database().kind() == TestDatabase.Kind.DERBY) {
                    shutdown(target.derbyDirectory());
                }
            }
            return;
        }
        try (Connection c = DriverManager.getConnection(url(databaseDirectory))) {
            c.setAutoCommit(false);
            change.apply(c);
            c.commit();
        } finally {
            shutdown(databaseDirectory);
        }
    }

    /** A database to tamper with: either kind; {@code derbyDirectory} matters for Derby only. */
    private record Target(TestDatabase database, Path derbyDirectory) {
    }

    private static final ThreadLocal<Target> current = new ThreadLocal<>();

    /** What an intruder does, as below, to {@code database} (Derby: in {@code derbyDirectory}). */
    public interface Tampering {
        void run() throws SQLException;
    }

    /**
     * Runs {@code tampering} (calls of the methods of this class, whose path argument is then ignored)
     * against {@code database}: so one test tampers with Derby and PostgreSQL alike.
     */
    public static void on(TestDatabase database, Path derbyDirectory, Tampering tampering) throws SQLException {
        current.set(new Target(database, derbyDirectory));
        try {
            tampering.run();
        } finally {
            current.remove();
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
