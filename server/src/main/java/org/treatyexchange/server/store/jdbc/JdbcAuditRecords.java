package org.treatyexchange.server.store.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.treatyexchange.server.store.AuditRecords;
import org.treatyexchange.server.store.AuditRow;
import org.treatyexchange.server.store.StoreException;
import org.treatyexchange.server.store.StoreException.Reason;

/**
 * Tables {@code audit_event} and {@code audit_head}. The head is locked with a no-op UPDATE: a row
 * lock every database takes the same way and holds to the end of the transaction, so appenders on
 * every node queue behind it.
 */
final class JdbcAuditRecords implements AuditRecords {

    private static final String LOCK_HEAD = "UPDATE audit_head SET seq = seq WHERE id = 1";
    private static final String HEAD = "SELECT seq, hash FROM audit_head WHERE id = 1";
    private static final String INSERT = "INSERT INTO audit_event"
            + " (seq, occurred_at, type, actor, source, subject, outcome, details, prev_hash, hash)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    // Guarded by the expected old head so that an append without the lock cannot fork the chain.
    private static final String MOVE_HEAD =
            "UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1 AND seq = ? AND hash = ?";
    private static final String AFTER = "SELECT seq, occurred_at, type, actor, source, subject, outcome, details,"
            + " prev_hash, hash FROM audit_event WHERE seq > ? ORDER BY seq FETCH FIRST ? ROWS ONLY";

    private static final String ABOUT = "SELECT seq, occurred_at, type, actor, source, subject, outcome, details,"
            + " prev_hash, hash FROM audit_event WHERE subject = ? ORDER BY seq DESC FETCH FIRST ? ROWS ONLY";

    private static final String INSERT_CHECKPOINT = "INSERT INTO audit_checkpoint (seq, hash, signed_at, cms) VALUES (?, ?, ?, ?)";
    private static final String CHECKPOINTS_AFTER = "SELECT seq, hash, signed_at, cms FROM audit_checkpoint WHERE seq > ?"
            + " ORDER BY seq FETCH FIRST ? ROWS ONLY";
    private static final String LATEST_CHECKPOINT = "SELECT seq, hash, signed_at, cms FROM audit_checkpoint"
            + " ORDER BY seq DESC FETCH FIRST 1 ROWS ONLY";

    private final JdbcTx tx;

    JdbcAuditRecords(JdbcTx tx) {
        this.tx = tx;
    }

    @Override
    public Head lockHead() throws StoreException {
        HeldHead held = tx.heldHead();
        if (!held.locked()) {
            try (PreparedStatement ps = tx.connection().prepareStatement(LOCK_HEAD)) {
                if (ps.executeUpdate() != 1) {
                    throw new StoreException(Reason.UNAVAILABLE, "the audit head row is missing", null);
                }
            } catch (SQLException e) {
                throw SqlErrors.map(e, "lock audit head");
            }
            held.lockedNow();
        }
        Head known = held.known();
        if (known != null) {
            return known;
        }
        Head read = head();
        held.is(read);
        return read;
    }

    @Override
    public void append(AuditRow row) throws StoreException {
        Objects.requireNonNull(row, "row");
        if (!tx.heldHead().locked()) {
            throw new IllegalStateException("lockHead() must come before append()");
        }
        try (PreparedStatement insert = tx.connection().prepareStatement(INSERT);
                PreparedStatement move = tx.connection().prepareStatement(MOVE_HEAD)) {
            int i = 0;
            insert.setLong(++i, row.seq());
            Timestamps.set(insert, ++i, row.at());
            insert.setString(++i, row.type());
            insert.setString(++i, row.actor());
            insert.setString(++i, row.source());
            insert.setString(++i, row.subject());
            insert.setString(++i, row.outcome());
            insert.setString(++i, row.details());
            insert.setString(++i, row.prevHash());
            insert.setString(++i, row.hash());
            insert.executeUpdate();

            move.setLong(1, row.seq());
            move.setString(2, row.hash());
            move.setLong(3, row.seq() - 1);
            move.setString(4, row.prevHash());
            if (move.executeUpdate() != 1) {
                tx.heldHead().forget();
                throw new StoreException(Reason.UNAVAILABLE,
                        "audit event " + row.seq() + " does not follow the chain head", null);
            }
            tx.heldHead().is(new Head(row.seq(), row.hash()));
        } catch (SQLException e) {
            throw SqlErrors.map(e, "append audit event");
        }
    }

