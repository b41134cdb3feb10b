package org.treatyexchange.server.store.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.treatyexchange.server.store.ReceiptTimestampRecords;
import org.treatyexchange.server.store.StoreException;
import org.treatyexchange.server.store.StoreException.Reason;

/** Table {@code receipt_timestamp}; receipts are base64 text, as in {@code receipt}. */
final class JdbcReceiptTimestampRecords implements ReceiptTimestampRecords {

    private static final String REQUEST = "INSERT INTO receipt_timestamp (receipt_ref, status, requested_at, attempts, next_attempt)"
            + " VALUES (?, 'pending', ?, 0, ?)";
    private static final String DUE = "SELECT receipt_ref, requested_at, attempts FROM receipt_timestamp"
            + " WHERE status = 'pending' AND next_attempt <= ? ORDER BY requested_at, receipt_ref FETCH FIRST ? ROWS ONLY";
    private static final String STAMPED = "UPDATE receipt_timestamp SET status = 'stamped', stamped_at = ?, stamped_cms = ?"
            + " WHERE receipt_ref = ? AND status = 'pending'";
    private static final String FAILED = "UPDATE receipt_timestamp SET status = ?, attempts = ?, next_attempt = ?"
            + " WHERE receipt_ref = ? AND status = 'pending'";
    private static final String STATUS = "SELECT status FROM receipt_timestamp WHERE receipt_ref = ?";
    private static final String STAMPED_RECEIPT = "SELECT stamped_cms FROM receipt_timestamp WHERE receipt_ref = ? AND status = 'stamped'";
    private static final String FILING_RECEIPT = "SELECT cms FROM receipt WHERE filing_id = ?";
    private static final String MESSAGE_RECEIPT = "SELECT receipt FROM message WHERE sender = ? AND message_id = ?";

    private final JdbcTx tx;

    JdbcReceiptTimestampRecords(JdbcTx tx) {
        this.tx = tx;
    }

    /** The timestamped copy of a receipt when there is one, else {@code original}: what every reader is given. */
    static byte[] asServed(JdbcTx tx, String receiptRef, byte[] original) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(STAMPED_RECEIPT)) {
            ps.setString(1, receiptRef);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Base64.getDecoder().decode(rs.getString(1)) : original;
            }
        } catch (SQLException e) {
            throw SqlErrors.map(e, "read a timestamped receipt");
        }
    }

    @Override
    public void request(String receiptRef, Instant at, Instant firstRetry) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(REQUEST)) {
            ps.setString(1, Objects.requireNonNull(receiptRef, "receiptRef"));
            Timestamps.set(ps, 2, at);
            Timestamps.set(ps, 3, firstRetry);
            ps.executeUpdate();
        } catch (SQLException e) {
            if (SqlErrors.UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw new StoreException(Reason.DUPLICATE, "a timestamp was already asked for receipt " + receiptRef, e);
            }
            throw SqlErrors.map(e, "ask for a receipt timestamp");
        }
    }

    @Override
    public List<Pending> due(Instant now, int limit) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(DUE)) {
            Timestamps.set(ps, 1, now);
            ps.setInt(2, limit);
            List<Pending> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Pending(rs.getString("receipt_ref"), Timestamps.get(rs, "requested_at"), rs.getLong("attempts")));
                }
            }
            return out;
        } catch (SQLException e) {
            throw SqlErrors.map(e, "list due receipt timestamps");
        }
    }

    @Override
    public Optional<byte[]> original(String receiptRef) throws StoreException {
        int slash = receiptRef.indexOf('/');
        String sql = slash < 0 ? FILING_RECEIPT : MESSAGE_RECEIPT;
        try (PreparedStatement ps = tx.connection().prepareStatement(sql)) {
            if (slash < 0) {
                ps.setString(1, receiptRef);
            } else {
                ps.setString(1, receiptRef.substring(0, slash));
                ps.setString(2, receiptRef.substring(slash + 1));
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(Base64.getDecoder().decode(rs.getString(1))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw SqlErrors.map(e, "read a receipt to timestamp");
        }
    }

    @Override
    public boolean stamped(String receiptRef, byte[] stampedReceipt, Instant at) throws StoreException {
        String cms = Base64.getEncoder().encodeToString(stampedReceipt);
        if (cms.length() > JdbcFilingRecords.MAX_RECEIPT_BASE64) {
            throw new IllegalArgumentException("timestamped receipt too large: " + stampedReceipt.length + " bytes");
        }
        try (PreparedStatement ps = tx.connection().prepareStatement(STAMPED)) {
            Timestamps.set(ps, 1, at);
            ps.setString(2, cms);
            ps.setString(3, receiptRef);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw SqlErrors.map(e, "keep a timestamped receipt");
        }
    }

    @Override
    public void failed(String receiptRef, long attempts, Instant next, boolean abandon) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(FAILED)) {
            ps.setString(1, abandon ? "abandoned" : "pending");
            ps.setLong(2, attempts);
            Timestamps.set(ps, 3, next);
            ps.setString(4, receiptRef);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw SqlErrors.map(e, "record a failed receipt timestamp");
        }
    }

    @Override
    public Optional<String> status(String receiptRef) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(STATUS)) {
            ps.setString(1, receiptRef);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw SqlErrors.map(e, "read a receipt timestamp's status");
        }
    }
}
