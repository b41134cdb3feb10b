package org.treatyexchange.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.treatyexchange.server.config.ServerConfig;
import org.treatyexchange.server.store.DatabaseServer;
import org.treatyexchange.server.store.Store;
import org.treatyexchange.server.store.StoreException;
import org.treatyexchange.server.store.Stores;

/**
 * The metadata database of one test: embedded Derby in a folder the test gives, or a fresh database
 * ({@code exchange_t_<random>}, UTF-8, C collation) on the real PostgreSQL server that
 * {@code scripts/test-postgres} set up, dropped again by {@link #close()}. Store tests and end-to-end
 * tests are parameterised over {@link Kind}, so each runs on both.
 *
 * <p>PostgreSQL's connection settings come from {@code connection.properties} in the folder named by the
 * system property {@code exchange.test.postgres.dir} (surefire sets it; default
 * {@code ~/.config/treaty-exchange/test-postgres}). When the folder or the server is missing the test
 * FAILS, saying how to set it up: a database test that silently skipped would prove nothing.
 */
public final class TestDatabase implements AutoCloseable {

    /** The databases every store test runs on. */
    public enum Kind {
        DERBY, POSTGRESQL
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Kind kind;
    private final String name;
    private final Settings settings;

    private TestDatabase(Kind kind, String name, Settings settings) {
        this.kind = kind;
        this.name = name;
        this.settings = settings;
    }

    /** The PostgreSQL server the tests use, as scripts/test-postgres wrote it down. */
    public record Settings(String adminUrl, String user, Path passwordFile, Path caCertificate) {

        public static Settings load() {
            Path dir = Path.of(System.getProperty("exchange.test.postgres.dir",
                    Path.of(System.getProperty("user.home"), ".config", "treaty-exchange", "test-postgres").toString()));
            Path file = dir.resolve("connection.properties");
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(file)) {
                p.load(in);
            } catch (IOException e) {
                throw new IllegalStateException("no PostgreSQL for the tests: " + file + " is missing. Run `sudo scripts/test-postgres` "
                        + "(installs and starts PostgreSQL, creates the test role; .ci/run does it in CI), then run the tests again", e);
            }
            return new Settings(p.getProperty("url"), p.getProperty("user"), Path.of(p.getProperty("passwordFile")),
                    Path.of(p.getProperty("caCertificate")));
        }

        public String password() {
            try {
                return Files.readString(passwordFile, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + passwordFile + ": run `sudo scripts/test-postgres` again", e);
            }
        }

        /** A URL for another database on the same server. */
        public String url(String database) {
            return adminUrl.substring(0, adminUrl.lastIndexOf('/') + 1) + database;
        }

        /** A plain JDBC connection as the test role (TLS verified), to database {@code database}. */
        public Connection connect(String database) throws SQLException {
            Properties props = new Properties();
            props.setProperty("user", user);
            props.setProperty("password", password());
            props.setProperty("sslmode", "verify-full");
            props.setProperty("sslrootcert", caCertificate.toString());
            try {
                return DriverManager.getConnection(url(database), props);
            } catch (SQLException e) {
                throw new SQLException("PostgreSQL for the tests is not reachable at " + url(database) + " (" + e.getMessage()
                        + "). Run `sudo scripts/test-postgres` to start it, then run the tests again", e.getSQLState(), e);
            }
        }

        /** Runs one statement in the server's maintenance database {@code postgres} (create and drop databases). */
        public void admin(String sql) throws SQLException {
            try (Connection c = connect("postgres"); Statement st = c.createStatement()) {
                st.execute(sql);
            }
        }
    }

    /** Creates the database of one test: nothing for Derby (the store creates it), a fresh database on PostgreSQL. */
    public static TestDatabase create(Kind kind) throws SQLException {
        if (kind == Kind.DERBY) {
            return new TestDatabase(kind, null, null);
        }
        return createPostgresql("TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'");
    }

