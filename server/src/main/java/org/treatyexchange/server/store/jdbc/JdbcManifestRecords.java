package org.treatyexchange.server.store.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import org.treatyexchange.server.store.ManifestRecords;
import org.treatyexchange.server.store.StoreException;

/** Table {@code pending_manifest}. */
final class JdbcManifestRecords implements ManifestRecords {

    private static final String KEY = " WHERE state_code = ? AND report_type = ? AND confidentiality = ? AND file_name = ?";
    private static final String DELETE = "DELETE FROM pending_manifest" + KEY;
    private static final String DELETE_ONE = DELETE + " AND received_at = ?";
    private static final String INSERT = "INSERT INTO pending_manifest (state_code, report_type, confidentiality, file_name, account,"
            + " manifest, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)";
    private static final String FIND = "SELECT account, manifest, received_at FROM pending_manifest" + KEY;
    private static final String DELETE_OLD = "DELETE FROM pending_manifest WHERE received_at < ?";

    private final JdbcTx tx;

    JdbcManifestRecords(JdbcTx tx) {
        this.tx = tx;
    }

    @Override
    public void put(Waiting m) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(DELETE)) {
            bind(ps, m.slot());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw SqlErrors.map(e, "replace manifest");
        }
        try (PreparedStatement ps = tx.connection().prepareStatement(INSERT)) {
            bind(ps, m.slot());
            ps.setString(5, m.account());
            ps.setString(6, m.json());
            Timestamps.set(ps, 7, m.receivedAt());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw SqlErrors.map(e, "store manifest");
        }
    }

    @Override
    public Optional<Waiting> find(Slot slot) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(FIND)) {
            bind(ps, slot);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Waiting(slot, rs.getString(1), rs.getString(2), Timestamps.get(rs, "received_at")))
                        : Optional.empty();
            }
        } catch (SQLException e) {
            throw SqlErrors.map(e, "read manifest");
        }
    }

    @Override
    public boolean remove(Waiting manifest) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(DELETE_ONE)) {
            bind(ps, manifest.slot());
            Timestamps.set(ps, 5, manifest.receivedAt());
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw SqlErrors.map(e, "remove manifest");
        }
    }

    @Override
    public int removeOlderThan(Instant cutoff) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(DELETE_OLD)) {
            Timestamps.set(ps, 1, cutoff);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw SqlErrors.map(e, "expire manifests");
        }
    }

    private static void bind(PreparedStatement ps, Slot slot) throws SQLException {
        ps.setString(1, slot.state());
        ps.setString(2, slot.reportType());
        ps.setString(3, slot.level());
        ps.setString(4, slot.fileName());
    }
}
