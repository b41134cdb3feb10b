package org.treatyexchange.server.store.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.treatyexchange.server.store.RefusalNoticeRecords;
import org.treatyexchange.server.store.StoreException;

/** Table {@code refusal_notice}. */
final class JdbcRefusalNoticeRecords implements RefusalNoticeRecords {

    private static final String COLUMNS = "state_code, file_name, account, channel, target, reason_code, message, bytes_received,"
            + " refused_at, expires_at";
    private static final String INSERT = "INSERT INTO refusal_notice (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String OF_STATE = "SELECT " + COLUMNS + " FROM refusal_notice WHERE state_code = ? AND expires_at > ?"
            + " ORDER BY refused_at, file_name";
    private static final String FIND = "SELECT " + COLUMNS + " FROM refusal_notice WHERE state_code = ? AND file_name = ?"
            + " AND expires_at > ?";
    private static final String DELETE_EXPIRED = "DELETE FROM refusal_notice WHERE expires_at <= ?";

    private final JdbcTx tx;

    JdbcRefusalNoticeRecords(JdbcTx tx) {
        this.tx = tx;
    }

    @Override
    public void insert(Notice n) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(INSERT)) {
            ps.setString(1, n.state());
            ps.setString(2, n.fileName());
            ps.setString(3, n.account());
            ps.setString(4, n.channel());
            ps.setString(5, n.target());
            ps.setString(6, n.reason());
            ps.setString(7, n.message());
            ps.setLong(8, n.bytesReceived());
            Timestamps.set(ps, 9, n.refusedAt());
            Timestamps.set(ps, 10, n.expiresAt());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw SqlErrors.map(e, "store refusal notice");
        }
    }

    @Override
    public List<Notice> ofState(String state, Instant now) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(OF_STATE)) {
            ps.setString(1, state);
            Timestamps.set(ps, 2, now);
            List<Notice> all = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    all.add(notice(rs));
                }
            }
            return all;
        } catch (SQLException e) {
            throw SqlErrors.map(e, "list refusal notices");
        }
    }

    @Override
    public Optional<Notice> find(String state, String fileName, Instant now) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(FIND)) {
            ps.setString(1, state);
            ps.setString(2, fileName);
            Timestamps.set(ps, 3, now);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(notice(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw SqlErrors.map(e, "read refusal notice");
        }
    }

    @Override
    public int removeExpired(Instant now) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(DELETE_EXPIRED)) {
            Timestamps.set(ps, 1, now);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw SqlErrors.map(e, "purge refusal notices");
        }
    }

    private static Notice notice(ResultSet rs) throws SQLException {
        return new Notice(rs.getString("state_code"), rs.getString("file_name"), rs.getString("account"), rs.getString("channel"),
                rs.getString("target"), rs.getString("reason_code"), rs.getString("message"), rs.getLong("bytes_received"),
                Timestamps.get(rs, "refused_at"), Timestamps.get(rs, "expires_at"));
    }
}
