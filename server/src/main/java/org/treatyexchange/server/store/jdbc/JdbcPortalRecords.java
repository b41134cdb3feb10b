package org.treatyexchange.server.store.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.treatyexchange.server.store.PortalRecords;
import org.treatyexchange.server.store.StoreException;

/** Tables {@code portal_session} and {@code person_totp}; sealed secrets are base64 text. */
final class JdbcPortalRecords implements PortalRecords {

    private static final String INSERT_SESSION = "INSERT INTO portal_session (id_hash, account, stage, credential, source, created_at,"
            + " last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)";
    private static final String SESSION = "SELECT id_hash, account, stage, credential, source, created_at, last_seen_at"
            + " FROM portal_session WHERE id_hash = ?";
    private static final String TOUCH = "UPDATE portal_session SET last_seen_at = ? WHERE id_hash = ?";
    private static final String DELETE_SESSION = "DELETE FROM portal_session WHERE id_hash = ?";
    private static final String DELETE_EXPIRED = "DELETE FROM portal_session WHERE last_seen_at < ? OR created_at < ?";
    private static final String TOTP = "SELECT account, master_key_id, sealed_secret, confirmed, last_step, changed_at FROM person_totp"
            + " WHERE account = ?";
    private static final String DELETE_TOTP = "DELETE FROM person_totp WHERE account = ?";
    private static final String INSERT_TOTP = "INSERT INTO person_totp (account, master_key_id, sealed_secret, confirmed, last_step,"
            + " changed_at) VALUES (?, ?, ?, ?, ?, ?)";
    private static final String USE_STEP = "UPDATE person_totp SET last_step = ?, confirmed = ?, changed_at = ?"
            + " WHERE account = ? AND last_step < ?";

    private final JdbcTx tx;

    JdbcPortalRecords(JdbcTx tx) {
        this.tx = tx;
    }

    @Override
    public void insertSession(Session s) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(INSERT_SESSION)) {
            ps.setString(1, s.idHash());
            ps.setString(2, s.account());
            ps.setString(3, s.stage());
            ps.setString(4, s.credential());
            ps.setString(5, s.source());
            Timestamps.set(ps, 6, s.createdAt());
            Timestamps.set(ps, 7, s.lastSeenAt());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw SqlErrors.map(e, "store portal session");
        }
    }

    @Override
    public Optional<Session> session(String idHash) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(SESSION)) {
            ps.setString(1, idHash);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Session(rs.getString("id_hash"), rs.getString("account"), rs.getString("stage"),
                        rs.getString("credential"), rs.getString("source"), Timestamps.get(rs, "created_at"),
                        Timestamps.get(rs, "last_seen_at")));
            }
        } catch (SQLException e) {
            throw SqlErrors.map(e, "read portal session");
        }
    }

    @Override
    public void touchSession(String idHash, Instant at) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(TOUCH)) {
            Timestamps.set(ps, 1, at);
            ps.setString(2, idHash);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw SqlErrors.map(e, "touch portal session");
        }
    }

    @Override
    public boolean deleteSession(String idHash) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(DELETE_SESSION)) {
            ps.setString(1, idHash);
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw SqlErrors.map(e, "delete portal session");
        }
    }

    @Override
    public int deleteExpiredSessions(Instant idleBefore, Instant createdBefore) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(DELETE_EXPIRED)) {
            Timestamps.set(ps, 1, idleBefore);
            Timestamps.set(ps, 2, createdBefore);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw SqlErrors.map(e, "delete expired portal sessions");
        }
    }

    @Override
    public Optional<TotpSecret> totp(String account) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(TOTP)) {
            ps.setString(1, account);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new TotpSecret(rs.getString("account"), rs.getString("master_key_id"),
                        Base64.getDecoder().decode(rs.getString("sealed_secret")), rs.getBoolean("confirmed"), rs.getLong("last_step"),
                        Timestamps.get(rs, "changed_at")));
            }
        } catch (SQLException e) {
            throw SqlErrors.map(e, "read TOTP secret");
        }
    }

    @Override
    public void putTotp(TotpSecret t) throws StoreException {
        // Delete then insert rather than MERGE/ON CONFLICT: the same SQL on Derby and PostgreSQL.
        try (PreparedStatement delete = tx.connection().prepareStatement(DELETE_TOTP);
                PreparedStatement insert = tx.connection().prepareStatement(INSERT_TOTP)) {
            delete.setString(1, t.account());
            delete.executeUpdate();
            insert.setString(1, t.account());
            insert.setString(2, t.masterKeyId());
            insert.setString(3, Base64.getEncoder().encodeToString(t.sealedSecret()));
            insert.setBoolean(4, t.confirmed());
            insert.setLong(5, t.lastStep());
            Timestamps.set(insert, 6, t.changedAt());
            insert.executeUpdate();
        } catch (SQLException e) {
            throw SqlErrors.map(e, "store TOTP secret");
        }
    }

    @Override
    public boolean useStep(String account, long step, Instant at) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(USE_STEP)) {
            ps.setLong(1, step);
            ps.setBoolean(2, true);
            Timestamps.set(ps, 3, at);
            ps.setString(4, account);
            ps.setLong(5, step);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw SqlErrors.map(e, "use TOTP step");
        }
    }
}