    @Override
    public List<AuditRow> about(String subject, int limit) throws StoreException {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive");
        }
        try (PreparedStatement ps = tx.connection().prepareStatement(ABOUT)) {
            ps.setString(1, subject);
            ps.setInt(2, limit);
            List<AuditRow> newestFirst = rows(ps);
            java.util.Collections.reverse(newestFirst);
            return newestFirst;
        } catch (SQLException e) {
            throw SqlErrors.map(e, "read audit events");
        }
    }

    @Override
    public List<AuditRow> after(long afterSeq, int limit) throws StoreException {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive");
        }
        try (PreparedStatement ps = tx.connection().prepareStatement(AFTER)) {
            ps.setLong(1, afterSeq);
            ps.setInt(2, limit);
            return rows(ps);
        } catch (SQLException e) {
            throw SqlErrors.map(e, "read audit events");
        }
    }

    private static List<AuditRow> rows(PreparedStatement ps) throws SQLException {
        List<AuditRow> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new AuditRow(
                        rs.getLong("seq"),
                        Timestamps.get(rs, "occurred_at"),
                        rs.getString("type"),
                        rs.getString("actor"),
                        rs.getString("source"),
                        rs.getString("subject"),
                        rs.getString("outcome"),
                        rs.getString("details"),
                        rs.getString("prev_hash"),
                        rs.getString("hash")));
            }
        }
        return out;
    }

    @Override
    public Head head() throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(HEAD);
                ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new StoreException(Reason.UNAVAILABLE, "the audit head row is missing", null);
            }
            return new Head(rs.getLong(1), rs.getString(2));
        } catch (SQLException e) {
            throw SqlErrors.map(e, "read audit head");
        }
    }

    @Override
    public void insertCheckpoint(Checkpoint c) throws StoreException {
        Objects.requireNonNull(c, "checkpoint");
        try (PreparedStatement ps = tx.connection().prepareStatement(INSERT_CHECKPOINT)) {
            ps.setLong(1, c.seq());
            ps.setString(2, c.hash());
            Timestamps.set(ps, 3, c.signedAt());
            ps.setString(4, Base64.getEncoder().encodeToString(c.cms()));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw SqlErrors.map(e, "insert audit checkpoint");
        }
    }

    @Override
    public Optional<Checkpoint> latestCheckpoint() throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(LATEST_CHECKPOINT)) {
            List<Checkpoint> found = checkpoints(ps);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        } catch (SQLException e) {
            throw SqlErrors.map(e, "read audit checkpoints");
        }
    }

    @Override
    public List<Checkpoint> checkpointsAfter(long afterSeq, int limit) throws StoreException {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive");
        }
        try (PreparedStatement ps = tx.connection().prepareStatement(CHECKPOINTS_AFTER)) {
            ps.setLong(1, afterSeq);
            ps.setInt(2, limit);
            return checkpoints(ps);
        } catch (SQLException e) {
            throw SqlErrors.map(e, "read audit checkpoints");
        }
    }

    private static List<Checkpoint> checkpoints(PreparedStatement ps) throws SQLException {
        List<Checkpoint> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Checkpoint(rs.getLong("seq"), rs.getString("hash"), Timestamps.get(rs, "signed_at"),
                        Base64.getDecoder().decode(rs.getString("cms"))));
            }
        }
        return out;
    }
}
