package org.treatyexchange.server.store.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.treatyexchange.server.store.MessageRecords;
import org.treatyexchange.server.store.ReceiptTimestampRecords;
import org.treatyexchange.server.store.StoreException;
import org.treatyexchange.server.store.StoreException.Reason;

/** Tables {@code message} and {@code message_filing}; receipts are base64 text. */
final class JdbcMessageRecords implements MessageRecords {

    static final int MAX_RECEIPT_BASE64 = 32_000;

    private static final String INSERT = "INSERT INTO message (sender, message_id, kind, account, signer_fingerprint,"
            + " envelope_sha256, envelope_blob_id, envelope_size, received_at, receipt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_FILING = "INSERT INTO message_filing (sender, message_id, filing_id) VALUES (?, ?, ?)";
    private static final String FIND = "SELECT sender, message_id, kind, account, signer_fingerprint, envelope_sha256,"
            + " envelope_blob_id, envelope_size, received_at, receipt FROM message WHERE sender = ? AND message_id = ?";
    private static final String FILINGS = "SELECT filing_id FROM message_filing WHERE sender = ? AND message_id = ? ORDER BY filing_id";

    private final JdbcTx tx;

    JdbcMessageRecords(JdbcTx tx) {
        this.tx = tx;
    }

    @Override
    public void insert(MessageRecord m, List<String> filingIds) throws StoreException {
        String receipt = Base64.getEncoder().encodeToString(m.receipt());
        if (receipt.length() > MAX_RECEIPT_BASE64) {
            throw new IllegalArgumentException("message receipt too large for the column");
        }
        try (PreparedStatement ps = tx.connection().prepareStatement(INSERT)) {
            ps.setString(1, m.sender());
            ps.setString(2, m.messageId());
            ps.setString(3, m.kind());
            ps.setString(4, m.account());
            ps.setString(5, m.signerFingerprint());
            ps.setString(6, m.envelopeSha256());
            ps.setString(7, m.envelopeBlobId());
            ps.setLong(8, m.envelopeSize());
            Timestamps.set(ps, 9, m.receivedAt());
            ps.setString(10, receipt);
            ps.executeUpdate();
        } catch (SQLException e) {
            if (SqlErrors.UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw new StoreException(Reason.DUPLICATE, "message id already used by this sender", e);
            }
            throw SqlErrors.map(e, "insert message");
        }
        try (PreparedStatement ps = tx.connection().prepareStatement(INSERT_FILING)) {
            for (String filingId : filingIds) {
                ps.setString(1, m.sender());
                ps.setString(2, m.messageId());
                ps.setString(3, filingId);
                ps.executeUpdate();
            }
        } catch (SQLException e) {
            throw SqlErrors.map(e, "link message to filings");
        }
    }

    @Override
    public Optional<MessageRecord> find(String sender, String messageId) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(FIND)) {
            ps.setString(1, sender);
            ps.setString(2, messageId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new MessageRecord(rs.getString("sender"), rs.getString("message_id"), rs.getString("kind"),
                        rs.getString("account"), rs.getString("signer_fingerprint"), rs.getString("envelope_sha256"),
                        rs.getString("envelope_blob_id"), rs.getLong("envelope_size"), Timestamps.get(rs, "received_at"),
                        // once timestamped (issue 21), the receipt with its token, kept beside this one
                        JdbcReceiptTimestampRecords.asServed(tx, ReceiptTimestampRecords.message(sender, messageId),
                                Base64.getDecoder().decode(rs.getString("receipt")))));
            }
        } catch (SQLException e) {
            throw SqlErrors.map(e, "read message");
        }
    }

    @Override
    public List<String> filingsOf(String sender, String messageId) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(FILINGS)) {
            ps.setString(1, sender);
            ps.setString(2, messageId);
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        } catch (SQLException e) {
            throw SqlErrors.map(e, "read message filings");
        }
    }
}
