package org.treatyexchange.server.store.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.treatyexchange.server.store.NotificationRecords;
import org.treatyexchange.server.store.StoreException;

/** Tables {@code notification} and {@code notification_reminder}. */
final class JdbcNotificationRecords implements NotificationRecords {

    private static final String COLUMNS = "id, recipient, template, filing_id, state_code, subject, body, attach_receipt, status,"
            + " attempts, next_attempt_at, claimed_by, created_at, sent_at, last_error";
    private static final String NEXT_ID = "SELECT MAX(id) FROM notification";
    private static final String INSERT = "INSERT INTO notification (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, NULL, ?,"
            + " NULL, NULL)";
    private static final String DUE = "SELECT " + COLUMNS + " FROM notification WHERE status IN ('" + QUEUED + "', '" + SENDING + "')"
            + " AND next_attempt_at <= ? ORDER BY next_attempt_at, id FETCH FIRST ? ROWS ONLY";
    // The conditional update every node races through: only one sees its row count be 1.
    private static final String CLAIM = "UPDATE notification SET status = '" + SENDING + "', attempts = attempts + 1, claimed_by = ?,"
            + " next_attempt_at = ? WHERE id = ? AND attempts = ? AND status IN ('" + QUEUED + "', '" + SENDING + "')"
            + " AND next_attempt_at <= ?";
    private static final String INSERT_SEALED = "INSERT INTO notification (" + COLUMNS + ", change_id, sealed_key_id, sealed_secret)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, NULL, ?, NULL, NULL, ?, ?, ?)";
    private static final String RELEASE = "UPDATE notification SET status = '" + QUEUED + "', next_attempt_at = ? WHERE change_id = ?"
            + " AND status = '" + HELD + "'";
    private static final String DROP = "UPDATE notification SET status = '" + FAILED + "', last_error = ?, sealed_key_id = NULL,"
            + " sealed_secret = NULL WHERE change_id = ? AND status IN ('" + HELD + "', '" + QUEUED + "')";
    private static final String DROP_OF_ACCOUNT = "UPDATE notification SET status = '" + FAILED + "', last_error = ?, sealed_key_id = NULL,"
            + " sealed_secret = NULL WHERE change_id IN (SELECT change_id FROM enrolment_invitation WHERE account = ?)"
            + " AND status IN ('" + HELD + "', '" + QUEUED + "')";
    private static final String SEALED = "SELECT change_id, sealed_key_id, sealed_secret FROM notification WHERE id = ?"
            + " AND sealed_secret IS NOT NULL";
    // Sent or failed for good: a sealed secret has done its work and is wiped in the same update.
    private static final String SENT_UPDATE = "UPDATE notification SET status = '" + SENT + "', sent_at = ?, last_error = NULL,"
            + " sealed_key_id = NULL, sealed_secret = NULL"
            + " WHERE id = ? AND status = '" + SENDING + "' AND claimed_by = ?";
    private static final String RETRY = "UPDATE notification SET status = '" + QUEUED + "', next_attempt_at = ?, last_error = ?"
            + " WHERE id = ? AND status = '" + SENDING + "' AND claimed_by = ?";
    private static final String FAIL = "UPDATE notification SET status = '" + FAILED + "', last_error = ?, sealed_key_id = NULL,"
            + " sealed_secret = NULL"
            + " WHERE id = ? AND status = '" + SENDING + "' AND claimed_by = ?";
    private static final String WITH_STATUS = "SELECT " + COLUMNS + " FROM notification WHERE status = ? ORDER BY id FETCH FIRST ? ROWS ONLY";
    private static final String BY_ID = "SELECT " + COLUMNS + " FROM notification WHERE id = ?";
    private static final String OF_FILING = "SELECT " + COLUMNS + " FROM notification WHERE filing_id = ? ORDER BY id";
    private static final String REMINDER_NOTED = "SELECT 1 FROM notification_reminder WHERE state_code = ? AND report_type = ?"
            + " AND period = ? AND reminder = ?";
    private static final String NOTE_REMINDER = "INSERT INTO notification_reminder (state_code, report_type, period, reminder, noted_at)"
            + " VALUES (?, ?, ?, ?, ?)";

