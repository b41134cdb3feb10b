package org.treatyexchange.server.store.jdbc;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TimeZone;
import org.treatyexchange.server.store.StoreException;
import org.treatyexchange.server.store.StoreException.Reason;

/**
 * Copies every row of one migrated store into another of the same schema version, in one transaction
 * on the target: the whole history arrives or none of it. The tables and their columns are read from
 * the target's catalogue (so a table added by a later migration is copied without a change here), in
 * foreign-key order. Timestamps travel in UTC, as the stores write them.
 */
final class JdbcStoreCopy {

    private static final int BATCH = 500;
    private static final String MIGRATION_HISTORY = "flyway_schema_history";
    /**
     * Single-row tables the migrations seed: a fresh target holds them in their starting state and the
     * copy replaces them. Any other row in the target means it is not empty.
     */
    private static final Map<String, String> SEEDED = Map.of(
            "audit_head", "SELECT COUNT(*) FROM audit_head WHERE seq <> 0",
            "inbox_counter", "SELECT COUNT(*) FROM inbox_counter WHERE seq <> 0");

    private JdbcStoreCopy() {
    }

    /** Table name → rows, for every table of the schema (the migration history left out). */
    static Map<String, Long> rowCounts(ConnectionPool pool) throws StoreException {
        Connection c = pool.borrow();
        boolean reusable = false;
        try {
            Map<String, Long> counts = new LinkedHashMap<>();
            for (String table : tablesInDependencyOrder(c)) {
                counts.put(table, count(c, "SELECT COUNT(*) FROM " + table));
            }
            c.rollback();
            reusable = true;
            return counts;
        } catch (SQLException e) {
            throw SqlErrors.map(e, "count the rows of every table");
        } finally {
            pool.release(c, reusable);
        }
    }

    /**
     * Copies every row of {@code source} into {@code target}, which must hold nothing but what its
     * migrations seeded; refused with {@code ABORTED} (naming the table) otherwise. Returns the rows
     * copied per table.
     */
    static Map<String, Long> copy(ConnectionPool source, ConnectionPool target) throws StoreException {
        Connection from = source.borrow();
        Connection to = target.borrow();
        boolean fromReusable = false;
        boolean toReusable = false;
        try {
            List<String> tables = tablesInDependencyOrder(to);
            requireEmpty(to, tables);
            Map<String, Long> copied = new LinkedHashMap<>();
            for (String table : tables) {
                if (SEEDED.containsKey(table)) {
                    try (Statement st = to.createStatement()) {
                        st.executeUpdate("DELETE FROM " + table);
                    }
                }
                copied.put(table, copyTable(from, to, table));
            }
            to.commit();
            toReusable = true;
            from.rollback();
            fromReusable = true;
            return copied;
        } catch (SQLException e) {
            throw SqlErrors.map(e, "copy the database");
        } finally {
            if (!toReusable) {
                rollbackQuietly(to);
            }
            source.release(from, fromReusable);
            target.release(to, toReusable);
        }
    }

    /** Refuses ({@code ABORTED}, naming the table) a store holding anything its migrations did not seed. */
    static void requireEmpty(ConnectionPool pool) throws StoreException {
        Connection c = pool.borrow();
        boolean reusable = false;
        try {
            requireEmpty(c, tablesInDependencyOrder(c));
            c.rollback();
            reusable = true;
        } catch (SQLException e) {
            throw SqlErrors.map(e, "check that the database is empty");
        } finally {
            pool.release(c, reusable);
        }
    }

    private static void requireEmpty(Connection c, List<String> tables) throws SQLException, StoreException {
        for (String table : tables) {
            String query = SEEDED.getOrDefault(table, "SELECT COUNT(*) FROM " + table);
            long rows = count(c, query);
            if (rows > 0) {
                throw new StoreException(Reason.ABORTED, "the target database is not empty (table " + table + " holds " + rows
                        + " row(s)): migrate into a new, empty database", null);
            }
        }
    }

