package org.treatyexchange.server.store.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;
import org.treatyexchange.server.store.InstructionRecords;
import org.treatyexchange.server.store.StoreException;

/** Table {@code standing_instruction}. */
final class JdbcInstructionRecords implements InstructionRecords {

    private static final String COLUMNS = "SELECT state_code, report_type, confidentiality, named_states, message_id, account, set_at"
            + " FROM standing_instruction";
    private static final String KEY = " WHERE state_code = ? AND report_type = ?";
    private static final String DELETE = "DELETE FROM standing_instruction" + KEY;
    private static final String INSERT = "INSERT INTO standing_instruction (state_code, report_type, confidentiality, named_states,"
            + " message_id, account, set_at) VALUES (?, ?, ?, ?, ?, ?, ?)";
    private static final String FIND = COLUMNS + KEY;
    private static final String ALL = COLUMNS + " ORDER BY state_code, report_type";

    private final JdbcTx tx;

    JdbcInstructionRecords(JdbcTx tx) {
        this.tx = tx;
    }

    @Override
    public void put(SetInstruction i) throws StoreException {
        // Delete then insert rather than MERGE/ON CONFLICT: the same SQL on Derby and PostgreSQL.
        try (PreparedStatement delete = tx.connection().prepareStatement(DELETE);
                PreparedStatement insert = tx.connection().prepareStatement(INSERT)) {
            delete.setString(1, i.state());
            delete.setString(2, i.reportType());
            delete.executeUpdate();
            insert.setString(1, i.state());
            insert.setString(2, i.reportType());
            insert.setString(3, i.level() == null ? null : i.level().wireName());
            insert.setString(4, String.join(",", i.namedStates()));
            insert.setString(5, i.messageId());
            insert.setString(6, i.account());
            Timestamps.set(insert, 7, i.setAt());
            insert.executeUpdate();
        } catch (SQLException e) {
            throw SqlErrors.map(e, "store standing instruction");
        }
    }

    @Override
    public Optional<SetInstruction> find(String state, String reportType) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(FIND)) {
            ps.setString(1, state);
            ps.setString(2, reportType);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw SqlErrors.map(e, "read standing instruction");
        }
    }

    @Override
    public List<SetInstruction> all() throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(ALL); ResultSet rs = ps.executeQuery()) {
            List<SetInstruction> out = new ArrayList<>();
            while (rs.next()) {
                out.add(row(rs));
            }
            return out;
        } catch (SQLException e) {
            throw SqlErrors.map(e, "list standing instructions");
        }
    }

    private static SetInstruction row(ResultSet rs) throws SQLException {
        String level = rs.getString("confidentiality");
        String named = rs.getString("named_states");
        return new SetInstruction(rs.getString("state_code"), rs.getString("report_type"),
                level == null ? null : ConfidentialityLevel.fromWireName(level).orElseThrow(
                        () -> new SQLException("unknown confidentiality level in standing_instruction: " + level)),
                named.isEmpty() ? List.of() : Arrays.asList(named.split(",")), rs.getString("message_id"), rs.getString("account"),
                Timestamps.get(rs, "set_at"));
    }
}
