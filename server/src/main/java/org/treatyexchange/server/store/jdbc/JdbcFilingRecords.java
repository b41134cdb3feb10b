package org.treatyexchange.server.store.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;
import org.treatyexchange.server.store.FilingQuery;
import org.treatyexchange.server.store.FilingRecord;
import org.treatyexchange.server.store.FilingRecords;
import org.treatyexchange.server.store.StoreException;
import org.treatyexchange.server.store.StoreException.Reason;

/** Tables {@code filing} and {@code receipt}. Levels are stored by wire name, named States as a comma list. */
final class JdbcFilingRecords implements FilingRecords {

    /** Base64 characters that fit the receipt column (24000 bytes of DER). */
    static final int MAX_RECEIPT_BASE64 = 32_000;

    private static final String COLUMNS = "id, state_code, account, key_fingerprint, channel, file_name, report_type,"
            + " reporting_period, confidentiality, named_states, withheld, supersedes, size_bytes, sha256, blob_id,"
            + " received_at, status, title";

    private static final String INSERT = "INSERT INTO filing (" + COLUMNS + ")"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String BY_ID = "SELECT " + COLUMNS + " FROM filing WHERE id = ?";
    private static final String LATEST_BY_NAME = "SELECT " + COLUMNS + " FROM filing"
            + " WHERE state_code = ? AND report_type = ? AND confidentiality = ? AND file_name = ?"
            + " ORDER BY id DESC FETCH FIRST 1 ROWS ONLY";
    private static final String CURRENT_BY_NAME = "SELECT " + COLUMNS + " FROM filing f"
            + " WHERE state_code = ? AND report_type = ? AND confidentiality = ? AND file_name = ?"
            + " AND NOT EXISTS (SELECT 1 FROM filing s WHERE s.supersedes = f.id)"
            + " ORDER BY id DESC FETCH FIRST 1 ROWS ONLY";
    private static final String TOTAL_BYTES = "SELECT bytes_used FROM account_usage WHERE account = ?";
    private static final String ADD_USAGE = "UPDATE account_usage SET bytes_used = bytes_used + ? WHERE account = ?";
    private static final String ADD_USAGE_WITHIN = "UPDATE account_usage SET bytes_used = bytes_used + ? WHERE account = ?"
            + " AND bytes_used <= ?";
    private static final String FIRST_USAGE = "INSERT INTO account_usage (account, bytes_used) VALUES (?, ?)";
    private static final String INSERT_RECEIPT = "INSERT INTO receipt (filing_id, cms) VALUES (?, ?)";
    private static final String RECEIPT = "SELECT cms FROM receipt WHERE filing_id = ?";

    private final JdbcTx tx;

    JdbcFilingRecords(JdbcTx tx) {
        this.tx = tx;
    }

    @Override
    public void insert(FilingRecord f) throws StoreException {
        Objects.requireNonNull(f, "filing");
        insertRow(f);
        try {
            addUsage(f.account(), f.size());
        } catch (SQLException e) {
            throw SqlErrors.map(e, "count the filing against its account");
        }
    }

    @Override
    public boolean insertWithinQuota(FilingRecord f, long quota) throws StoreException {
        Objects.requireNonNull(f, "filing");
        try (PreparedStatement add = tx.connection().prepareStatement(ADD_USAGE_WITHIN)) {
            add.setLong(1, f.size());
            add.setString(2, f.account());
            add.setLong(3, quota - f.size());
            if (add.executeUpdate() != 1) {
                // no row yet (the account's first filing), or the quota would be exceeded
                if (f.size() > quota || usageRowExists(f.account())) {
                    return false;
                }
                try (PreparedStatement first = tx.connection().prepareStatement(FIRST_USAGE)) {
                    first.setString(1, f.account());
                    first.setLong(2, f.size());
                    first.executeUpdate();
                }
            }
        } catch (SQLException e) {
            throw SqlErrors.map(e, "count the filing against its account");
        }
        insertRow(f);
        return true;
    }