    /** A fresh PostgreSQL database created with the given options (e.g. another encoding, to see it refused). */
    public static TestDatabase createPostgresql(String options) throws SQLException {
        Settings settings = Settings.load();
        String name = "exchange_t_" + HexFormat.of().formatHex(randomBytes());
        settings.admin("CREATE DATABASE " + name + " " + options);
        return new TestDatabase(Kind.POSTGRESQL, name, settings);
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[6];
        RANDOM.nextBytes(b);
        return b;
    }

    public Kind kind() {
        return kind;
    }

    public Settings settings() {
        return settings;
    }

    /** The PostgreSQL URL of this database (not for Derby). */
    public String url() {
        requirePostgresql();
        return settings.url(name);
    }

    /** How a server reaches this database: TLS verified against the test CA, pool of 8. */
    public DatabaseServer server() {
        requirePostgresql();
        return new DatabaseServer(url(), settings.user(), DatabaseServer.Tls.VERIFY_FULL, settings.caCertificate(),
                DatabaseServer.DEFAULT_POOL_SIZE);
    }

    /**
     * Opens the store: Derby in {@code derbyDirectory}, else this PostgreSQL database (the folder is then
     * unused). Migrates, as a server does.
     */
    public Store open(Path derbyDirectory) throws StoreException {
        if (kind == Kind.DERBY) {
            return Stores.derby(derbyDirectory);
        }
        return Stores.postgresql(server(), settings.password().toCharArray());
    }

    /** A server configuration that uses this database (Derby: unchanged, the home's own). */
    public ServerConfig configure(ServerConfig config) {
        if (kind == Kind.DERBY) {
            return config;
        }
        return config.withDatabase(config.database().withUrl(url()).withUser(settings.user())
                .withTls("verify-full", settings.caCertificate()));
    }

    /** The environment a server process needs for this database (Derby: none). */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        if (kind == Kind.POSTGRESQL) {
            env.put("EXCHANGE_DATABASE_URL", url());
            env.put("EXCHANGE_DATABASE_USER", settings.user());
            env.put("EXCHANGE_DATABASE_PASSWORD_FILE", settings.passwordFile().toString());
            env.put("EXCHANGE_DATABASE_SSLMODE", "verify-full");
            env.put("EXCHANGE_DATABASE_SSLROOTCERT", settings.caCertificate().toString());
        }
        return env;
    }

    /**
     * The environment entry a server needs for this database's password (the in-process server reads
     * the file named by it).
     */
    public Map<String, String> passwordEnvironment() {
        return kind == Kind.POSTGRESQL ? Map.of("EXCHANGE_DATABASE_PASSWORD_FILE", settings.passwordFile().toString()) : Map.of();
    }

    /**
     * A plain JDBC connection to the database, for what a test does behind the store's back (tampering,
     * plans). Derby: to {@code derbyDirectory}, which must then be shut down with
     * {@code DatabaseTampering.shutdown} before a store opens it again.
     */
    public Connection connect(Path derbyDirectory) throws SQLException {
        if (kind == Kind.DERBY) {
            return DriverManager.getConnection("jdbc:derby:" + derbyDirectory.toAbsolutePath().normalize());
        }
        return settings.connect(name);
    }

    private void requirePostgresql() {
        if (kind != Kind.POSTGRESQL) {
            throw new IllegalStateException("not a PostgreSQL database");
        }
    }

    @Override
    public String toString() {
        return kind == Kind.DERBY ? "Derby" : "PostgreSQL " + name;
    }

    /**
     * Drops the PostgreSQL database. A plain DROP first: it also makes an autovacuum worker that happens to
     * be in the database leave (which WITH (FORCE) may not do for a role that is not a superuser); FORCE
     * only for a connection a test left open (a killed server's, until the server notices); retried for a
     * few seconds.
     */
    @Override
    public void close() throws SQLException {
        if (kind != Kind.POSTGRESQL) {
            return;
        }
        SQLException last = null;
        for (int attempt = 0; attempt < 50; attempt++) {
            try {
                settings.admin("DROP DATABASE IF EXISTS " + name);
                return;
            } catch (SQLException inUse) {
                last = inUse;
            }
            try {
                settings.admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
                return;
            } catch (SQLException notAllowed) {
                last = notAllowed;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw last;
    }
}
