package org.treatyexchange.server.store;

import java.nio.file.Path;
import org.treatyexchange.server.store.jdbc.JdbcStores;

/**
 * Opens the metadata {@link Store}. Either way the schema is migrated (Flyway, {@code db/migration})
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
     * A database server reached by JDBC (PostgreSQL in production; its driver must be on the class
     * path). The password is copied once for the driver; the caller may clear its array afterwards.
     */
    public static Store jdbc(String url, String user, char[] password) throws StoreException {
        return JdbcStores.jdbc(url, user, password);
    }
}
