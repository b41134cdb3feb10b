package org.treatyexchange.server.store.jdbc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.flywaydb.core.Flyway;
import javax.sql.DataSource;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.treatyexchange.server.store.DatabaseServer;
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
    /**
     * Session settings of every PostgreSQL connection, given at login (not a SET, which a rollback would
     * undo). A writer that finds the writers' lock (the audit head row) held by another node for this long
     * gives up and retries (55P03), as Derby's lock wait timeout makes it do; nothing else in a transaction
     * should ever wait that long.
     */
    private static final String POSTGRESQL_SESSION = "-c lock_timeout=30s";

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
        ConnectionPool pool;
        try {
            pool = new ConnectionPool("exchange-derby", url, null, null, new Properties(), null, POOL_SIZE, false);
        } catch (StoreException e) {
            DerbySystem.shutdown(url);
            throw e;
        }
        log.info("opened the embedded Derby database");
        // Derby copies the database online: the copy is consistent as of the end of the call.
        return new JdbcStore(pool, () -> DerbySystem.shutdown(url), "CALL SYSCS_UTIL.SYSCS_BACKUP_DATABASE(?)",
                DerbySystem::durabilityWeakness);
    }

    /**
     * Connects to a PostgreSQL server, checks that it keeps text as Derby does (UTF-8, compared by code
     * point) and commits durably, and migrates it.
     */
    public static Store postgresql(DatabaseServer server, char[] password) throws StoreException {
        Objects.requireNonNull(server, "server");
        String pw = password == null ? null : new String(password);
        Properties props = postgresqlProperties(server);
        // Flyway gets connections of its own (autocommit, as it expects), closed when it is done.
        try (ConnectionPool migrations = new ConnectionPool("exchange-migrate", server.url(), server.user(), pw, props,
                null, 3, true)) { // Flyway holds two at once
            checkPostgresql(migrations);
            migrate(migrations.dataSource());
        }
        ConnectionPool pool = new ConnectionPool("exchange-db", server.url(), server.user(), pw, props, null,
                server.poolSize(), false);
        log.info("connected to the PostgreSQL database (TLS {})", server.tls().mode());
        return new JdbcStore(pool, () -> { }, null, () -> postgresqlDurabilityWeakness(pool));
    }

    /** See {@link org.treatyexchange.server.store.Stores#copy}. */
    public static Map<String, Long> copy(Store source, Store target) throws StoreException {
        return JdbcStoreCopy.copy(jdbc(source).pool(), jdbc(target).pool());
    }

    /** See {@link org.treatyexchange.server.store.Stores#rowCounts}. */
    public static Map<String, Long> rowCounts(Store store) throws StoreException {
        return JdbcStoreCopy.rowCounts(jdbc(store).pool());
    }

    /** See {@link org.treatyexchange.server.store.Stores#requireEmpty}. */
    public static void requireEmpty(Store store) throws StoreException {
        JdbcStoreCopy.requireEmpty(jdbc(store).pool());
    }

    private static JdbcStore jdbc(Store store) {
        if (store instanceof JdbcStore s) {
            return s;
        }
        throw new IllegalArgumentException("not a store opened by Stores: " + store.getClass().getName());
    }

    static Properties postgresqlProperties(DatabaseServer server) {
        Properties props = new Properties();
        props.setProperty("ApplicationName", "treaty-exchange");
        props.setProperty("options", POSTGRESQL_SESSION);
        props.setProperty("sslmode", server.tls().mode());
        if (server.tls() != DatabaseServer.Tls.DISABLE) {
            props.setProperty("ssl", "true");
        }
        if (server.tls().verifies()) {
            if (server.rootCertificate() != null) {
                props.setProperty("sslrootcert", server.rootCertificate().toAbsolutePath().toString());
            } else {
                // The JDK's trusted CAs; the host name is still checked under verify-full.
                props.setProperty("sslfactory", "org.postgresql.ssl.DefaultJavaSSLFactory");
            }
        }
        props.setProperty("connectTimeout", "10");
        props.setProperty("tcpKeepAlive", "true");
        return props;
    }

    /**
     * What the schema and the code assume of a PostgreSQL database, checked before anything is written:
     * UTF-8 (names are stored as given, in any script) and a collation that orders by code point, as Derby
     * does (ids sort by their time prefix, listings are stable). Refused with the fix otherwise.
     */
    private static void checkPostgresql(ConnectionPool pool) throws StoreException {
        try (Connection c = pool.borrow(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT current_setting('server_encoding'), current_setting('server_version_num')")) {
                rs.next();
                if (!"UTF8".equals(rs.getString(1))) {
                    throw new StoreException(Reason.UNAVAILABLE, "the PostgreSQL database has encoding " + rs.getString(1)
                            + ", not UTF8: create it with CREATE DATABASE … TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'",
                            null);
                }
                if (Integer.parseInt(rs.getString(2)) < 130000) {
                    throw new StoreException(Reason.UNAVAILABLE, "PostgreSQL " + rs.getString(2) + " is too old: 13 or newer is needed", null);
                }
            }
            // Behaviour, not catalogue names: in code-point order 'B' (66) < 'a' (97) and '-' (45) < 'a'.
            try (ResultSet rs = st.executeQuery("SELECT 'B' < 'a', '-z' < 'a', 'Z9' < 'Za'")) {
                rs.next();
                if (!(rs.getBoolean(1) && rs.getBoolean(2) && rs.getBoolean(3))) {
                    throw new StoreException(Reason.UNAVAILABLE, "the PostgreSQL database does not sort text by code point (its "
                            + "collation is not C): create it with CREATE DATABASE … TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' "
                            + "LC_CTYPE 'C'", null);
                }
            }
        } catch (SQLException e) {
            throw SqlErrors.map(e, "check the database");
        }
    }

    /** What makes a commit on this server less than durable, or null when nothing does. */
    private static String postgresqlDurabilityWeakness(ConnectionPool pool) {
        try (Connection c = pool.borrow(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT current_setting('fsync'), current_setting('synchronous_commit')")) {
            rs.next();
            String fsync = rs.getString(1);
            String synchronous = rs.getString(2);
            c.rollback();
            if (!"on".equals(fsync)) {
                return "PostgreSQL fsync is " + fsync + " (database commits are not forced to disk)";
            }
            if ("off".equals(synchronous)) {
                return "PostgreSQL synchronous_commit is off (a commit is acknowledged before its log is on disk)";
            }
            return null;
        } catch (SQLException | StoreException e) {
            return "the PostgreSQL server's fsync and synchronous_commit could not be read";
        }
    }

    private static void migrate(String url, String user, String password) throws StoreException {
        try {
            report(Flyway.configure(JdbcStores.class.getClassLoader())
                    .dataSource(url, user, password)
                    .locations(MIGRATIONS)
                    .failOnMissingLocations(true)
                    .validateMigrationNaming(true)
                    .cleanDisabled(true)
                    .load()
                    .migrate());
        } catch (FlywayException e) {
            throw new StoreException(Reason.UNAVAILABLE, "database schema migration failed", e);
        }
    }

    private static void migrate(DataSource dataSource) throws StoreException {
        try {
            report(Flyway.configure(JdbcStores.class.getClassLoader())
                    .dataSource(dataSource)
                    .locations(MIGRATIONS)
                    .failOnMissingLocations(true)
                    .validateMigrationNaming(true)
                    .cleanDisabled(true)
                    .load()
                    .migrate());
        } catch (FlywayException e) {
            throw new StoreException(Reason.UNAVAILABLE, "database schema migration failed", e);
        }
    }

    private static void report(MigrateResult result) {
        if (result.migrationsExecuted > 0) {
            log.info("database schema migrated to version {}", result.targetSchemaVersion);
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

        /** Derby's durability switch, or null when commits are durable. */
        static String durabilityWeakness() {
            return "test".equalsIgnoreCase(System.getProperty("derby.system.durability"))
                    ? "derby.system.durability=test (database commits are not forced to disk)" : null;
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
