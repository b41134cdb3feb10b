package org.treatyexchange.server.store.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import org.treatyexchange.server.store.RegistryRecords;
import org.treatyexchange.server.store.StoreException;

/** Tables {@code registry_version} and {@code registry_chunk}. */
final class JdbcRegistryRecords implements RegistryRecords {

    static final int CHUNK = 8000;
    private static final String NEWEST_GENERATION = "SELECT MAX(generation) FROM registry_version";
    private static final String VERSION = "SELECT sha256, chunks, published_at, published_by FROM registry_version WHERE generation = ?";
    private static final String CHUNKS = "SELECT part, content FROM registry_chunk WHERE generation = ? ORDER BY part";
    private static final String INSERT_VERSION = "INSERT INTO registry_version (generation, sha256, chunks, published_at, published_by)"
            + " VALUES (?, ?, ?, ?, ?)";
    private static final String INSERT_CHUNK = "INSERT INTO registry_chunk (generation, part, content) VALUES (?, ?, ?)";

    private final JdbcTx tx;

    JdbcRegistryRecords(JdbcTx tx) {
        this.tx = tx;
    }

    @Override
    public long newestGeneration() throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(NEWEST_GENERATION); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw SqlErrors.map(e, "read the registry's generation");
        }
    }

    @Override
    public Optional<Published> newest() throws StoreException {
        long generation = newestGeneration();
        if (generation == 0) {
            return Optional.empty();
        }
        try (PreparedStatement version = tx.connection().prepareStatement(VERSION);
                PreparedStatement chunks = tx.connection().prepareStatement(CHUNKS)) {
            version.setLong(1, generation);
            String sha256;
            int count;
            java.time.Instant at;
            String by;
            try (ResultSet rs = version.executeQuery()) {
                rs.next();
                sha256 = rs.getString(1);
                count = rs.getInt(2);
                at = Timestamps.get(rs, "published_at");
                by = rs.getString(4);
            }
            StringBuilder text = new StringBuilder();
            int parts = 0;
            chunks.setLong(1, generation);
            try (ResultSet rs = chunks.executeQuery()) {
                while (rs.next()) {
                    if (rs.getInt(1) != parts) {
                        throw new StoreException(StoreException.Reason.UNAVAILABLE, "registry generation " + generation + " lacks part " + parts, null);
                    }
                    text.append(rs.getString(2));
                    parts++;
                }
            }
            if (parts != count) {
                throw new StoreException(StoreException.Reason.UNAVAILABLE, "registry generation " + generation + " has " + parts
                        + " of its " + count + " parts", null);
            }
            return Optional.of(new Published(generation, text.toString(), sha256, at, by));
        } catch (SQLException e) {
            throw SqlErrors.map(e, "read the registry");
        }
    }

    @Override
    public void publish(long generation, String text, String sha256, java.time.Instant at, String by) throws StoreException {
        java.util.List<String> parts = split(text);
        try (PreparedStatement version = tx.connection().prepareStatement(INSERT_VERSION);
                PreparedStatement chunk = tx.connection().prepareStatement(INSERT_CHUNK)) {
            version.setLong(1, generation);
            version.setString(2, sha256);
            version.setInt(3, parts.size());
            Timestamps.set(version, 4, at);
            version.setString(5, by);
            version.executeUpdate();
            for (int i = 0; i < parts.size(); i++) {
                chunk.setLong(1, generation);
                chunk.setInt(2, i);
                chunk.setString(3, parts.get(i));
                chunk.addBatch();
            }
            chunk.executeBatch();
        } catch (SQLException e) {
            throw SqlErrors.map(e, "publish the registry");
        }
    }

    /** Pieces of at most {@link #CHUNK} chars, never splitting a surrogate pair (PostgreSQL refuses half of one). */
    static java.util.List<String> split(String text) {
        java.util.List<String> parts = new java.util.ArrayList<>();
        int at = 0;
        while (at < text.length()) {
            int end = Math.min(text.length(), at + CHUNK);
            if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
                end--;
            }
            parts.add(text.substring(at, end));
            at = end;
        }
        return parts;
    }
}
