package org.treatyexchange.server.store.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.treatyexchange.server.store.DelegationRecords;
import org.treatyexchange.server.store.StoreException;

/** Tables {@code delegated_change} and {@code enrolment_invitation} (V18). */
final class JdbcDelegationRecords implements DelegationRecords {

    private static final String COLUMNS = "id, state_code, requested_by, action, target, summary, payload, status, decided_by, reason,"
            + " requested_at, decided_at, undone_by, undone_at";
    private static final String INSERT = "INSERT INTO delegated_change (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String BY_ID = "SELECT " + COLUMNS + " FROM delegated_change WHERE id = ?";
    private static final String OF_STATE = "SELECT " + COLUMNS + " FROM delegated_change WHERE state_code = ? ORDER BY requested_at DESC, id";
    private static final String APPLIED_OR_UNDONE = "SELECT " + COLUMNS + " FROM delegated_change WHERE state_code = ? AND target = ?"
            + " AND status IN ('applied', 'undone') ORDER BY requested_at DESC, id";
    private static final String WITH_STATUS = "SELECT " + COLUMNS + " FROM delegated_change WHERE status = ? ORDER BY requested_at, id";
    private static final String NEWEST = "SELECT " + COLUMNS + " FROM delegated_change ORDER BY requested_at DESC, id";
    private static final String DECIDE = "UPDATE delegated_change SET status = ?, decided_by = ?, reason = ?, decided_at = ?"
            + " WHERE id = ? AND status = ?";
    private static final String UNDO = "UPDATE delegated_change SET status = 'undone', undone_by = ?, undone_at = ?"
            + " WHERE id = ? AND status = 'applied'";
    private static final String LAST_LOGIN = "SELECT MAX(occurred_at) AS last_at FROM audit_event WHERE actor = ? AND type = 'auth.success'";
    private static final String INVITATION_COLUMNS = "token_hash, account, state_code, change_id, created_by, created_at, expires_at, used_at";
    private static final String INSERT_INVITATION = "INSERT INTO enrolment_invitation (" + INVITATION_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INVITATION = "SELECT " + INVITATION_COLUMNS + " FROM enrolment_invitation WHERE token_hash = ?";
    private static final String USE = "UPDATE enrolment_invitation SET used_at = ? WHERE token_hash = ? AND used_at IS NULL";
    private static final String CANCEL = "UPDATE enrolment_invitation SET used_at = ? WHERE account = ? AND used_at IS NULL";

    private final JdbcTx tx;

    JdbcDelegationRecords(JdbcTx tx) {
        this.tx = tx;
    }

    @Override
    public void insert(Change c) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(INSERT)) {
            ps.setString(1, c.id());
            ps.setString(2, c.stateCode());
            ps.setString(3, c.requestedBy());
            ps.setString(4, c.action());
            ps.setString(5, c.target());
            ps.setString(6, c.summary());
            ps.setString(7, c.payload());
            ps.setString(8, c.status());
            ps.setString(9, c.decidedBy());
            ps.setString(10, c.reason());
            Timestamps.set(ps, 11, c.requestedAt());
            setNullable(ps, 12, c.decidedAt());
            ps.setString(13, c.undoneBy());
            setNullable(ps, 14, c.undoneAt());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw SqlErrors.map(e, "store delegated change");
        }
    }

    @Override
    public Optional<Change> change(String id) throws StoreException {
        List<Change> found = query(BY_ID, 1, id);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    @Override
    public List<Change> ofState(String stateCode, int limit) throws StoreException {
        return query(OF_STATE, limit, stateCode);
    }

    @Override
    public List<Change> appliedOrUndone(String stateCode, String account, int limit) throws StoreException {
        return query(APPLIED_OR_UNDONE, limit, stateCode, account);
    }

    @Override
    public List<Change> withStatus(String status, int limit) throws StoreException {
        return query(WITH_STATUS, limit, status);
    }

    @Override
    public List<Change> newest(int limit) throws StoreException {
        return query(NEWEST, limit);
    }

    @Override
    public boolean decide(String id, String from, String to, String by, String reason, Instant at) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(DECIDE)) {
            ps.setString(1, to);
            ps.setString(2, by);
            ps.setString(3, reason);
            Timestamps.set(ps, 4, at);
            ps.setString(5, id);
            ps.setString(6, from);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw SqlErrors.map(e, "decide delegated change");
        }
    }

    @Override
    public boolean undo(String id, String by, Instant at) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(UNDO)) {
            ps.setString(1, by);
            Timestamps.set(ps, 2, at);
            ps.setString(3, id);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw SqlErrors.map(e, "undo delegated change");
        }
    }

    @Override
    public Optional<Instant> lastLogin(String account) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(LAST_LOGIN)) {
            ps.setString(1, account);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(Timestamps.get(rs, "last_at")) : Optional.empty();
            }
        } catch (SQLException e) {
            throw SqlErrors.map(e, "read last login");
        }
    }

    @Override
    public void insertInvitation(Invitation i) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(INSERT_INVITATION)) {
            ps.setString(1, i.tokenHash());
            ps.setString(2, i.account());
            ps.setString(3, i.stateCode());
            ps.setString(4, i.changeId());
            ps.setString(5, i.createdBy());
            Timestamps.set(ps, 6, i.createdAt());
            Timestamps.set(ps, 7, i.expiresAt());
            setNullable(ps, 8, i.usedAt());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw SqlErrors.map(e, "store enrolment invitation");
        }
    }

    @Override
    public Optional<Invitation> invitation(String tokenHash) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(INVITATION)) {
            ps.setString(1, tokenHash);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Invitation(rs.getString("token_hash"), rs.getString("account"), rs.getString("state_code"),
                        rs.getString("change_id"), rs.getString("created_by"), Timestamps.get(rs, "created_at"),
                        Timestamps.get(rs, "expires_at"), Timestamps.get(rs, "used_at")));
            }
        } catch (SQLException e) {
            throw SqlErrors.map(e, "read enrolment invitation");
        }
    }

    @Override
    public boolean useInvitation(String tokenHash, Instant at) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(USE)) {
            Timestamps.set(ps, 1, at);
            ps.setString(2, tokenHash);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw SqlErrors.map(e, "use enrolment invitation");
        }
    }

    @Override
    public int cancelInvitations(String account, Instant at) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(CANCEL)) {
            Timestamps.set(ps, 1, at);
            ps.setString(2, account);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw SqlErrors.map(e, "cancel enrolment invitations");
        }
    }

    private List<Change> query(String sql, int limit, String... args) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            ps.setMaxRows(limit);
            List<Change> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next() && out.size() < limit) {
                    out.add(new Change(rs.getString("id"), rs.getString("state_code"), rs.getString("requested_by"), rs.getString("action"),
                            rs.getString("target"), rs.getString("summary"), rs.getString("payload"), rs.getString("status"),
                            rs.getString("decided_by"), rs.getString("reason"), Timestamps.get(rs, "requested_at"),
                            Timestamps.get(rs, "decided_at"), rs.getString("undone_by"), Timestamps.get(rs, "undone_at")));
                }
            }
            return out;
        } catch (SQLException e) {
            throw SqlErrors.map(e, "read delegated changes");
        }
    }

    private static void setNullable(PreparedStatement ps, int index, Instant at) throws SQLException {
        if (at == null) {
            ps.setNull(index, java.sql.Types.TIMESTAMP);
        } else {
            Timestamps.set(ps, index, at);
        }
    }
}
