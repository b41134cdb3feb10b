package org.treatyexchange.server.store.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Calendar;
import java.util.TimeZone;

/**
 * Instant ↔ TIMESTAMP in UTC. The explicit UTC calendar keeps the stored wall-clock time independent
 * of the JVM's default zone (which would otherwise shift values and break them in DST gaps), and the
 * same calendar on reading gives the exact Instant back.
 */
final class Timestamps {
    private static final TimeZone UTC = TimeZone.getTimeZone("UTC");

    private Timestamps() {
    }

    static void set(PreparedStatement ps, int index, Instant instant) throws SQLException {
        // A fresh calendar per call: Calendar is mutable and drivers may change it.
        ps.setTimestamp(index, Timestamp.from(instant), Calendar.getInstance(UTC));
    }

    static Instant get(ResultSet rs, String column) throws SQLException {
        Timestamp ts = rs.getTimestamp(column, Calendar.getInstance(UTC));
        return ts == null ? null : ts.toInstant();
    }
}
