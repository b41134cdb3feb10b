package org.treatyexchange.server.store;

import java.nio.file.Path;
import java.util.Map;
import org.treatyexchange.server.store.jdbc.JdbcStores;

/**
 * Opens the metadata {@link Store}: embedded Derby by default, PostgreSQL for a deployment that outgrows
 * one machine. Either way the schema is migrated (Flyway, {@code db/migration})
 * before the store is returned, transactions run at READ COMMITTED and commit durably.
 */
public final class Stores {
    private Stores() {
    }

    /**
     * The embedded Apache Derby database in {@code databaseDirectory}, created when missing. Derby's
     * own log goes to SLF4J (logger {@code org.treatyexchange.server.store.jdbc.DerbyLog}), its files
     * are owner-only, and {@link Store#close()} shuts the database down cleanly. One JVM may hold a
     * Derby database open only once.
     */
    public static Store derby(Path databaseDirectory) throws StoreException {
        return JdbcStores.derby(databaseDirectory);
    }

    /**
     * A PostgreSQL server, shared by every node of a cluster: checked (UTF-8, code-point order, version
     * 13 or newer) and migrated before it is returned. The password is copied once for the driver; the
     * caller may clear its array afterwards.
     *
     * @throws StoreException {@code UNAVAILABLE} when the server cannot be reached, refuses the login or
     *     the TLS handshake, or does not meet those conditions (the message says which)
     */
    public static Store postgresql(DatabaseServer server, char[] password) throws StoreException {
        return JdbcStores.postgresql(server, password);
    }

    /**
     * Copies every record of {@code source} into {@code target} (both opened here, so at the same schema
     * version) in one transaction on the target; returns the rows copied per table.
     *
     * @throws StoreException {@code ABORTED}, nothing copied, when the target holds anything its migrations did not seed
     */
    public static Map<String, Long> copy(Store source, Store target) throws StoreException {
        return JdbcStores.copy(source, target);
    }

    /**
     * Refuses a store holding anything its migrations did not seed.
     *
     * @throws StoreException {@code ABORTED}, naming a table that holds rows
     */
    public static void requireEmpty(Store store) throws StoreException {
        JdbcStores.requireEmpty(store);
    }

    /** Rows per table of every table of the store's schema, for checking a copy. */
    public static Map<String, Long> rowCounts(Store store) throws StoreException {
        return JdbcStores.rowCounts(store);
    }
}