    private boolean usageRowExists(String account) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement(TOTAL_BYTES)) {
            ps.setString(1, account);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private void insertRow(FilingRecord f) throws StoreException {
        String named = joinNamedStates(f.namedStates());
        try (PreparedStatement ps = tx.connection().prepareStatement(INSERT)) {
            int i = 0;
            ps.setString(++i, f.id());
            ps.setString(++i, f.state());
            ps.setString(++i, f.account());
            setNullable(ps, ++i, f.keyFingerprint());
            ps.setString(++i, f.channel());
            ps.setString(++i, f.fileName());
            ps.setString(++i, f.reportType());
            setNullable(ps, ++i, f.period());
            ps.setString(++i, f.level().wireName());
            ps.setString(++i, named);
            ps.setBoolean(++i, f.withheld());
            setNullable(ps, ++i, f.supersedes());
            ps.setLong(++i, f.size());
            ps.setString(++i, f.sha256());
            ps.setString(++i, f.blobId());
            Timestamps.set(ps, ++i, f.receivedAt());
            ps.setString(++i, f.status());
            setNullable(ps, ++i, f.title());
            ps.executeUpdate();
        } catch (SQLException e) {
            if (SqlErrors.UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw new StoreException(Reason.DUPLICATE, "filing " + f.id() + " already exists", e);
            }
            throw SqlErrors.map(e, "insert filing");
        }
    }

    @Override
    public Optional<FilingRecord> byId(String id) throws StoreException {
        Objects.requireNonNull(id, "id");
        try (PreparedStatement ps = tx.connection().prepareStatement(BY_ID)) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw SqlErrors.map(e, "read filing");
        }
    }

    @Override
    public List<FilingRecord> list(FilingQuery query) throws StoreException {
        Objects.requireNonNull(query, "query");
        // Only fixed column names are appended; every value is a parameter.
        StringBuilder sql = new StringBuilder("SELECT ").append(COLUMNS).append(" FROM filing");
        List<String> values = new ArrayList<>();
        String glue = " WHERE ";
        if (query.state() != null) {
            sql.append(glue).append("state_code = ?");
            values.add(query.state());
            glue = " AND ";
        }
        if (query.account() != null) {
            sql.append(glue).append("account = ?");
            values.add(query.account());
            glue = " AND ";
        }
        if (query.reportType() != null) {
            sql.append(glue).append("report_type = ?");
            values.add(query.reportType());
        }
        sql.append(" ORDER BY id FETCH FIRST ? ROWS ONLY");
        try (PreparedStatement ps = tx.connection().prepareStatement(sql.toString())) {
            int i = 0;
            for (String v : values) {
                ps.setString(++i, v);
            }
            ps.setInt(++i, query.limit());
            List<FilingRecord> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw SqlErrors.map(e, "list filings");
        }
    }

    @Override
    public Optional<FilingRecord> latestByName(String state, String reportType, String level, String fileName)
            throws StoreException {
        return byName(LATEST_BY_NAME, state, reportType, level, fileName);
    }

    @Override
    public Optional<FilingRecord> currentByName(String state, String reportType, String level, String fileName)
            throws StoreException {
        return byName(CURRENT_BY_NAME, state, reportType, level, fileName);
    }

    private Optional<FilingRecord> byName(String sql, String state, String reportType, String level, String fileName)
            throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(sql)) {
            ps.setString(1, Objects.requireNonNull(state, "state"));
            ps.setString(2, Objects.requireNonNull(reportType, "reportType"));
            ps.setString(3, Objects.requireNonNull(level, "level"));
            ps.setString(4, Objects.requireNonNull(fileName, "fileName"));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw SqlErrors.map(e, "find filing by name");
        }
    }

    @Override
    public long totalBytesOfAccount(String account) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(TOTAL_BYTES)) {
            ps.setString(1, Objects.requireNonNull(account, "account"));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        } catch (SQLException e) {
            throw SqlErrors.map(e, "read account usage");
        }
    }

    /** Counts a new filing's bytes against its account, in the transaction that inserts it. */
    private void addUsage(String account, long bytes) throws SQLException {
        try (PreparedStatement add = tx.connection().prepareStatement(ADD_USAGE)) {
            add.setLong(1, bytes);
            add.setString(2, account);
            if (add.executeUpdate() == 1) {
                return;
            }
        }
        try (PreparedStatement first = tx.connection().prepareStatement(FIRST_USAGE)) {
            first.setString(1, account);
            first.setLong(2, bytes);
            first.executeUpdate();
        }
    }

    @Override
    public void insertReceipt(String filingId, byte[] signedReceipt) throws StoreException {
        Objects.requireNonNull(filingId, "filingId");
        String cms = Base64.getEncoder().encodeToString(Objects.requireNonNull(signedReceipt, "signedReceipt"));
        if (cms.length() > MAX_RECEIPT_BASE64) {
            throw new IllegalArgumentException("receipt too large: " + signedReceipt.length + " bytes");
        }
        try (PreparedStatement ps = tx.connection().prepareStatement(INSERT_RECEIPT)) {
            ps.setString(1, filingId);
            ps.setString(2, cms);
            ps.executeUpdate();
        } catch (SQLException e) {
            if (SqlErrors.UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw new StoreException(Reason.DUPLICATE, "filing " + filingId + " already has a receipt", e);
            }
            if (SqlErrors.FOREIGN_KEY_VIOLATION.equals(e.getSQLState())) {
                throw new StoreException(Reason.UNAVAILABLE, "receipt for unknown filing " + filingId, e);
            }
            throw SqlErrors.map(e, "insert receipt");
        }
    }

    @Override
    public Optional<byte[]> receipt(String filingId) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(RECEIPT)) {
            ps.setString(1, Objects.requireNonNull(filingId, "filingId"));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                // once timestamped (issue 21), the receipt with its token, kept beside this one
                return Optional.of(JdbcReceiptTimestampRecords.asServed(tx, filingId, Base64.getDecoder().decode(rs.getString(1))));
            }
        } catch (SQLException e) {
            throw SqlErrors.map(e, "read receipt");
        }
    }

    private static FilingRecord read(ResultSet rs) throws SQLException, StoreException {
        String id = rs.getString("id");
        String levelName = rs.getString("confidentiality");
        ConfidentialityLevel level = ConfidentialityLevel.fromWireName(levelName).orElseThrow(
                () -> new StoreException(Reason.UNAVAILABLE, "filing " + id + " has an unknown level", null));
        String named = rs.getString("named_states");
        return new FilingRecord(
                id,
                rs.getString("state_code"),
                rs.getString("account"),
                rs.getString("key_fingerprint"),
                rs.getString("channel"),
                rs.getString("file_name"),
                rs.getString("report_type"),
                rs.getString("reporting_period"),
                level,
                named.isEmpty() ? List.of() : Arrays.asList(named.split(",", -1)),
                rs.getBoolean("withheld"),
                rs.getString("supersedes"),
                rs.getLong("size_bytes"),
                rs.getString("sha256"),
                rs.getString("blob_id"),
                Timestamps.get(rs, "received_at"),
                rs.getString("status"),
                rs.getString("title"));
    }

    private static String joinNamedStates(List<String> states) {
        for (String s : states) {
            // A comma or an empty entry would not split back into the same list.
            if (s == null || s.isEmpty() || s.indexOf(',') >= 0) {
                throw new IllegalArgumentException("named State codes must be non-empty and without commas");
            }
        }
        return String.join(",", states);
    }

    private static void setNullable(PreparedStatement ps, int index, String value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.VARCHAR);
        } else {
            ps.setString(index, value);
        }
    }
}
