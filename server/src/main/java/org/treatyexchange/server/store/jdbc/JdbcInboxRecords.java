package org.treatyexchange.server.store.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.treatyexchange.server.store.InboxRecords;
import org.treatyexchange.server.store.StoreException;

/** Tables {@code inbox_entry} and {@code inbox_counter}. */
final class JdbcInboxRecords implements InboxRecords {

    private static final String BUMP = "UPDATE inbox_counter SET seq = seq + 1 WHERE id = 1";
    private static final String READ_COUNTER = "SELECT seq FROM inbox_counter WHERE id = 1";
    private static final String INSERT = "INSERT INTO inbox_entry (seq, state_code, kind, item_id, title, created_at, item_blob_id,"
            + " item_size, acknowledged_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String COLUMNS = "SELECT seq, state_code, kind, item_id, title, created_at, item_blob_id, item_size,"
            + " acknowledged_at FROM inbox_entry";
    /**
     * A distribution item disappears with its filing: once the filing is withdrawn no State sees the
     * item any more (it stays in the table; the secretariat keeps the record).
     */
    private static final String VISIBLE = " AND NOT EXISTS (SELECT 1 FROM filing f WHERE f.status = 'withdrawn'"
            + " AND inbox_entry.kind = 'distribution' AND inbox_entry.item_id = 'dist-' || f.id)";
    private static final String LIST_OPEN = COLUMNS
            + " WHERE state_code = ? AND seq > ? AND acknowledged_at IS NULL" + VISIBLE + " ORDER BY seq FETCH FIRST ? ROWS ONLY";
    private static final String LIST_ALL = COLUMNS + " WHERE state_code = ? AND seq > ?" + VISIBLE + " ORDER BY seq FETCH FIRST ? ROWS ONLY";
    private static final String GET = COLUMNS + " WHERE state_code = ? AND seq = ?" + VISIBLE;
    private static final String BY_ITEM = COLUMNS + " WHERE state_code = ? AND item_id = ?";
    private static final String ACK = "UPDATE inbox_entry SET acknowledged_at = ? WHERE state_code = ? AND seq = ? AND acknowledged_at IS NULL";

    private final JdbcTx tx;

    JdbcInboxRecords(JdbcTx tx) {
        this.tx = tx;
    }

    @Override
    public long nextSeq() throws StoreException {
        try (PreparedStatement bump = tx.connection().prepareStatement(BUMP);
                PreparedStatement read = tx.connection().prepareStatement(READ_COUNTER)) {
            bump.executeUpdate();
            try (ResultSet rs = read.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw SqlErrors.map(e, "take inbox seq");
        }
    }

    @Override
    public void insert(InboxEntry e) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(INSERT)) {
            ps.setLong(1, e.seq());
            ps.setString(2, e.state());
            ps.setString(3, e.kind());
            ps.setString(4, e.itemId());
            ps.setString(5, e.title().length() > 1024 ? e.title().substring(0, 1023) + "…" : e.title());
            Timestamps.set(ps, 6, e.createdAt());
            ps.setString(7, e.itemBlobId());
            ps.setLong(8, e.itemSize());
            if (e.acknowledgedAt() == null) {
                ps.setNull(9, java.sql.Types.TIMESTAMP);
            } else {
                Timestamps.set(ps, 9, e.acknowledgedAt());
            }
            ps.executeUpdate();
        } catch (SQLException ex) {
            if (SqlErrors.UNIQUE_VIOLATION.equals(ex.getSQLState())) {
                throw new StoreException(StoreException.Reason.DUPLICATE, "inbox item already queued for this State", ex);
            }
            throw SqlErrors.map(ex, "insert inbox entry");
        }
    }

    @Override
    public List<InboxEntry> list(String state, long after, int limit, boolean all) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(all ? LIST_ALL : LIST_OPEN)) {
            ps.setString(1, state);
            ps.setLong(2, after);
            ps.setInt(3, limit);
            List<InboxEntry> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw SqlErrors.map(e, "list inbox");
        }
    }

    @Override
    public Optional<InboxEntry> get(String state, long seq) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(GET)) {
            ps.setString(1, state);
            ps.setLong(2, seq);
            return one(ps);
        } catch (SQLException e) {
            throw SqlErrors.map(e, "read inbox entry");
        }
    }

    @Override
    public Optional<InboxEntry> byItemId(String state, String itemId) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(BY_ITEM)) {
            ps.setString(1, state);
            ps.setString(2, itemId);
            return one(ps);
        } catch (SQLException e) {
            throw SqlErrors.map(e, "read inbox entry");
        }
    }

    @Override
    public boolean acknowledge(String state, long seq, Instant at) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(ACK)) {
            Timestamps.set(ps, 1, at);
            ps.setString(2, state);
            ps.setLong(3, seq);
            if (ps.executeUpdate() == 1) {
                return true;
            }
        } catch (SQLException e) {
            throw SqlErrors.map(e, "acknowledge inbox entry");
        }
        return get(state, seq).isPresent(); // already acknowledged counts as done
    }

    private static Optional<InboxEntry> one(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(read(rs)) : Optional.empty();
        }
    }

    private static InboxEntry read(ResultSet rs) throws SQLException {
        return new InboxEntry(rs.getLong("seq"), rs.getString("state_code"), rs.getString("kind"), rs.getString("item_id"),
                rs.getString("title"), Timestamps.get(rs, "created_at"), rs.getString("item_blob_id"), rs.getLong("item_size"),
                Timestamps.get(rs, "acknowledged_at"));
    }
}
