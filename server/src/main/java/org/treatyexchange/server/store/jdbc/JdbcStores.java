package org.treatyexchange.server.store.jdbc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Objects;
import java.util.Properties;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.treatyexchange.server.store.Store;
import org.treatyexchange.server.store.StoreException;
import org.treatyexchange.server.store.StoreException.Reason;

/**
 * Not API: use {@code org.treatyexchange.server.store.Stores}. Public only so that the factory in the
 * parent package can reach the package-private implementation.
 */
public final class JdbcStores {
    private static final Logger log = LoggerFactory.getLogger(JdbcStores.class);

    static final int POOL_SIZE = 8;
    private static final String MIGRATIONS = "classpath:db/migration";

    private JdbcStores() {
    }

    /** Opens (creating if needed) the embedded Derby database in {@code databaseDirectory} and migrates it. */
    public static Store derby(Path databaseDirectory) throws StoreException {
        Path dir = Objects.requireNonNull(databaseDirectory, "databaseDirectory").toAbsolutePath().normalize();
        String path = dir.toString();
        if (path.indexOf(';') >= 0) {
            // ';' starts Derby URL attributes: refuse rather than let a path inject one.
            throw new StoreException(Reason.UNAVAILABLE, "the database directory name must not contain ';'", null);
        }
        DerbySystem.configure();
        createParent(dir);
        String url = "jdbc:derby:" + path;
        migrate(url + ";create=true", null, null);
        ConnectionPool pool = new ConnectionPool(() -> DriverManager.getConnection(url), POOL_SIZE);
        log.info("opened the embedded Derby database");
        // Derby copies the database online: the copy is consistent as of the end of the call.
        return new JdbcStore(pool, () -> DerbySystem.shutdown(url), "CALL SYSCS_UTIL.SYSCS_BACKUP_DATABASE(?)");
    }

    /** Connects to a database server (PostgreSQL in production) and migrates it. */
    public static Store jdbc(String url, String user, char[] password) throws StoreException {
        Objects.requireNonNull(url, "url");
        String pw = password == null ? null : new String(password);
        migrate(url, user, pw);
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (pw != null) {
            props.setProperty("password", pw);
        }
        ConnectionPool pool = new ConnectionPool(() -> DriverManager.getConnection(url, props), POOL_SIZE);
        log.info("connected to the metadata database");
        return new JdbcStore(pool, () -> { }, null);
    }

    private static void migrate(String url, String user, String password) throws StoreException {
        try {
            var result = Flyway.configure(JdbcStores.class.getClassLoader())
                    .dataSource(url, user, password)
                    .locations(MIGRATIONS)
                    .failOnMissingLocations(true)
                    .validateMigrationNaming(true)
                    .cleanDisabled(true)
                    .load()
                    .migrate();
            if (result.migrationsExecuted > 0) {
                log.info("database schema migrated to version {}", result.targetSchemaVersion);
            }
        } catch (FlywayException e) {
            throw new StoreException(Reason.UNAVAILABLE, "database schema migration failed", e);
        }
    }

    private static void createParent(Path dir) throws StoreException {
        Path parent = dir.getParent();
        if (parent == null || Files.isDirectory(parent)) {
            return;
        }
        try {
            if (parent.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createDirectories(parent,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new StoreException(Reason.UNAVAILABLE, "cannot create the database's parent directory", e);
        }
    }

    /** Derby's engine-wide settings and the per-database shutdown. */
    static final class DerbySystem {
        private static boolean configured;

        private DerbySystem() {
        }

        /** Must run before the engine boots; explicit operator settings win. */
        static synchronized void configure() {
            if (configured) {
                return;
            }
            configured = true;
            if (Arrays.asList("derby.stream.error.file", "derby.stream.error.method", "derby.stream.error.field")
                    .stream().allMatch(p -> System.getProperty(p) == null)) {
                System.setProperty("derby.stream.error.field", DerbyLog.class.getName() + ".STREAM");
            }
            // Files owner-only: the database holds wrapped keys and who filed what.
            if (System.getProperty("derby.storage.useDefaultFilePermissions") == null) {
                System.setProperty("derby.storage.useDefaultFilePermissions", "false");
            }
            if ("test".equalsIgnoreCase(System.getProperty("derby.system.durability"))) {
                log.error("derby.system.durability=test is set: commits are NOT durable");
            }
        }

        static void shutdown(String url) {
            try {
                DriverManager.getConnection(url + ";shutdown=true").close();
                log.warn("the Derby database did not confirm its shutdown");
            } catch (SQLException e) {
                // Derby reports a clean shutdown as an exception: 08006 for one database.
                if ("08006".equals(e.getSQLState()) || "XJ015".equals(e.getSQLState())) {
                    log.info("closed the embedded Derby database");
                } else {
                    log.warn("shutting the Derby database down failed (SQLState {})", e.getSQLState());
                }
            }
        }
    }
}