    private static long copyTable(Connection from, Connection to, String table) throws SQLException {
        List<Column> columns = columns(to, table);
        StringBuilder names = new StringBuilder();
        StringBuilder marks = new StringBuilder();
        for (Column col : columns) {
            names.append(names.length() == 0 ? "" : ", ").append(col.name());
            marks.append(marks.length() == 0 ? "?" : ", ?");
        }
        long rows = 0;
        try (Statement read = from.createStatement();
                ResultSet rs = read.executeQuery("SELECT " + names + " FROM " + table);
                PreparedStatement insert = to.prepareStatement("INSERT INTO " + table + " (" + names + ") VALUES (" + marks + ")")) {
            int pending = 0;
            while (rs.next()) {
                for (int i = 0; i < columns.size(); i++) {
                    transfer(rs, insert, i + 1, columns.get(i).sqlType());
                }
                insert.addBatch();
                rows++;
                if (++pending == BATCH) {
                    insert.executeBatch();
                    pending = 0;
                }
            }
            if (pending > 0) {
                insert.executeBatch();
            }
        }
        return rows;
    }

    private static void transfer(ResultSet rs, PreparedStatement ps, int i, int sqlType) throws SQLException {
        if (sqlType == Types.TIMESTAMP) {
            ps.setTimestamp(i, rs.getTimestamp(i, utc()), utc());
            return;
        }
        Object value = rs.getObject(i);
        if (value == null) {
            ps.setNull(i, sqlType);
        } else {
            ps.setObject(i, value, sqlType);
        }
    }

    /** A fresh calendar per call: Calendar is mutable and drivers may change it. */
    private static Calendar utc() {
        return Calendar.getInstance(TimeZone.getTimeZone("UTC"));
    }

    private record Column(String name, int sqlType) {
    }

    private static List<Column> columns(Connection c, String table) throws SQLException {
        DatabaseMetaData meta = c.getMetaData();
        List<Column> columns = new ArrayList<>();
        try (ResultSet rs = meta.getColumns(null, schema(c), catalogueName(meta, table), null)) {
            while (rs.next()) {
                columns.add(new Column(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT), rs.getInt("DATA_TYPE")));
            }
        }
        if (columns.isEmpty()) {
            throw new SQLException("no columns found for table " + table);
        }
        return columns;
    }

    /**
     * Every table of the store's schema, each after the tables its foreign keys refer to, in lower case
     * (both databases take unquoted names in any case).
     */
    static List<String> tablesInDependencyOrder(Connection c) throws SQLException {
        DatabaseMetaData meta = c.getMetaData();
        String schema = schema(c);
        Set<String> tables = new java.util.TreeSet<>();
        try (ResultSet rs = meta.getTables(null, schema, null, new String[] {"TABLE"})) {
            while (rs.next()) {
                String name = rs.getString("TABLE_NAME").toLowerCase(Locale.ROOT);
                if (!name.equals(MIGRATION_HISTORY)) {
                    tables.add(name);
                }
            }
        }
        Map<String, Set<String>> parents = new LinkedHashMap<>();
        for (String table : tables) {
            Set<String> refs = new LinkedHashSet<>();
            try (ResultSet rs = meta.getImportedKeys(null, schema, catalogueName(meta, table))) {
                while (rs.next()) {
                    String parent = rs.getString("PKTABLE_NAME").toLowerCase(Locale.ROOT);
                    if (!parent.equals(table)) {
                        refs.add(parent);
                    }
                }
            }
            parents.put(table, refs);
        }
        List<String> ordered = new ArrayList<>();
        while (ordered.size() < tables.size()) {
            int before = ordered.size();
            for (String table : tables) {
                if (!ordered.contains(table) && ordered.containsAll(parents.get(table))) {
                    ordered.add(table);
                }
            }
            if (ordered.size() == before) {
                throw new SQLException("the foreign keys between the tables form a cycle");
            }
        }
        return ordered;
    }

    /** Derby's catalogue keeps unquoted names in upper case, PostgreSQL's in lower case. */
    private static String catalogueName(DatabaseMetaData meta, String table) throws SQLException {
        return meta.storesUpperCaseIdentifiers() ? table.toUpperCase(Locale.ROOT) : table;
    }

    private static String schema(Connection c) throws SQLException {
        return c.getSchema();
    }

    private static long count(Connection c, String query) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is discarded, not reused
        }
    }
}
