package org.treatyexchange.server;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.treatyexchange.server.config.ConfigException;
import org.treatyexchange.server.config.ServerConfig;
import org.treatyexchange.server.home.DatabasePassword;
import org.treatyexchange.server.home.ExchangeHome;
import org.treatyexchange.server.home.HomeException;
import org.treatyexchange.server.home.SecretFile;
import org.treatyexchange.server.store.DatabaseServer;
import org.treatyexchange.server.store.Store;
import org.treatyexchange.server.store.StoreException;
import org.treatyexchange.server.store.Stores;
import org.treatyexchange.server.store.blob.BlobStore;
import org.treatyexchange.server.store.blob.BlobStores;

/**
 * Opens the stores a configuration names, with the secrets its environment points at: what the server
 * does at start, and what {@code scripts/admin migrate-store} does for the stores it copies into. A
 * setting that does not work ends in a {@link ConfigException} naming the keys to look at.
 */
public final class ConfiguredStorage {

    private ConfiguredStorage() {
    }

    /**
     * The metadata store the configuration names: embedded Derby under the home by default, else the
     * PostgreSQL server of {@code store.database}, with the password from the file named by
     * {@code EXCHANGE_DATABASE_PASSWORD_FILE}. A server that cannot be reached, refuses the login or the
     * TLS handshake stops the start with a message that names the setting to look at.
     */
    public static Store openStore(ServerConfig.Database db, ExchangeHome home, Map<String, String> env) throws ConfigException, StoreException, HomeException {
        if (db.embedded()) {
            return Stores.derby(home.databaseDir());
        }
        DatabaseServer server = new DatabaseServer(db.url(), db.user().isEmpty() ? null : db.user(),
                DatabaseServer.Tls.ofMode(db.sslMode()).orElseThrow(), db.sslRootCert(), db.poolSize());
        char[] password = DatabasePassword.resolve(env, db.passwordFileEnv());
        try {
            return Stores.postgresql(server, password);
        } catch (StoreException e) {
            String cause = causeOf(e);
            String state = e.getCause() instanceof java.sql.SQLException sql && sql.getSQLState() != null ? sql.getSQLState() : "";
            String keys;
            if (state.startsWith("28")) {
                keys = "store.database.user (EXCHANGE_DATABASE_USER) and the file named by " + db.passwordFileEnv();
            } else if (cause.contains("SSL") || cause.contains("certificate") || cause.contains("TLS")) {
                keys = "store.database.sslMode and store.database.sslRootCert (EXCHANGE_DATABASE_SSLMODE, EXCHANGE_DATABASE_SSLROOTCERT)";
            } else {
                keys = "store.database.url (EXCHANGE_DATABASE_URL)";
            }
            throw new ConfigException(Path.of("server configuration"), keys,
                    "cannot use the PostgreSQL database: " + e.getMessage() + cause);
        } finally {
            if (password != null) {
                java.util.Arrays.fill(password, '\0');
            }
        }
    }

    /**
     * The blob store the configuration names: the home's blob directory by default, else the object store
     * of {@code store.blobs}, with the credentials from the file named by {@code EXCHANGE_S3_CREDENTIALS_FILE}.
     */
    public static BlobStore openBlobs(ServerConfig.Storage storage, ExchangeHome home, Map<String, String> env, Clock clock)
            throws ConfigException, IOException, HomeException {
        ServerConfig.ObjectStore os = storage.objectStore();
        if (!os.enabled()) {
            return BlobStores.local(home.blobDir(), storage.fsync());
        }
        String credentials = SecretFile.read(env, os.credentialsFileEnv(), "the object store credentials file",
                "in the AWS credentials format: [default] with aws_access_key_id and aws_secret_access_key");
        if (credentials == null) {
            throw new ConfigException(Path.of("server configuration"), "store.blobs.credentialsFileEnv (" + os.credentialsFileEnv() + ")",
                    "the object store needs credentials: set " + os.credentialsFileEnv() + " to the path of a file (mode 600) in the AWS "
                            + "credentials format");
        }
        try {
            return BlobStores.objectStore(new BlobStores.ObjectStoreSettings(os.endpoint().isEmpty() ? null : java.net.URI.create(os.endpoint()),
                    os.region(), os.bucket(), os.prefix(), credentials, os.partSize(), os.orphanGrace()), clock);
        } catch (java.io.IOException e) {
            throw new ConfigException(Path.of("server configuration"), "store.blobs (EXCHANGE_BLOB_STORE, EXCHANGE_S3_ENDPOINT, "
                    + "EXCHANGE_S3_REGION, the file named by " + os.credentialsFileEnv() + ")", "cannot use the object store: " + e.getMessage());
        }
    }

    /** The driver's own words (a refused login, a failed TLS handshake); it never holds the password. */
    private static String causeOf(StoreException e) {
        Throwable c = e.getCause();
        while (c != null && c.getCause() != null && c.getMessage() == null) {
            c = c.getCause();
        }
        return c == null || c.getMessage() == null ? "" : " (" + c.getMessage() + ")";
    }

}
