package org.treatyexchange.server.store;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the metadata lives when it is not the embedded Derby database: a PostgreSQL server, shared by
 * every node of a cluster. Never the password: {@link Stores#postgresql} takes it separately, from the
 * file the operator named ({@code EXCHANGE_DATABASE_PASSWORD_FILE}), so that it is in no configuration
 * file, URL or process argument.
 *
 * @param url         a {@code jdbc:postgresql://HOST[:PORT]/DATABASE} URL, checked by the configuration
 *                    loader (no password, no TLS settings and no driver plug-ins in it)
 * @param user        the database role, or null for the driver's default
 * @param tls         how the connection is protected
 * @param rootCertificate the CA certificate (PEM) the server's certificate must chain to under
 *                    {@link Tls#VERIFY_CA} and {@link Tls#VERIFY_FULL}; null: the JDK's trusted CAs
 * @param poolSize    most connections this node holds at once, 1..100
 */
public record DatabaseServer(String url, String user, Tls tls, Path rootCertificate, int poolSize) {

    public static final int DEFAULT_POOL_SIZE = 8;

    public DatabaseServer {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(tls, "tls");
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("the database URL must start with jdbc:postgresql:");
        }
        if (poolSize < 1 || poolSize > 100) {
            throw new IllegalArgumentException("poolSize must be 1..100, got " + poolSize);
        }
    }

    /**
     * TLS to the database server, PostgreSQL's {@code sslmode} values. The default is {@link #VERIFY_FULL}.
     */
    public enum Tls {
        /**
         * No TLS. Opens the connection to anyone on the path between the node and the database: they read
         * every filing's metadata, the wrapped document keys and the audit trail, and can change them —
         * also the password exchange can be attacked. Only for a database on the same host over loopback.
         */
        DISABLE,
        /**
         * Encrypted, but the server is not authenticated: an attacker who can redirect the connection
         * (DNS, ARP, a router) sits in the middle unnoticed. Passive eavesdropping only is stopped.
         */
        REQUIRE,
        /**
         * Encrypted, and the server's certificate must chain to {@code rootCertificate} (or the JDK's CAs);
         * its name is not checked, so any certificate of that CA passes.
         */
        VERIFY_CA,
        /** Encrypted, chained to {@code rootCertificate}, and issued to the host name in the URL. */
        VERIFY_FULL;

        /** PostgreSQL's word for it: {@code disable}, {@code require}, {@code verify-ca}, {@code verify-full}. */
        public String mode() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** Whether the server's certificate is checked. */
        public boolean verifies() {
            return this == VERIFY_CA || this == VERIFY_FULL;
        }

        /** The mode of a {@code sslmode} word, if it is one of these four. */
        public static Optional<Tls> ofMode(String mode) {
            for (Tls t : values()) {
                if (t.mode().equals(mode)) {
                    return Optional.of(t);
                }
            }
            return Optional.empty();
        }
    }
}
