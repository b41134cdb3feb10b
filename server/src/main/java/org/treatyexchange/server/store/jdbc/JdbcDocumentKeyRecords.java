package org.treatyexchange.server.store.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.treatyexchange.server.store.DocumentKeyRecords;
import org.treatyexchange.server.store.StoreException;
import org.treatyexchange.server.store.StoreException.Reason;

/** Table {@code document_key}; wrapped keys are base64 text. */
final class JdbcDocumentKeyRecords implements DocumentKeyRecords {

    /** Base64 characters that fit the column (1536 bytes: room for an RSA-4096 or KEM wrapping). */
    static final int MAX_WRAPPED_BASE64 = 2048;

    private static final String INSERT =
            "INSERT INTO document_key (blob_id, master_key_id, wrapped_key) VALUES (?, ?, ?)";
    private static final String BY_BLOB =
            "SELECT blob_id, master_key_id, wrapped_key FROM document_key WHERE blob_id = ?";
    private static final String NOT_WRAPPED_BY = "SELECT blob_id, master_key_id, wrapped_key FROM document_key"
            + " WHERE master_key_id <> ? ORDER BY blob_id FETCH FIRST ? ROWS ONLY";
    private static final String REWRAP =
            "UPDATE document_key SET master_key_id = ?, wrapped_key = ? WHERE blob_id = ?";
    private static final String ALL_IDS = "SELECT blob_id FROM document_key ORDER BY blob_id";

    private final JdbcTx tx;

    JdbcDocumentKeyRecords(JdbcTx tx) {
        this.tx = tx;
    }

    @Override
    public void insert(DocumentKey key) throws StoreException {
        Objects.requireNonNull(key, "key");
        try (PreparedStatement ps = tx.connection().prepareStatement(INSERT)) {
            ps.setString(1, Objects.requireNonNull(key.blobId(), "blobId"));
            ps.setString(2, Objects.requireNonNull(key.masterKeyId(), "masterKeyId"));
            ps.setString(3, encode(key.wrappedKey()));
            ps.executeUpdate();
        } catch (SQLException e) {
            if (SqlErrors.UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw new StoreException(Reason.DUPLICATE, "blob " + key.blobId() + " already has a data key", e);
            }
            throw SqlErrors.map(e, "insert document key");
        }
    }

    @Override
    public Optional<DocumentKey> byBlobId(String blobId) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(BY_BLOB)) {
            ps.setString(1, Objects.requireNonNull(blobId, "blobId"));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw SqlErrors.map(e, "read document key");
        }
    }

    @Override
    public List<DocumentKey> notWrappedBy(String masterKeyId, int limit) throws StoreException {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive");
        }
        try (PreparedStatement ps = tx.connection().prepareStatement(NOT_WRAPPED_BY)) {
            ps.setString(1, Objects.requireNonNull(masterKeyId, "masterKeyId"));
            ps.setInt(2, limit);
            List<DocumentKey> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw SqlErrors.map(e, "list document keys to rewrap");
        }
    }

    @Override
    public void rewrap(DocumentKey key) throws StoreException {
        Objects.requireNonNull(key, "key");
        try (PreparedStatement ps = tx.connection().prepareStatement(REWRAP)) {
            ps.setString(1, Objects.requireNonNull(key.masterKeyId(), "masterKeyId"));
            ps.setString(2, encode(key.wrappedKey()));
            ps.setString(3, Objects.requireNonNull(key.blobId(), "blobId"));
            if (ps.executeUpdate() != 1) {
                throw new StoreException(Reason.UNAVAILABLE, "no data key for blob " + key.blobId(), null);
            }
        } catch (SQLException e) {
            throw SqlErrors.map(e, "rewrap document key");
        }
    }

    @Override
    public List<String> allBlobIds() throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(ALL_IDS);
                ResultSet rs = ps.executeQuery()) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        } catch (SQLException e) {
            throw SqlErrors.map(e, "list document keys");
        }
    }

    private static DocumentKey read(ResultSet rs) throws SQLException {
        return new DocumentKey(rs.getString(1), rs.getString(2), Base64.getDecoder().decode(rs.getString(3)));
    }

    private static String encode(byte[] wrapped) {
        String s = Base64.getEncoder().encodeToString(Objects.requireNonNull(wrapped, "wrappedKey"));
        if (s.length() > MAX_WRAPPED_BASE64) {
            throw new IllegalArgumentException("wrapped key too large: " + wrapped.length + " bytes");
        }
        return s;
    }
}