    private static final int MAX_ERROR = 512;

    private final JdbcTx tx;

    JdbcNotificationRecords(JdbcTx tx) {
        this.tx = tx;
    }

    @Override
    public long enqueue(NewMail m, Instant at) throws StoreException {
        // Every write transaction holds the writers' lock (JdbcStore), so MAX + 1 cannot be drawn twice.
        try (PreparedStatement max = tx.connection().prepareStatement(NEXT_ID);
                PreparedStatement ps = tx.connection().prepareStatement(INSERT)) {
            long id;
            try (ResultSet rs = max.executeQuery()) {
                rs.next();
                id = rs.getLong(1) + 1;
            }
            ps.setLong(1, id);
            ps.setString(2, m.recipient());
            ps.setString(3, m.template());
            ps.setString(4, m.filingId());
            ps.setString(5, m.state());
            ps.setString(6, m.subject());
            ps.setString(7, m.body());
            ps.setBoolean(8, m.attachReceipt());
            ps.setString(9, QUEUED);
            Timestamps.set(ps, 10, at);
            Timestamps.set(ps, 11, at);
            ps.executeUpdate();
            return id;
        } catch (SQLException e) {
            throw SqlErrors.map(e, "enqueue notification");
        }
    }

    @Override
    public long enqueueSealed(NewMail m, SealedPart secret, boolean held, Instant at) throws StoreException {
        try (PreparedStatement max = tx.connection().prepareStatement(NEXT_ID);
                PreparedStatement ps = tx.connection().prepareStatement(INSERT_SEALED)) {
            long id;
            try (ResultSet rs = max.executeQuery()) {
                rs.next();
                id = rs.getLong(1) + 1;
            }
            ps.setLong(1, id);
            ps.setString(2, m.recipient());
            ps.setString(3, m.template());
            ps.setString(4, m.filingId());
            ps.setString(5, m.state());
            ps.setString(6, m.subject());
            ps.setString(7, m.body());
            ps.setBoolean(8, m.attachReceipt());
            ps.setString(9, held ? HELD : QUEUED);
            Timestamps.set(ps, 10, at);
            Timestamps.set(ps, 11, at);
            ps.setString(12, secret.changeId());
            ps.setString(13, secret.masterKeyId());
            ps.setString(14, secret.sealedBase64());
            ps.executeUpdate();
            return id;
        } catch (SQLException e) {
            throw SqlErrors.map(e, "enqueue sealed notification");
        }
    }

