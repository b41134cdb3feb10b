package org.treatyexchange.server.store;

import java.nio.file.Path;
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
}
