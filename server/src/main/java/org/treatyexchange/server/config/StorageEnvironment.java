package org.treatyexchange.server.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where the storage settings come from besides the configuration file: the environment, which a
 * deployment's secrets manager or unit file sets per node. Read by the server at start and by the
 * admin CLI's {@code migrate-store}, so both name a database or object store the same way.
 */
public final class StorageEnvironment {

    private StorageEnvironment() {
    }

    /**
     * {@code store.database} with the environment's overrides: {@code EXCHANGE_DATABASE_URL},
     * {@code EXCHANGE_DATABASE_USER}, {@code EXCHANGE_DATABASE_SSLMODE}, {@code EXCHANGE_DATABASE_SSLROOTCERT}
     * (the password only ever comes from the file named by {@code EXCHANGE_DATABASE_PASSWORD_FILE}).
     * Checked like the file's keys, and named in the message.
     */
    public static ServerConfig.Database database(ServerConfig.Database database, Map<String, String> env) throws ConfigException {
        Path source = Path.of("environment");
        String url = env.get("EXCHANGE_DATABASE_URL");
        if (url != null && !url.isEmpty()) {
            String problem = ServerConfigLoader.databaseUrlProblem(url.strip());
            if (problem != null) {
                throw new ConfigException(source, "EXCHANGE_DATABASE_URL (overrides store.database.url)", problem);
            }
            database = database.withUrl(url.strip());
        }
        String user = env.get("EXCHANGE_DATABASE_USER");
        if (user != null && !user.isEmpty()) {
            String problem = ServerConfigLoader.databaseUserProblem(user.strip());
            if (problem != null) {
                throw new ConfigException(source, "EXCHANGE_DATABASE_USER (overrides store.database.user)", problem);
            }
            database = database.withUser(user.strip());
        }
        String mode = env.get("EXCHANGE_DATABASE_SSLMODE");
        Path root = database.sslRootCert();
        String rootEnv = env.get("EXCHANGE_DATABASE_SSLROOTCERT");
        if (rootEnv != null && !rootEnv.isEmpty()) {
            root = Path.of(rootEnv).toAbsolutePath().normalize();
            String problem = ServerConfigLoader.sslRootCertProblem(root);
            if (problem != null) {
                throw new ConfigException(source, "EXCHANGE_DATABASE_SSLROOTCERT (overrides store.database.sslRootCert)", problem);
            }
        }
        if (mode != null && !mode.isEmpty()) {
            String problem = ServerConfigLoader.sslModeProblem(mode);
            if (problem != null) {
                throw new ConfigException(source, "EXCHANGE_DATABASE_SSLMODE (overrides store.database.sslMode)", problem);
            }
        } else {
            mode = database.sslMode();
        }
        return database.withTls(mode, root);
    }

    /**
     * {@code store.blobs} with the environment's overrides: {@code EXCHANGE_BLOB_STORE},
     * {@code EXCHANGE_S3_ENDPOINT}, {@code EXCHANGE_S3_REGION} (the credentials only ever come from the file
     * named by {@code EXCHANGE_S3_CREDENTIALS_FILE}). Checked like the file's keys, and named in the message.
     */
    public static ServerConfig.ObjectStore objectStore(ServerConfig.ObjectStore store, Map<String, String> env) throws ConfigException {
        Path source = Path.of("environment");
        String url = env.get("EXCHANGE_BLOB_STORE");
        if (url != null && !url.isEmpty()) {
            String problem = ServerConfigLoader.objectStoreUrlProblem(url.strip());
            if (problem != null) {
                throw new ConfigException(source, "EXCHANGE_BLOB_STORE (overrides store.blobs.url)", problem);
            }
            store = store.withUrl(url.strip());
        }
        String endpoint = env.get("EXCHANGE_S3_ENDPOINT");
        if (endpoint != null && !endpoint.isEmpty()) {
            String problem = ServerConfigLoader.objectStoreEndpointProblem(endpoint.strip());
            if (problem != null) {
                throw new ConfigException(source, "EXCHANGE_S3_ENDPOINT (overrides store.blobs.endpoint)", problem);
            }
            store = store.withEndpoint(endpoint.strip());
        }
        String region = env.get("EXCHANGE_S3_REGION");
        if (region != null && !region.isEmpty()) {
            String problem = ServerConfigLoader.objectStoreRegionProblem(region.strip());
            if (problem != null) {
                throw new ConfigException(source, "EXCHANGE_S3_REGION (overrides store.blobs.region)", problem);
            }
            store = store.withRegion(region.strip());
        }
        return store;
    }

}
