package org.treatyexchange.server.store.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import org.treatyexchange.server.store.StoreException;
import org.treatyexchange.server.store.StoreException.Reason;
import org.treatyexchange.server.store.SubmissionRecords;

/** Table {@code submission}. */
final class JdbcSubmissionRecords implements SubmissionRecords {

    private static final String INSERT = "INSERT INTO submission (state_code, submission_id, filing_id, sha256, file_name,"
            + " report_type, account, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String FIND = "SELECT filing_id, sha256, file_name, report_type, account, received_at FROM submission"
            + " WHERE state_code = ? AND submission_id = ?";

    private final JdbcTx tx;

    JdbcSubmissionRecords(JdbcTx tx) {
        this.tx = tx;
    }

    @Override
    public void insert(Used u) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(INSERT)) {
            ps.setString(1, u.state());
            ps.setString(2, u.submissionId());
            ps.setString(3, u.filingId());
            ps.setString(4, u.sha256());
            ps.setString(5, u.fileName());
            ps.setString(6, u.reportType());
            ps.setString(7, u.account());
            Timestamps.set(ps, 8, u.receivedAt());
            ps.executeUpdate();
        } catch (SQLException e) {
            if (SqlErrors.UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw new StoreException(Reason.DUPLICATE, "submission id already used by this State", e);
            }
            throw SqlErrors.map(e, "insert submission");
        }
    }

    @Override
    public Optional<Used> find(String state, String submissionId) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(FIND)) {
            ps.setString(1, state);
            ps.setString(2, submissionId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next()
                        ? Optional.of(new Used(state, submissionId, rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getString(5), Timestamps.get(rs, "received_at")))
                        : Optional.empty();
            }
        } catch (SQLException e) {
            throw SqlErrors.map(e, "read submission");
        }
    }
}