    @Override
    public int releaseHeld(String changeId, Instant at) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(RELEASE)) {
            Timestamps.set(ps, 1, at);
            ps.setString(2, changeId);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw SqlErrors.map(e, "release held notifications");
        }
    }

    @Override
    public int dropUnsent(String changeId, String why) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(DROP)) {
            ps.setString(1, cut(why));
            ps.setString(2, changeId);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw SqlErrors.map(e, "drop unsent notifications");
        }
    }

    @Override
    public int dropUnsentInvitations(String account, String why) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(DROP_OF_ACCOUNT)) {
            ps.setString(1, cut(why));
            ps.setString(2, account);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw SqlErrors.map(e, "drop unsent invitation mails");
        }
    }

    @Override
    public Optional<SealedPart> sealedPart(long id) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(SEALED)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new SealedPart(rs.getString(1), rs.getString(2), rs.getString(3))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw SqlErrors.map(e, "read sealed part of notification");
        }
    }

    @Override
    public List<Mail> due(Instant now, int limit) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(DUE)) {
            Timestamps.set(ps, 1, now);
            ps.setInt(2, limit);
            return list(ps);
        } catch (SQLException e) {
            throw SqlErrors.map(e, "list due notifications");
        }
    }

    @Override
    public boolean claim(long id, int attempts, String node, Instant now, Instant until) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(CLAIM)) {
            ps.setString(1, node);
            Timestamps.set(ps, 2, until);
            ps.setLong(3, id);
            ps.setInt(4, attempts);
            Timestamps.set(ps, 5, now);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw SqlErrors.map(e, "claim notification");
        }
    }

    @Override
    public boolean sent(long id, String node, Instant at) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(SENT_UPDATE)) {
            Timestamps.set(ps, 1, at);
            ps.setLong(2, id);
            ps.setString(3, node);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw SqlErrors.map(e, "mark notification sent");
        }
    }

    @Override
    public boolean retry(long id, String node, Instant next, String error) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(RETRY)) {
            Timestamps.set(ps, 1, next);
            ps.setString(2, cut(error));
            ps.setLong(3, id);
            ps.setString(4, node);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw SqlErrors.map(e, "reschedule notification");
        }
    }

    @Override
    public boolean failed(long id, String node, String error) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(FAIL)) {
            ps.setString(1, cut(error));
            ps.setLong(2, id);
            ps.setString(3, node);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw SqlErrors.map(e, "mark notification failed");
        }
    }

    @Override
    public List<Mail> withStatus(String status, int limit) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(WITH_STATUS)) {
            ps.setString(1, status);
            ps.setInt(2, limit);
            return list(ps);
        } catch (SQLException e) {
            throw SqlErrors.map(e, "list notifications");
        }
    }

    @Override
    public Optional<Mail> byId(long id) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(BY_ID)) {
            ps.setLong(1, id);
            return list(ps).stream().findFirst();
        } catch (SQLException e) {
            throw SqlErrors.map(e, "read notification");
        }
    }

    @Override
    public List<Mail> ofFiling(String filingId) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(OF_FILING)) {
            ps.setString(1, filingId);
            return list(ps);
        } catch (SQLException e) {
            throw SqlErrors.map(e, "list notifications of a filing");
        }
    }

    @Override
    public boolean noteReminder(String state, String reportType, String period, String reminder, Instant at) throws StoreException {
        // Check, then insert: race-free under the writers' lock every write transaction holds; the primary
        // key stays the last word should that ever change.
        try (PreparedStatement seen = tx.connection().prepareStatement(REMINDER_NOTED);
                PreparedStatement ps = tx.connection().prepareStatement(NOTE_REMINDER)) {
            seen.setString(1, state);
            seen.setString(2, reportType);
            seen.setString(3, period);
            seen.setString(4, reminder);
            try (ResultSet rs = seen.executeQuery()) {
                if (rs.next()) {
                    return false;
                }
            }
            ps.setString(1, state);
            ps.setString(2, reportType);
            ps.setString(3, period);
            ps.setString(4, reminder);
            Timestamps.set(ps, 5, at);
            ps.executeUpdate();
            return true;
        } catch (SQLException e) {
            throw SqlErrors.map(e, "note reminder");
        }
    }

    private static String cut(String error) {
        return error == null || error.length() <= MAX_ERROR ? error : error.substring(0, MAX_ERROR);
    }

    private static List<Mail> list(PreparedStatement ps) throws SQLException {
        List<Mail> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Mail(rs.getLong("id"), rs.getString("recipient"), rs.getString("template"), rs.getString("filing_id"),
                        rs.getString("state_code"), rs.getString("subject"), rs.getString("body"), rs.getBoolean("attach_receipt"),
                        rs.getString("status"), rs.getInt("attempts"), Timestamps.get(rs, "next_attempt_at"), rs.getString("claimed_by"),
                        Timestamps.get(rs, "created_at"), Timestamps.get(rs, "sent_at"), rs.getString("last_error")));
            }
        }
        return out;
    }
}
