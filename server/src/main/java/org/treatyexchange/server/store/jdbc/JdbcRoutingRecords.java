package org.treatyexchange.server.store.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;
import org.treatyexchange.server.store.RoutingRecords;
import org.treatyexchange.server.store.StoreException;

/** Tables {@code filing_plan}, {@code filing_decision} and {@code distribution}. */
final class JdbcRoutingRecords implements RoutingRecords {

    /** Separates review reasons in one column; reasons never contain it (they are written by the router). */
    private static final String REASON_SEPARATOR = "\n";

    private static final String INSERT_PLAN = "INSERT INTO filing_plan (filing_id, confidentiality, level_source, recipients, public_area,"
            + " needs_review, review_reasons) VALUES (?, ?, ?, ?, ?, ?, ?)";
    private static final String PLAN = "SELECT filing_id, confidentiality, level_source, recipients, public_area, needs_review,"
            + " review_reasons FROM filing_plan WHERE filing_id = ?";
    private static final String NEXT_DECISION = "SELECT COUNT(*) FROM filing_decision WHERE filing_id = ?";
    private static final String INSERT_DECISION = "INSERT INTO filing_decision (filing_id, seq, status, actor, reason, decided_at)"
            + " VALUES (?, ?, ?, ?, ?, ?)";
    private static final String SET_STATUS = "UPDATE filing SET status = ? WHERE id = ?";
    private static final String DECISIONS = "SELECT filing_id, seq, status, actor, reason, decided_at FROM filing_decision"
            + " WHERE filing_id = ? ORDER BY seq";
    private static final String WITH_STATUS = "SELECT id FROM filing WHERE status = ? ORDER BY id FETCH FIRST ? ROWS ONLY";
    private static final String HAS_DISTRIBUTION = "SELECT COUNT(*) FROM distribution WHERE filing_id = ? AND state_code = ?";
    private static final String INSERT_DISTRIBUTION = "INSERT INTO distribution (filing_id, state_code, distributed_at) VALUES (?, ?, ?)";
    private static final String DISTRIBUTED_TO = "SELECT filing_id FROM distribution WHERE state_code = ? ORDER BY filing_id";

    private final JdbcTx tx;

    JdbcRoutingRecords(JdbcTx tx) {
        this.tx = tx;
    }

    @Override
    public void insertPlan(Plan p) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(INSERT_PLAN)) {
            ps.setString(1, p.filingId());
            ps.setString(2, p.level().wireName());
            ps.setString(3, p.levelSource());
            ps.setString(4, String.join(",", p.recipients()));
            ps.setBoolean(5, p.publicArea());
            ps.setBoolean(6, p.needsReview());
            String reasons = String.join(REASON_SEPARATOR, p.reviewReasons());
            ps.setString(7, reasons.length() > 4000 ? reasons.substring(0, 3999) + "…" : reasons);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw SqlErrors.map(e, "insert distribution plan");
        }
    }

    @Override
    public Optional<Plan> plan(String filingId) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(PLAN)) {
            ps.setString(1, filingId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String recipients = rs.getString("recipients");
                String reasons = rs.getString("review_reasons");
                return Optional.of(new Plan(rs.getString("filing_id"),
                        ConfidentialityLevel.fromWireName(rs.getString("confidentiality")).orElse(ConfidentialityLevel.SECRETARIAT),
                        rs.getString("level_source"), recipients.isEmpty() ? List.of() : Arrays.asList(recipients.split(",")),
                        rs.getBoolean("public_area"), rs.getBoolean("needs_review"),
                        reasons.isEmpty() ? List.of() : Arrays.asList(reasons.split(REASON_SEPARATOR))));
            }
        } catch (SQLException e) {
            throw SqlErrors.map(e, "read distribution plan");
        }
    }

    @Override
    public void decide(String filingId, String status, String actor, String reason, Instant at) throws StoreException {
        try (PreparedStatement update = tx.connection().prepareStatement(SET_STATUS)) {
            update.setString(1, status);
            update.setString(2, filingId);
            if (update.executeUpdate() != 1) {
                throw new StoreException(StoreException.Reason.ABORTED, "no filing " + filingId, null);
            }
        } catch (SQLException e) {
            throw SqlErrors.map(e, "record filing decision");
        }
        note(filingId, status, actor, reason, at);
    }

    @Override
    public void decideFirst(String filingId, String status, String actor, String reason, Instant at) throws StoreException {
        insertDecision(filingId, 1, status, actor, reason, at);
    }

    @Override
    public void note(String filingId, String step, String actor, String reason, Instant at) throws StoreException {
        int seq;
        try (PreparedStatement next = tx.connection().prepareStatement(NEXT_DECISION)) {
            next.setString(1, filingId);
            try (ResultSet rs = next.executeQuery()) {
                rs.next();
                seq = rs.getInt(1) + 1;
            }
        } catch (SQLException e) {
            throw SqlErrors.map(e, "record filing decision");
        }
        insertDecision(filingId, seq, step, actor, reason, at);
    }

    private void insertDecision(String filingId, int seq, String step, String actor, String reason, Instant at) throws StoreException {
        try (PreparedStatement insert = tx.connection().prepareStatement(INSERT_DECISION)) {
            insert.setString(1, filingId);
            insert.setInt(2, seq);
            insert.setString(3, step);
            insert.setString(4, actor);
            insert.setString(5, reason.length() > 2000 ? reason.substring(0, 1999) + "…" : reason);
            Timestamps.set(insert, 6, at);
            insert.executeUpdate();
        } catch (SQLException e) {
            throw SqlErrors.map(e, "record filing decision");
        }
    }

    @Override
    public List<Decision> decisions(String filingId) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(DECISIONS)) {
            ps.setString(1, filingId);
            List<Decision> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Decision(rs.getString("filing_id"), rs.getInt("seq"), rs.getString("status"), rs.getString("actor"),
                            rs.getString("reason"), Timestamps.get(rs, "decided_at")));
                }
            }
            return out;
        } catch (SQLException e) {
            throw SqlErrors.map(e, "read filing decisions");
        }
    }

    @Override
    public List<String> withStatus(String status, int limit) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(WITH_STATUS)) {
            ps.setString(1, status);
            ps.setInt(2, limit);
            return ids(ps);
        } catch (SQLException e) {
            throw SqlErrors.map(e, "list filings by status");
        }
    }

    @Override
    public boolean distribute(String filingId, String state, Instant at) throws StoreException {
        try (PreparedStatement has = tx.connection().prepareStatement(HAS_DISTRIBUTION);
                PreparedStatement insert = tx.connection().prepareStatement(INSERT_DISTRIBUTION)) {
            has.setString(1, filingId);
            has.setString(2, state);
            try (ResultSet rs = has.executeQuery()) {
                rs.next();
                if (rs.getInt(1) > 0) {
                    return false;
                }
            }
            insert.setString(1, filingId);
            insert.setString(2, state);
            Timestamps.set(insert, 3, at);
            insert.executeUpdate();
            return true;
        } catch (SQLException e) {
            throw SqlErrors.map(e, "record distribution");
        }
    }

    @Override
    public List<String> distributedTo(String state) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(DISTRIBUTED_TO)) {
            ps.setString(1, state);
            return ids(ps);
        } catch (SQLException e) {
            throw SqlErrors.map(e, "list distributions");
        }
    }

    private static List<String> ids(PreparedStatement ps) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
