package org.treatyexchange.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.time.MonthDay;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;

/**
 * The validated contents of {@code config/server.yaml}. Immutable; every value has a safe default
 * (see {@link #defaults()}), and {@link ServerConfigLoader} has checked every range and name.
 * Paths inside {@link Sftp}, {@link Keys} and {@link Admin} are kept as written; resolve them
 * with {@link #resolveInHome(Path)} so that {@link #withHome(Path)} moves them all together.
 *
 * @param home the data directory, absolute (a relative {@code home} is resolved against the
 *     working directory at load time)
 * @param registryFile the registry file ({@code config/registry.yaml}), absolute
 * @param demo the demonstration switches
 * @param sftp the SFTP listener
 * @param api the HTTPS signed-message listener
 * @param limits per-file, per-account and per-session limits
 * @param storage how documents are written
 * @param database where the metadata lives: embedded Derby under the home, or a PostgreSQL server
 * @param keys where the key stores are and where their password comes from
 * @param admin the operator's admin channel
 * @param reportTypes the report types States may file, ids unique
 * @param portal the browser portal
 * @param audit the audit chain's checkpoints and start-up check
 * @param monitoring the health and metrics listener (plain HTTP, loopback by default)
 * @param release how the secretariat's release is decided (four-eyes per level)
 * @param receipts how receipts are made: their RFC 3161 timestamps
 * @param notifications e-mail to the States' points of contact and the secretariat; off unless {@code notifications.smtp} is set
 */
public record ServerConfig(
        Path home,
        Path registryFile,
        Demo demo,
        Sftp sftp,
        Api api,
        Limits limits,
        Storage storage,
        Database database,
        Keys keys,
        Admin admin,
        List<ReportType> reportTypes,
        Portal portal,
        Audit audit,
        Monitoring monitoring,
        Release release,
        Receipts receipts,
        Notifications notifications,
        Delegation delegation) {

    /** As the canonical constructor, with the delegation's defaults (for callers that predate delegated administration). */
    public ServerConfig(Path home, Path registryFile, Demo demo, Sftp sftp, Api api, Limits limits, Storage storage, Database database,
            Keys keys, Admin admin, List<ReportType> reportTypes, Portal portal, Audit audit, Monitoring monitoring, Release release,
            Receipts receipts, Notifications notifications) {
        this(home, registryFile, demo, sftp, api, limits, storage, database, keys, admin, reportTypes, portal, audit, monitoring, release,
                receipts, notifications, Delegation.DEFAULTS);
    }

    /** As the canonical constructor, with the portal's defaults (for callers that predate the portal). */
    public ServerConfig(Path home, Path registryFile, Demo demo, Sftp sftp, Api api, Limits limits, Storage storage, Database database,
            Keys keys, Admin admin, List<ReportType> reportTypes) {
        this(home, registryFile, demo, sftp, api, limits, storage, database, keys, admin, reportTypes, Portal.DEFAULTS, Audit.DEFAULTS, Monitoring.DEFAULTS);
    }

    /** As the canonical constructor, with the release's defaults (no four-eyes), receipts untimestamped and notifications off (for callers that predate them). */
    public ServerConfig(Path home, Path registryFile, Demo demo, Sftp sftp, Api api, Limits limits, Storage storage, Database database,
            Keys keys, Admin admin, List<ReportType> reportTypes, Portal portal, Audit audit, Monitoring monitoring) {
        this(home, registryFile, demo, sftp, api, limits, storage, database, keys, admin, reportTypes, portal, audit, monitoring, Release.DEFAULTS,
                Receipts.DEFAULTS, Notifications.OFF);
    }

    /** As the canonical constructor, with receipts untimestamped and notifications off (for callers that predate them). */
    public ServerConfig(Path home, Path registryFile, Demo demo, Sftp sftp, Api api, Limits limits, Storage storage, Database database,
            Keys keys, Admin admin, List<ReportType> reportTypes, Portal portal, Audit audit, Monitoring monitoring, Release release) {
        this(home, registryFile, demo, sftp, api, limits, storage, database, keys, admin, reportTypes, portal, audit, monitoring, release,
                Receipts.DEFAULTS, Notifications.OFF);
    }

    /** As the canonical constructor, with the audit's defaults (for callers that predate checkpoints). */
    public ServerConfig(Path home, Path registryFile, Demo demo, Sftp sftp, Api api, Limits limits, Storage storage, Database database,
            Keys keys, Admin admin, List<ReportType> reportTypes, Portal portal) {
        this(home, registryFile, demo, sftp, api, limits, storage, database, keys, admin, reportTypes, portal, Audit.DEFAULTS, Monitoring.DEFAULTS);
    }

    public ServerConfig {
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(registryFile, "registryFile");
        Objects.requireNonNull(demo, "demo");
        Objects.requireNonNull(sftp, "sftp");
        Objects.requireNonNull(api, "api");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(portal, "portal");
        Objects.requireNonNull(audit, "audit");
        Objects.requireNonNull(monitoring, "monitoring");
        Objects.requireNonNull(release, "release");
        Objects.requireNonNull(receipts, "receipts");
        Objects.requireNonNull(notifications, "notifications");
        Objects.requireNonNull(delegation, "delegation");
        home = home.toAbsolutePath().normalize();
        registryFile = registryFile.toAbsolutePath().normalize();
        reportTypes = List.copyOf(reportTypes);
        if (api.enabled() && api.port() != 0 && api.port() == sftp.port()) {
            throw new IllegalArgumentException("api.port and sftp.port must differ, both are " + api.port());
        }
        if (portal.enabled() && portal.port() != 0 && (portal.port() == sftp.port() || (api.enabled() && portal.port() == api.port()))) {
            throw new IllegalArgumentException("portal.port must differ from sftp.port and api.port, got " + portal.port());
        }
    }


    /**
     * A copy with some components changed: every {@code with…} goes through here, so a new component is added
     * in three places only (the record, {@link Copy} and {@link Copy#build}).
     */
    private ServerConfig with(java.util.function.Consumer<Copy> change) {
        Copy c = new Copy(this);
        change.accept(c);
        return c.build();
    }

    /** The components of a configuration being copied, each replaceable before {@link #build}. */
    private static final class Copy {
        Path home;
        Path registryFile;
        Demo demo;
        Sftp sftp;
        Api api;
        Limits limits;
        Storage storage;
        Database database;
        Keys keys;
        Admin admin;
        List<ReportType> reportTypes;
        Portal portal;
        Audit audit;
        Monitoring monitoring;
        Release release;
        Receipts receipts;
        Notifications notifications;
        Delegation delegation;

        Copy(ServerConfig c) {
            home = c.home;
            registryFile = c.registryFile;
            demo = c.demo;
            sftp = c.sftp;
            api = c.api;
            limits = c.limits;
            storage = c.storage;
            database = c.database;
            keys = c.keys;
            admin = c.admin;
            reportTypes = c.reportTypes;
            portal = c.portal;
            audit = c.audit;
            monitoring = c.monitoring;
            release = c.release;
            receipts = c.receipts;
            notifications = c.notifications;
            delegation = c.delegation;
        }

        ServerConfig build() {
            return new ServerConfig(home, registryFile, demo, sftp, api, limits, storage, database, keys, admin, reportTypes, portal, audit,
                    monitoring, release, receipts, notifications, delegation);
        }
    }

    /** The same configuration with another registry file. */
    public ServerConfig withRegistryFile(Path file) {
        return with(c -> c.registryFile = file);
    }

    /** The same configuration with other limits. */
    public ServerConfig withLimits(Limits newLimits) {
        return with(c -> c.limits = newLimits);
    }

    /** The same configuration with other HTTPS API settings. */
    public ServerConfig withApi(Api newApi) {
        return with(c -> c.api = newApi);
    }

    /** The same configuration with other SFTP settings. */
    public ServerConfig withSftp(Sftp newSftp) {
        return with(c -> c.sftp = newSftp);
    }

    /** The same configuration with another document storage (environment overrides, tests). */
    public ServerConfig withStorage(Storage newStorage) {
        return with(c -> c.storage = newStorage);
    }

    /** The same configuration with another metadata database (environment overrides, tests). */
    public ServerConfig withDatabase(Database newDatabase) {
        return with(c -> c.database = newDatabase);
    }

    /** The same configuration with other audit settings (the start-up override, tests). */
    public ServerConfig withAudit(Audit newAudit) {
        return with(c -> c.audit = newAudit);
    }

    /** A copy with other receipt settings (timestamping). */
    public ServerConfig withReceipts(Receipts newReceipts) {
        return with(c -> c.receipts = newReceipts);
    }

    /** The same configuration with other notification settings (tests). */
    public ServerConfig withNotifications(Notifications newNotifications) {
        return with(c -> c.notifications = newNotifications);
    }

    /** The same configuration with other report types (their calendar: deadlines and schedules; tests). */
    public ServerConfig withReportTypes(List<ReportType> newReportTypes) {
        return with(c -> c.reportTypes = List.copyOf(newReportTypes));
    }

    /** The same configuration with another delegated-administration policy (tests). */
    public ServerConfig withDelegation(Delegation newDelegation) {
        return with(c -> c.delegation = newDelegation);
    }

    /** The same configuration with other release settings (four-eyes; tests). */
    public ServerConfig withRelease(Release newRelease) {
        return with(c -> c.release = newRelease);
    }

    /** The configuration of an empty {@code server.yaml}, with {@code home} resolved against the working directory. */
    public static ServerConfig defaults() {
        return new ServerConfig(Path.of("data"), Path.of("config", "registry.yaml"), Demo.DEFAULTS, Sftp.DEFAULTS,
                Api.DEFAULTS, Limits.DEFAULTS, Storage.DEFAULTS, Database.DEFAULTS, Keys.DEFAULTS, Admin.DEFAULTS, ReportType.DEFAULTS);
    }

    /** A copy with another data directory (command-line or environment override); relative paths follow it. */
    public ServerConfig withHome(Path newHome) {
        return with(c -> c.home = newHome);
    }

    /**
     * A copy listening on another SFTP port (command-line or environment override).
     *
     * @throws IllegalArgumentException if the port is not in 0..65535 (0 = any free port)
     */
    public ServerConfig withSftpPort(int port) {
        return with(c -> c.sftp = new Sftp(sftp.bind(), port, sftp.authTimeout(), sftp.idleTimeout(),
                sftp.maxUnauthenticatedConnections(), sftp.hostKeys(), sftp.algorithms(), sftp.lockout(),
                sftp.passwordAuthentication(), sftp.perSource()));
    }

    /**
     * A copy listening on another address (command-line or environment override).
     *
     * @throws IllegalArgumentException if the address is not an IP address or host name
     */
    public ServerConfig withSftpBind(String bind) {
        return with(c -> c.sftp = new Sftp(bind, sftp.port(), sftp.authTimeout(), sftp.idleTimeout(),
                sftp.maxUnauthenticatedConnections(), sftp.hostKeys(), sftp.algorithms(), sftp.lockout(),
                sftp.passwordAuthentication(), sftp.perSource()));
    }

    /**
     * A copy whose HTTPS API listens on another port (command-line or environment override).
     *
     * @throws IllegalArgumentException if the port is not in 0..65535 (0 = any free port), or
     *     equals a nonzero SFTP port
     */
    public ServerConfig withApiPort(int port) {
        return with(c -> c.api = api.withPort(port));
    }

    /**
     * A copy whose HTTPS API listens on another address (command-line or environment override).
     *
     * @throws IllegalArgumentException if the address is not an IP address or host name
     */
    public ServerConfig withApiBind(String bind) {
        return with(c -> c.api = api.withBind(bind));
    }

    /**
     * A copy whose browser portal listens on another port (command-line or environment override).
     *
     * @throws IllegalArgumentException if the port is not in 0..65535 or equals another listener's
     */
    public ServerConfig withPortalPort(int port) {
        return with(c -> c.portal = portal.withPort(port));
    }

    /** A copy whose browser portal listens on another address (command-line or environment override). */
    public ServerConfig withPortalBind(String bind) {
        return with(c -> c.portal = portal.withBind(bind));
    }

    /** A copy whose health and metrics listener uses another port (command-line or environment override). */
    public ServerConfig withMonitoringPort(int port) {
        return with(c -> c.monitoring = monitoring.withPort(port));
    }

    /** A copy with other health and metrics listener settings. */
    public ServerConfig withMonitoring(Monitoring newMonitoring) {
        return with(c -> c.monitoring = newMonitoring);
    }

    /** {@code p} if absolute, else {@code p} under {@link #home()}. */
    public Path resolveInHome(Path p) {
        return home.resolve(p).normalize();
    }

    /** The ids of {@link #reportTypes()} (unordered). */
    public Set<String> reportTypeIds() {
        Set<String> ids = new LinkedHashSet<>();
        reportTypes.forEach(t -> ids.add(t.id()));
        return Set.copyOf(ids);
    }

    /** The report type with this id, if configured. */
    public Optional<ReportType> reportType(String id) {
        return reportTypes.stream().filter(t -> t.id().equals(id)).findFirst();
    }

    /**
     * Demonstration switches.
     *
     * @param enabled when true, the server generates an SSH client key pair for every registry
     *     account marked {@code demoKey: true} and accepts it; never enable on a production
     *     server: anyone who can read the generated private keys can log in as those accounts
     */
    public record Demo(boolean enabled) {
        public static final Demo DEFAULTS = new Demo(false);
    }

    /**
     * The SFTP listener.
     *
     * @param bind address to listen on; the default loopback address keeps the server unreachable
     *     from the network until an operator decides otherwise
     * @param port TCP port, 0..65535, 0 = any free port (tests)
     * @param authTimeout how long a connection may take to authenticate
     * @param idleTimeout how long an authenticated session may stay idle
     * @param maxUnauthenticatedConnections connections allowed at once before authentication
     *     (bounds pre-auth resource use)
     * @param hostKeys host key files, relative to home unless absolute
     * @param algorithms the only SSH algorithms offered
     * @param lockout when repeated failed logins lock out a source address or an account
     * @param passwordAuthentication whether SSH password authentication is offered (default false).
     *     Turning it on opens online password guessing against every account that has a
     *     {@code passwordHash} in the registry (bounded by the lockout and by Argon2id's cost, which the
     *     server also pays on every attempt); accounts without a hash still log in by key only
     * @param perSource what one source address may cost before it has authenticated
     */
    public record Sftp(
            String bind,
            int port,
            Duration authTimeout,
            Duration idleTimeout,
            int maxUnauthenticatedConnections,
            List<Path> hostKeys,
            Algorithms algorithms,
            Lockout lockout,
            boolean passwordAuthentication,
            PerSource perSource) {
        public static final Sftp DEFAULTS = new Sftp("127.0.0.1", 2222, Duration.ofSeconds(30),
                Duration.ofMinutes(10), 64,
                List.of(Path.of("keys", "ssh_host_ed25519_key"), Path.of("keys", "ssh_host_rsa_key")),
                Algorithms.DEFAULTS, Lockout.DEFAULTS, false, PerSource.DEFAULTS);

        /** The listener with the default per-source limits. */
        public Sftp(String bind, int port, Duration authTimeout, Duration idleTimeout, int maxUnauthenticatedConnections,
                List<Path> hostKeys, Algorithms algorithms, Lockout lockout, boolean passwordAuthentication) {
            this(bind, port, authTimeout, idleTimeout, maxUnauthenticatedConnections, hostKeys, algorithms, lockout,
                    passwordAuthentication, PerSource.DEFAULTS);
        }

        /** The listener with password authentication off. */
        public Sftp(String bind, int port, Duration authTimeout, Duration idleTimeout, int maxUnauthenticatedConnections,
                List<Path> hostKeys, Algorithms algorithms, Lockout lockout) {
            this(bind, port, authTimeout, idleTimeout, maxUnauthenticatedConnections, hostKeys, algorithms, lockout, false);
        }

        /** The listener with the default lockout. */
        public Sftp(String bind, int port, Duration authTimeout, Duration idleTimeout, int maxUnauthenticatedConnections,
                List<Path> hostKeys, Algorithms algorithms) {
            this(bind, port, authTimeout, idleTimeout, maxUnauthenticatedConnections, hostKeys, algorithms, Lockout.DEFAULTS);
        }

        public Sftp {
            Objects.requireNonNull(bind, "bind");
            if (!ServerConfigLoader.isValidBind(bind)) {
                throw new IllegalArgumentException("sftp.bind must be an IP address or host name, got '" + bind + "'");
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("sftp.port must be in 0..65535, got " + port);
            }
            Objects.requireNonNull(authTimeout, "authTimeout");
            Objects.requireNonNull(idleTimeout, "idleTimeout");
            hostKeys = List.copyOf(hostKeys);
            Objects.requireNonNull(algorithms, "algorithms");
            Objects.requireNonNull(lockout, "lockout");
            Objects.requireNonNull(perSource, "perSource");
        }

        /** A copy with another lockout policy. */
        public Sftp withLockout(Lockout newLockout) {
            return new Sftp(bind, port, authTimeout, idleTimeout, maxUnauthenticatedConnections, hostKeys, algorithms, newLockout,
                    passwordAuthentication, perSource);
        }

        /** A copy with other SSH algorithm lists. */
        public Sftp withAlgorithms(Algorithms newAlgorithms) {
            return new Sftp(bind, port, authTimeout, idleTimeout, maxUnauthenticatedConnections, hostKeys, newAlgorithms, lockout,
                    passwordAuthentication, perSource);
        }

        /** A copy with password authentication switched on or off. */
        public Sftp withPasswordAuthentication(boolean on) {
            return new Sftp(bind, port, authTimeout, idleTimeout, maxUnauthenticatedConnections, hostKeys, algorithms, lockout, on,
                    perSource);
        }

        /** A copy with other per-source limits. */
        public Sftp withPerSource(PerSource newPerSource) {
            return new Sftp(bind, port, authTimeout, idleTimeout, maxUnauthenticatedConnections, hostKeys, algorithms, lockout,
                    passwordAuthentication, newPerSource);
        }
    }

    /**
     * What one source address (an IP address; every port of it) may cost the SSH listener before any of
     * its connections has authenticated. Without it, one address could take every one of the
     * {@code maxUnauthenticatedConnections} slots by opening connections that only send a banner, and
     * every other State's login would be refused until the authentication timeout. A connection over
     * either limit is closed as soon as it is accepted, before the key exchange.
     *
     * @param maxUnauthenticatedConnections connections from one address waiting to authenticate at once,
     *     1..10000; a legitimate client needs one per session it is opening
     * @param connectionsPerSecond new connections accepted from one address per second, sustained
     *     (a token bucket), 1..10000
     * @param connectionBurst new connections accepted from one address at once before the rate applies
     *     (the bucket's size), 1..100000
     */
    public record PerSource(int maxUnauthenticatedConnections, int connectionsPerSecond, int connectionBurst) {
        public static final PerSource DEFAULTS = new PerSource(8, 10, 50);

        public PerSource {
            if (maxUnauthenticatedConnections < 1 || maxUnauthenticatedConnections > 10_000) {
                throw new IllegalArgumentException("sftp.perSource.maxUnauthenticatedConnections must be in 1..10000, got "
                        + maxUnauthenticatedConnections);
            }
            if (connectionsPerSecond < 1 || connectionsPerSecond > 10_000) {
                throw new IllegalArgumentException("sftp.perSource.connectionsPerSecond must be in 1..10000, got " + connectionsPerSecond);
            }
            if (connectionBurst < 1 || connectionBurst > 100_000) {
                throw new IllegalArgumentException("sftp.perSource.connectionBurst must be in 1..100000, got " + connectionBurst);
            }
        }
    }

    /**
     * Temporary lockout after repeated failed SSH logins. A failure is a connection that tried to
     * authenticate and closed without succeeding (however many keys it offered; MINA bounds the
     * attempts per connection). {@code maxFailures} such connections from one source address, or for
     * one account name (registered or not, so the lockout reveals nothing), within {@code window}
     * lock that address or name out for {@code duration}: a locked-out source is disconnected at
     * once, a locked-out account is refused whatever key it offers. A successful login clears the
     * account's count, never the source's.
     *
     * @param maxFailures failures that trigger a lockout, 1..1000
     * @param window time over which failures are counted, 1s..24h
     * @param duration how long a lockout lasts, 1s..24h
     */
    public record Lockout(int maxFailures, Duration window, Duration duration) {
        public static final Lockout DEFAULTS = new Lockout(10, Duration.ofMinutes(10), Duration.ofMinutes(15));

        public Lockout {
            if (maxFailures < 1 || maxFailures > 1000) {
                throw new IllegalArgumentException("sftp.lockout.maxFailures must be in 1..1000, got " + maxFailures);
            }
            Objects.requireNonNull(window, "window");
            Objects.requireNonNull(duration, "duration");
        }
    }

    /**
     * The HTTPS listener of the signed-message channel (mutual TLS, CMS-signed envelopes).
     *
     * @param enabled whether the listener starts
     * @param bind address to listen on; the default loopback address keeps the API off the network
     *     until an operator decides otherwise
     * @param port TCP port, 0..65535, 0 = any free port (tests); differs from a nonzero
     *     {@code sftp.port}
     * @param maxHeaderSize largest request line plus headers, bytes (1KiB..1MiB)
     * @param maxEnvelopeSize largest signed envelope (the CMS structure), bytes (1KiB..16MiB);
     *     larger ones are refused before parsing
     * @param maxDocuments most documents attached to one message (0..1024)
     * @param requestsPerMinute requests one client certificate may make per minute (1..100000)
     * @param idleTimeout an idle connection is closed after this (1s..24h)
     * @param readTimeout the TLS handshake must end, and each wait for the next bytes of a request
     *     body must end, within this (1s..10m); it is also the grace of {@code minDataRate}
     * @param minDataRate the slowest a request body may arrive, bytes per second, averaged from its
     *     start (1..1GiB): a body of N bytes must arrive in full within {@code readTimeout} plus N /
     *     {@code minDataRate} seconds of waiting for the client, else 408 and the connection is closed.
     *     Bounds how long a client that trickles its body (one byte every few seconds) keeps a
     *     connection and its upload open
     * @param maxConnectionsPerClient connections one client certificate may hold open at once
     *     (1..10000); the request of one more is answered 429 and its connection closed
     * @param clockSkew how far an envelope's created-at and signing time may be from the server's
     *     clock (10s..24h)
     * @param executorThreads threads that verify signatures and talk to the store, off the event
     *     loop (1..256)
     * @param tls protocols and cipher suites
     * @param serverNames DNS names the server certificate is issued for; at least one
     */
    public record Api(
            boolean enabled,
            String bind,
            int port,
            int maxHeaderSize,
            int maxEnvelopeSize,
            int maxDocuments,
            int requestsPerMinute,
            Duration idleTimeout,
            Duration readTimeout,
            Duration clockSkew,
            int executorThreads,
            Tls tls,
            List<String> serverNames,
            long minDataRate,
            int maxConnectionsPerClient) {
        public static final long DEFAULT_MIN_DATA_RATE = 4 << 10;
        public static final int DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 16;
        public static final Api DEFAULTS = new Api(true, "127.0.0.1", 8443, 16 << 10, 64 << 10, 16, 120,
                Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofMinutes(5), 8, Tls.DEFAULTS,
                List.of("localhost"), DEFAULT_MIN_DATA_RATE, DEFAULT_MAX_CONNECTIONS_PER_CLIENT);

        /** The listener with the default minimum data rate and connections per client. */
        public Api(boolean enabled, String bind, int port, int maxHeaderSize, int maxEnvelopeSize, int maxDocuments,
                int requestsPerMinute, Duration idleTimeout, Duration readTimeout, Duration clockSkew, int executorThreads, Tls tls,
                List<String> serverNames) {
            this(enabled, bind, port, maxHeaderSize, maxEnvelopeSize, maxDocuments, requestsPerMinute, idleTimeout, readTimeout,
                    clockSkew, executorThreads, tls, serverNames, DEFAULT_MIN_DATA_RATE, DEFAULT_MAX_CONNECTIONS_PER_CLIENT);
        }

        public Api {
            Objects.requireNonNull(bind, "bind");
            if (!ServerConfigLoader.isValidBind(bind)) {
                throw new IllegalArgumentException("api.bind must be an IP address or host name, got '" + bind + "'");
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("api.port must be in 0..65535, got " + port);
            }
            Objects.requireNonNull(idleTimeout, "idleTimeout");
            Objects.requireNonNull(readTimeout, "readTimeout");
            Objects.requireNonNull(clockSkew, "clockSkew");
            Objects.requireNonNull(tls, "tls");
            serverNames = List.copyOf(serverNames);
            if (serverNames.isEmpty()) {
                throw new IllegalArgumentException("api.serverNames must name at least one DNS name");
            }
            if (minDataRate < 1 || minDataRate > 1L << 30) {
                throw new IllegalArgumentException("api.minDataRate must be in 1..1GiB per second, got " + minDataRate);
            }
            if (maxConnectionsPerClient < 1 || maxConnectionsPerClient > 10_000) {
                throw new IllegalArgumentException("api.maxConnectionsPerClient must be in 1..10000, got " + maxConnectionsPerClient);
            }
        }

        Api withPort(int newPort) {
            return new Api(enabled, bind, newPort, maxHeaderSize, maxEnvelopeSize, maxDocuments, requestsPerMinute,
                    idleTimeout, readTimeout, clockSkew, executorThreads, tls, serverNames, minDataRate, maxConnectionsPerClient);
        }

        Api withBind(String newBind) {
            return new Api(enabled, newBind, port, maxHeaderSize, maxEnvelopeSize, maxDocuments, requestsPerMinute,
                    idleTimeout, readTimeout, clockSkew, executorThreads, tls, serverNames, minDataRate, maxConnectionsPerClient);
        }

        /** A copy with another number of executor threads (which also sizes admission: twice as many requests in flight). */
        public Api withExecutorThreads(int newExecutorThreads) {
            return new Api(enabled, bind, port, maxHeaderSize, maxEnvelopeSize, maxDocuments, requestsPerMinute,
                    idleTimeout, readTimeout, clockSkew, newExecutorThreads, tls, serverNames, minDataRate, maxConnectionsPerClient);
        }

        /** A copy with another read timeout, minimum data rate and cap of connections per client certificate. */
        public Api withSlowClientLimits(Duration newReadTimeout, long newMinDataRate, int newMaxConnectionsPerClient) {
            return new Api(enabled, bind, port, maxHeaderSize, maxEnvelopeSize, maxDocuments, requestsPerMinute,
                    idleTimeout, newReadTimeout, clockSkew, executorThreads, tls, serverNames, newMinDataRate, newMaxConnectionsPerClient);
        }
    }

    /**
     * The browser portal (HTTPS, its own port; TLS protocols and suites are the API's {@link Tls}).
     *
     * @param enabled start the portal listener
     * @param bind listen address; loopback keeps the portal off the network
     * @param port TCP port (0 = any free port); differs from the SFTP and API ports
     * @param maxHeaderSize request line plus headers (1KiB..1MiB)
     * @param maxFormSize largest url-encoded form body (1KiB..1MiB); uploads have their own limits
     * @param readTimeout a request must arrive in full within this (1s..10m)
     * @param executorThreads threads that render pages and call the application layer, off the event loop (1..256)
     * @param sessionIdle a session unused this long ends (1m..24h)
     * @param sessionAbsolute a session ends this long after login whatever its use (sessionIdle..7d)
     */
    public record Portal(
            boolean enabled,
            String bind,
            int port,
            int maxHeaderSize,
            int maxFormSize,
            Duration readTimeout,
            int executorThreads,
            Duration sessionIdle,
            Duration sessionAbsolute) {
        public static final Portal DEFAULTS = new Portal(true, "127.0.0.1", 8444, 16 << 10, 64 << 10, Duration.ofSeconds(30), 8,
                Duration.ofMinutes(15), Duration.ofHours(8));

        public Portal {
            Objects.requireNonNull(bind, "bind");
            if (!ServerConfigLoader.isValidBind(bind)) {
                throw new IllegalArgumentException("portal.bind must be an IP address or host name, got '" + bind + "'");
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("portal.port must be in 0..65535, got " + port);
            }
            Objects.requireNonNull(readTimeout, "readTimeout");
            Objects.requireNonNull(sessionIdle, "sessionIdle");
            Objects.requireNonNull(sessionAbsolute, "sessionAbsolute");
            if (sessionAbsolute.compareTo(sessionIdle) < 0) {
                throw new IllegalArgumentException("portal.sessionAbsolute must be at least portal.sessionIdle");
            }
        }

        Portal withPort(int newPort) {
            return new Portal(enabled, bind, newPort, maxHeaderSize, maxFormSize, readTimeout, executorThreads, sessionIdle, sessionAbsolute);
        }

        Portal withBind(String newBind) {
            return new Portal(enabled, newBind, port, maxHeaderSize, maxFormSize, readTimeout, executorThreads, sessionIdle, sessionAbsolute);
        }
    }

    /**
     * The health and metrics listener: plain HTTP for the local monitoring agent (Prometheus, a load
     * balancer's health check), on its own port and on loopback by default. It serves no document and no
     * secret; its metric labels carry no document name, title or State-confidential value. Binding it to
     * another address exposes operational counts (filings per channel, refusal reasons) to that network.
     *
     * @param enabled start the listener
     * @param bind listen address; loopback keeps it to the local agent
     * @param port TCP port (0 = any free port)
     * @param minFreeSpace {@code /health/ready} fails when the data directory has less free space than this
     */
    public record Monitoring(boolean enabled, String bind, int port, long minFreeSpace) {
        public static final Monitoring DEFAULTS = new Monitoring(true, "127.0.0.1", 9464, 1L << 30);

        public Monitoring {
            Objects.requireNonNull(bind, "bind");
            if (!ServerConfigLoader.isValidBind(bind)) {
                throw new IllegalArgumentException("monitoring.bind must be an IP address or host name, got '" + bind + "'");
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("monitoring.port must be in 0..65535, got " + port);
            }
            if (minFreeSpace < 0) {
                throw new IllegalArgumentException("monitoring.minFreeSpace must not be negative, got " + minFreeSpace);
            }
        }

        Monitoring withPort(int newPort) {
            return new Monitoring(enabled, bind, newPort, minFreeSpace);
        }
    }

    /**
     * TLS settings of the API, in order of preference. The loader admits only names from
     * {@link #ALLOWED_PROTOCOLS} and {@link #ALLOWED_CIPHER_SUITES} and refuses known-weak ones by
     * name with the reason.
     *
     * @param protocols TLS versions offered
     * @param cipherSuites cipher suites offered, IANA names as the JDK spells them
     */
    public record Tls(List<String> protocols, List<String> cipherSuites) {
        /** TLS 1.3 and 1.2 only; older versions are deprecated (RFC 8996). */
        public static final List<String> ALLOWED_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
        /** TLS 1.3 cipher suites. */
        public static final List<String> TLS13_CIPHER_SUITES = List.of("TLS_AES_256_GCM_SHA384",
                "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256");
        /** Forward-secret AEAD suites only: ECDHE key exchange, GCM or ChaCha20-Poly1305. */
        public static final List<String> ALLOWED_CIPHER_SUITES = List.of(
                "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256",
                "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
                "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
        public static final Tls DEFAULTS = new Tls(ALLOWED_PROTOCOLS, ALLOWED_CIPHER_SUITES);

        public Tls {
            protocols = List.copyOf(protocols);
            cipherSuites = List.copyOf(cipherSuites);
        }
    }

    /**
     * The SSH algorithms offered, in order of preference. The loader admits only names from
     * {@link Algorithms#ALLOWED_KEX} and its siblings, and refuses known-weak ones by name.
     */
    public record Algorithms(
            List<String> kex,
            List<String> ciphers,
            List<String> macs,
            List<String> hostKeyAlgorithms,
            List<String> publicKeyAlgorithms) {
        /** Key exchanges the server may offer; hybrid post-quantum first. */
        public static final List<String> ALLOWED_KEX = List.of("mlkem768x25519-sha256",
                "sntrup761x25519-sha512", "sntrup761x25519-sha512@openssh.com", "curve25519-sha256",
                "curve25519-sha256@libssh.org", "curve448-sha512", "diffie-hellman-group16-sha512",
                "diffie-hellman-group18-sha512", "diffie-hellman-group-exchange-sha256");
        /** Ciphers the server may offer: AEAD modes and CTR; never CBC or RC4. */
        public static final List<String> ALLOWED_CIPHERS = List.of("aes256-gcm@openssh.com",
                "aes128-gcm@openssh.com", "chacha20-poly1305@openssh.com", "aes256-ctr", "aes192-ctr",
                "aes128-ctr");
        /** MACs the server may offer: SHA-2 only. */
        public static final List<String> ALLOWED_MACS = List.of("hmac-sha2-512-etm@openssh.com",
                "hmac-sha2-256-etm@openssh.com", "hmac-sha2-512", "hmac-sha2-256");
        /** Host key signature algorithms the server may offer. */
        public static final List<String> ALLOWED_HOST_KEY_ALGORITHMS = List.of("ssh-ed25519", "rsa-sha2-512",
                "rsa-sha2-256");
        /** Client public-key signature algorithms the server may accept. */
        public static final List<String> ALLOWED_PUBLIC_KEY_ALGORITHMS = ALLOWED_HOST_KEY_ALGORITHMS;

        public static final Algorithms DEFAULTS = new Algorithms(
                List.of("mlkem768x25519-sha256", "sntrup761x25519-sha512", "sntrup761x25519-sha512@openssh.com",
                        "curve25519-sha256", "curve25519-sha256@libssh.org"),
                List.of("aes256-gcm@openssh.com", "aes128-gcm@openssh.com", "aes256-ctr", "aes128-ctr"),
                List.of("hmac-sha2-512-etm@openssh.com", "hmac-sha2-256-etm@openssh.com", "hmac-sha2-512", "hmac-sha2-256"),
                List.of("ssh-ed25519", "rsa-sha2-512", "rsa-sha2-256"),
                List.of("ssh-ed25519", "rsa-sha2-512", "rsa-sha2-256"));

        public Algorithms {
            kex = List.copyOf(kex);
            ciphers = List.copyOf(ciphers);
            macs = List.copyOf(macs);
            hostKeyAlgorithms = List.copyOf(hostKeyAlgorithms);
            publicKeyAlgorithms = List.copyOf(publicKeyAlgorithms);
        }
    }

    /**
     * Limits that bound what one client can cost the server.
     *
     * @param maxFileSize largest single upload, bytes
     * @param accountQuota total bytes one account may hold, at least {@code maxFileSize}; uploads in flight
     *     count against it from their first byte
     * @param maxOpenHandles open SFTP file and directory handles per session
     * @param maxSessionsPerAccount concurrent sessions per account
     * @param maxFileNameLength longest file name, in bytes of UTF-8, at most 255
     * @param maxConcurrentUploadsPerAccount uploads one account may have in flight at once, over all its
     *     sessions and channels of this node
     * @param freeSpaceReserve free space the document store keeps: a new upload is refused ("storage full")
     *     while the store's free space is below it, so that a full disk never stops reads and the database
     * @param refusalNoticeRetention how long a State can read the notice of a refused upload
     *     ({@code /receipts/refused/})
     */
    public record Limits(
            long maxFileSize,
            long accountQuota,
            int maxOpenHandles,
            int maxSessionsPerAccount,
            int maxFileNameLength,
            int maxConcurrentUploadsPerAccount,
            long freeSpaceReserve,
            Duration refusalNoticeRetention) {
        public static final int DEFAULT_CONCURRENT_UPLOADS = 16;
        public static final long DEFAULT_FREE_SPACE_RESERVE = 1L << 30;
        public static final Duration DEFAULT_NOTICE_RETENTION = Duration.ofDays(30);
        public static final Limits DEFAULTS = new Limits(2L << 30, 20L << 30, 64, 8, 255);

        public Limits {
            Objects.requireNonNull(refusalNoticeRetention, "refusalNoticeRetention");
        }

        /** The first five limits; the others at their defaults. */
        public Limits(long maxFileSize, long accountQuota, int maxOpenHandles, int maxSessionsPerAccount, int maxFileNameLength) {
            this(maxFileSize, accountQuota, maxOpenHandles, maxSessionsPerAccount, maxFileNameLength, DEFAULT_CONCURRENT_UPLOADS,
                    DEFAULT_FREE_SPACE_RESERVE, DEFAULT_NOTICE_RETENTION);
        }

        public Limits withRefusalNoticeRetention(Duration retention) {
            return new Limits(maxFileSize, accountQuota, maxOpenHandles, maxSessionsPerAccount, maxFileNameLength,
                    maxConcurrentUploadsPerAccount, freeSpaceReserve, retention);
        }

        public Limits withUploadsInFlight(int maxConcurrentUploads, long reserve) {
            return new Limits(maxFileSize, accountQuota, maxOpenHandles, maxSessionsPerAccount, maxFileNameLength, maxConcurrentUploads,
                    reserve, refusalNoticeRetention);
        }
    }

    /**
     * How documents are written to the blob store.
     *
     * @param segmentSize size of one authenticated encryption segment, 4KiB..8MiB
     * @param fsync force every document and its metadata to stable storage before the filing is
     *     acknowledged. Setting it to {@code false} risks losing filings that were already
     *     acknowledged with a signed receipt when the machine loses power or crashes; the State
     *     then holds a receipt for a document the secretariat no longer has. Only for tests and
     *     benchmarks.
     */
    public record Storage(int segmentSize, boolean fsync, ObjectStore objectStore) {
        public static final int MIN_SEGMENT_SIZE = 4 << 10;
        public static final int MAX_SEGMENT_SIZE = 8 << 20;
        public static final Storage DEFAULTS = new Storage(64 << 10, true, ObjectStore.NONE);

        public Storage {
            Objects.requireNonNull(objectStore, "objectStore");
        }

        /** Documents in the local blob directory under the home. */
        public Storage(int segmentSize, boolean fsync) {
            this(segmentSize, fsync, ObjectStore.NONE);
        }

        public Storage withObjectStore(ObjectStore newObjectStore) {
            return new Storage(segmentSize, fsync, newObjectStore);
        }
    }

    /**
     * Where the encrypted documents live when not in the home's blob directory ({@code store.blobs}):
     * an S3-compatible object store shared by every node. Never the secret key: only the name of the
     * environment variable that names the credentials file.
     *
     * @param url                empty for the local blob directory; else {@code s3://BUCKET[/PREFIX]}
     * @param endpoint           the service's URL ({@code https://…}); empty for AWS's own endpoint of the region
     * @param region             the signing region
     * @param credentialsFileEnv name of the environment variable holding the path of an AWS-style
     *                           credentials file (profile {@code default}, mode 600)
     * @param partSize           bytes per multipart part, 5MiB..512MiB: also the memory one upload in flight holds
     * @param orphanGrace        how old an unreferenced object or unfinished upload must be before start-up
     *                           recovery removes it: longer than any upload takes, since another node may be
     *                           writing it
     */
    public record ObjectStore(String url, String endpoint, String region, String credentialsFileEnv, int partSize,
            Duration orphanGrace) {
        public static final int MIN_PART_SIZE = 5 << 20;
        public static final int MAX_PART_SIZE = 512 << 20;
        public static final ObjectStore NONE = new ObjectStore("", "", "us-east-1", "EXCHANGE_S3_CREDENTIALS_FILE", 8 << 20,
                Duration.ofHours(6));

        public boolean enabled() {
            return !url.isEmpty();
        }

        public ObjectStore withUrl(String newUrl) {
            return new ObjectStore(newUrl, endpoint, region, credentialsFileEnv, partSize, orphanGrace);
        }

        public ObjectStore withEndpoint(String newEndpoint) {
            return new ObjectStore(url, newEndpoint, region, credentialsFileEnv, partSize, orphanGrace);
        }

        public ObjectStore withRegion(String newRegion) {
            return new ObjectStore(url, endpoint, newRegion, credentialsFileEnv, partSize, orphanGrace);
        }

        /** The bucket of {@code s3://BUCKET[/PREFIX]}. */
        public String bucket() {
            String rest = url.substring("s3://".length());
            int slash = rest.indexOf('/');
            return slash < 0 ? rest : rest.substring(0, slash);
        }

        /** The key prefix of {@code s3://BUCKET/PREFIX}, ending in {@code /}; empty when none. */
        public String prefix() {
            String rest = url.substring("s3://".length());
            int slash = rest.indexOf('/');
            String p = slash < 0 ? "" : rest.substring(slash + 1);
            return p.isEmpty() || p.endsWith("/") ? p : p + "/";
        }
    }

    /**
     * The metadata database ({@code store.database}). Never the password: only the name of the
     * environment variable that names a file holding it.
     *
     * @param url            empty for the embedded Derby database under the home ({@code db/}); else a
     *                       {@code jdbc:postgresql://HOST[:PORT]/DATABASE} URL without password, user or TLS
     *                       parameters (checked by {@link ServerConfigLoader#databaseUrl})
     * @param user           the PostgreSQL role; empty for the driver's default (the OS user name)
     * @param sslMode        {@code verify-full} (default), {@code verify-ca}, {@code require} or {@code disable}.
     *                       Anything below {@code verify-full} lets whoever can redirect the connection read and
     *                       change every record, wrapped key and audit event, and attack the login: {@code require}
     *                       still lets an active attacker in the middle; {@code disable} lets anyone on the path
     *                       read it all. Only for a database on loopback.
     * @param sslRootCert    the CA certificate (PEM) the server's certificate must chain to under verify-ca and
     *                       verify-full; null for the JDK's trusted CAs
     * @param passwordFileEnv name of the environment variable holding the path of the password file
     * @param poolSize       most connections this node opens, 1..100
     */
    public record Database(String url, String user, String sslMode, Path sslRootCert, String passwordFileEnv, int poolSize) {
        public static final Database DEFAULTS = new Database("", "", "verify-full", null, "EXCHANGE_DATABASE_PASSWORD_FILE", 8);

        public Database {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(sslMode, "sslMode");
            Objects.requireNonNull(passwordFileEnv, "passwordFileEnv");
        }

        /** Whether this is the embedded Derby database (no URL given). */
        public boolean embedded() {
            return url.isEmpty();
        }

        public Database withUrl(String newUrl) {
            return new Database(newUrl, user, sslMode, sslRootCert, passwordFileEnv, poolSize);
        }

        public Database withUser(String newUser) {
            return new Database(url, newUser, sslMode, sslRootCert, passwordFileEnv, poolSize);
        }

        public Database withTls(String newSslMode, Path newSslRootCert) {
            return new Database(url, user, newSslMode, newSslRootCert, passwordFileEnv, poolSize);
        }
    }

    /**
     * Key stores. Never the password: only the names of the environment variables that carry it
     * (or name a file holding it), because files under {@code config/} end up in backups and
     * version control.
     *
     * @param masterKeystore PKCS#12 store of the master key that wraps document keys; relative to home
     * @param receiptKeystore PKCS#12 store of the receipt-signing key; relative to home
     * @param receiptCertificate PEM certificate of the receipt-signing key; relative to home
     * @param caKeystore PKCS#12 store of the server's own certificate authority (issues the TLS
     *     server certificate and demo client certificates); relative to home
     * @param caCertificate PEM certificate of that CA, for clients' trust stores; relative to home
     * @param tlsKeystore PKCS#12 store of the HTTPS server key and certificate; relative to home
     * @param passwordEnv name of the environment variable holding the key-store password
     * @param passwordFileEnv name of the environment variable holding the path of a file that
     *     holds the key-store password
     */
    public record Keys(
            Path masterKeystore,
            Path receiptKeystore,
            Path receiptCertificate,
            Path caKeystore,
            Path caCertificate,
            Path tlsKeystore,
            String passwordEnv,
            String passwordFileEnv) {
        public static final Keys DEFAULTS = new Keys(Path.of("keys", "master.p12"), Path.of("keys", "receipt.p12"),
                Path.of("keys", "receipt-cert.pem"), Path.of("keys", "ca.p12"), Path.of("keys", "ca-cert.pem"),
                Path.of("keys", "tls.p12"), "EXCHANGE_MASTER_PASSWORD", "EXCHANGE_MASTER_PASSWORD_FILE");
    }

    /**
     * The operator's admin channel.
     *
     * @param socket Unix-domain socket of the admin CLI, relative to home
     */
    /**
     * How the secretariat's release is decided.
     *
     * @param fourEyesLevels the levels at which a release needs two different secretariat people: the first records an
     *     approval, the filing is distributed only when a second, different person confirms (on any channel). Empty by
     *     default: one person's release distributes. A filing at one of these levels is never released at once on receipt.
     */
    public record Release(Set<ConfidentialityLevel> fourEyesLevels) {
        public static final Release DEFAULTS = new Release(Set.of());

        public Release {
            fourEyesLevels = Set.copyOf(fourEyesLevels);
        }

        public boolean needsFourEyes(ConfidentialityLevel level) {
            return fourEyesLevels.contains(level);
        }
    }

    public record Admin(Path socket) {
        public static final Admin DEFAULTS = new Admin(Path.of("run", "admin.sock"));
    }

    /**
     * The audit chain's anchors kept by the server itself.
     *
     * @param checkpointInterval how often the server signs a checkpoint of the chain's head (when it moved); 1 minute to 1 day
     * @param startOnBrokenChain start even when the chain is broken, or cut or rewritten behind its latest checkpoint. Never
     *     from {@code server.yaml}: only the command line's {@code --start-on-broken-audit-chain} sets it, for the one start that
     *     must investigate; that start is audited ({@code server.started-on-broken-chain}). It opens exactly what the check
     *     closes: a server that runs on a chain someone cut or rewrote, and signs new receipts and checkpoints over it.
     */
    public record Audit(Duration checkpointInterval, boolean startOnBrokenChain) {
        public static final Audit DEFAULTS = new Audit(Duration.ofHours(1), false);

        public Audit {
            Objects.requireNonNull(checkpointInterval, "checkpointInterval");
            if (checkpointInterval.compareTo(Duration.ofMinutes(1)) < 0 || checkpointInterval.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException("audit.checkpointInterval must be between 1 minute and 1 day");
            }
        }

        /** The same settings, allowed (or not) to start on a broken chain. */
        public Audit withStartOnBrokenChain(boolean allowed) {
            return new Audit(checkpointInterval, allowed);
        }
    }

    /**
     * A kind of report States file.
     *
     * @param id lower-case identifier used in folders and envelopes, {@code [a-z0-9-]{1,40}}
     * @param name human-readable name
     * @param defaultLevel level applied when neither the filing nor the State's standing
     *     instruction says otherwise; never {@code named}
     * @param deadline yearly due date (e.g. 31 May for annual reports), if any: the report on a period is due on
     *     this day of the year after the period ends
     * @param schedule the rest of the report type's obligations calendar (cycle, entry into force, what it fulfils)
     */
    public record ReportType(String id, String name, ConfidentialityLevel defaultLevel, Optional<MonthDay> deadline,
            boolean releaseOnReceipt, Schedule schedule) {

        /** A report type released only after the secretariat's review (the default policy). */
        public ReportType(String id, String name, ConfidentialityLevel defaultLevel, Optional<MonthDay> deadline) {
            this(id, name, defaultLevel, deadline, false);
        }

        /** A report type with the yearly calendar of its {@code deadline} alone. */
        public ReportType(String id, String name, ConfidentialityLevel defaultLevel, Optional<MonthDay> deadline, boolean releaseOnReceipt) {
            this(id, name, defaultLevel, deadline, releaseOnReceipt, Schedule.YEARLY);
        }

        public static final List<ReportType> DEFAULTS = List.of(
                new ReportType("initial-report", "Initial report", ConfidentialityLevel.SECRETARIAT, Optional.empty(), false,
                        Schedule.afterEntryIntoForce(12)),
                new ReportType("initial-report-update", "Update to the initial report",
                        ConfidentialityLevel.SECRETARIAT, Optional.empty()),
                new ReportType("annual-report", "Annual report on exports and imports",
                        ConfidentialityLevel.STATES_PARTIES, Optional.of(MonthDay.of(5, 31))),
                new ReportType("nil-annual-report", "Nil annual report", ConfidentialityLevel.STATES_PARTIES,
                        Optional.of(MonthDay.of(5, 31)), false, Schedule.fulfilling("annual-report")),
                new ReportType("national-report", "Programme of Action national report",
                        ConfidentialityLevel.SECRETARIAT, Optional.empty()),
                new ReportType("points-of-contact", "National points of contact", ConfidentialityLevel.SECRETARIAT,
                        Optional.empty()),
                new ReportType("correspondence", "Correspondence", ConfidentialityLevel.SECRETARIAT,
                        Optional.empty()));

        /** Whether States owe reports of this type by dates (rather than filing them when they please, or fulfilling another's). */
        public boolean isObligation() {
            return schedule.fulfils().isEmpty() && (deadline.isPresent() || schedule.monthsAfterEntryIntoForce() > 0);
        }

        public ReportType {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(defaultLevel, "defaultLevel");
            Objects.requireNonNull(deadline, "deadline");
            Objects.requireNonNull(schedule, "schedule");
        }
    }

    /**
     * When a report type's obligation falls due, besides its yearly {@code deadline} (the obligations calendar).
     *
     * @param cycleYears the years one report covers, one report per cycle: 1 for annual reports, 2 for biennial national
     *     reports (period {@code 2024-2025}, due on the deadline of 2026); 1 to 10
     * @param firstYear the first year of one cycle, which fixes where the others begin (cycles of more than one year)
     * @param monthsAfterEntryIntoForce due this many months after the treaty entered into force for the State (the
     *     registry's {@code entryIntoForce}): the initial report, 12; 0 when the report type is not due so
     * @param fulfils the report type whose obligation a filing of this type meets, instead of one of its own
     *     ({@code nil-annual-report} fulfils {@code annual-report})
     */
    public record Schedule(int cycleYears, int firstYear, int monthsAfterEntryIntoForce, Optional<String> fulfils) {
        public static final Schedule YEARLY = new Schedule(1, 2000, 0, Optional.empty());

        public Schedule {
            Objects.requireNonNull(fulfils, "fulfils");
            if (cycleYears < 1 || cycleYears > 10) {
                throw new IllegalArgumentException("cycleYears must be 1 to 10, got " + cycleYears);
            }
            if (monthsAfterEntryIntoForce < 0 || monthsAfterEntryIntoForce > 120) {
                throw new IllegalArgumentException("monthsAfterEntryIntoForce must be 0 to 120, got " + monthsAfterEntryIntoForce);
            }
        }

        /** Due {@code months} after entry into force (the initial report). */
        public static Schedule afterEntryIntoForce(int months) {
            return new Schedule(1, 2000, months, Optional.empty());
        }

        /** No obligation of its own: a filing of this type meets {@code reportType}'s. */
        public static Schedule fulfilling(String reportType) {
            return new Schedule(1, 2000, 0, Optional.of(reportType));
        }
    }

    /** How the mail sender protects the SMTP connection. */
    public enum SmtpSecurity {
        /** Plain connection upgraded with STARTTLS, which must succeed (port 587): the default. */
        STARTTLS,
        /** TLS from the first byte (SMTPS, port 465). */
        TLS,
        /**
         * No TLS at all. Opens the mails (recipients, filing ids, titles, the receipt) and the SMTP credentials to anyone on
         * the path: only for a relay on the same host or in tests.
         */
        NONE
    }

    /**
     * The SMTP server that carries the notifications.
     *
     * @param host the server's host name or address
     * @param port its port (587 for STARTTLS, 465 for TLS)
     * @param sender the From address
     * @param security STARTTLS (required, the default), TLS or none
     * @param credentialsFileEnv the environment variable naming a file (mode 600) with the SMTP user name on its first line
     *     and the password on its second; unset: no authentication. Never the password itself in server.yaml or on a command line
     * @param trustCertificate a PEM file of the certificate (or CA) the SMTP server's must chain to, instead of the JDK's
     *     trusted authorities (a private relay); the host name is checked either way
     * @param timeout connect, read and write timeout of one try
     */
    public record Smtp(String host, int port, String sender, SmtpSecurity security, String credentialsFileEnv, Optional<Path> trustCertificate,
            Duration timeout) {
        public static final String DEFAULT_CREDENTIALS_FILE_ENV = "EXCHANGE_SMTP_CREDENTIALS_FILE";

        public Smtp {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(sender, "sender");
            Objects.requireNonNull(security, "security");
            Objects.requireNonNull(credentialsFileEnv, "credentialsFileEnv");
            Objects.requireNonNull(trustCertificate, "trustCertificate");
            Objects.requireNonNull(timeout, "timeout");
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("notifications.smtp.port must be in 1..65535, got " + port);
            }
        }
    }

    /**
     * E-mail notifications: to a State's points of contact when its filing is received (the receipt attached), released or
     * held, before a deadline it has not met and on the day it becomes overdue; to the secretariat on each new filing. A
     * mail carries ids, the titles the State chose and links, never a document or its content.
     *
     * @param smtp the SMTP server; empty: notifications are off (nothing is written or sent)
     * @param secretariat the addresses told of each new filing
     * @param portalUrl the portal's public address ({@code https://exchange.example.org}) for links in mails; empty: ids only
     * @param reminderDays days before a deadline on which a State that has not met it is reminded, largest first
     * @param maxAttempts tries of one mail before it is marked failed for good
     * @param retryBackoff the wait after the first failed try; doubled after each, at most 1 hour
     * @param pollInterval how often the sender looks for due mails and the calendar for due reminders
     */
    /**
     * {@code delegation}: what a State administrator's change needs before it takes effect. Revocations, key removals,
     * suspensions and removals always take effect at once and are not configurable: a State that loses a laptop must not wait.
     *
     * @param inviteNeedsApproval a new account (an invited person) waits for the secretariat's approval (default true)
     * @param certificateNeedsApproval a new API certificate (uploaded or signed from a request) waits for approval (default true)
     * @param sshKeyNeedsApproval a new SSH key waits for approval (default false)
     * @param systemAccountNeedsApproval a new account for a national system (role state-system) waits for approval (default true)
     * @param reinstateNeedsApproval lifting a suspension (access granted again) waits for approval (default true)
     * @param invitationLifetime how long an enrolment link works, 1h..30d (default 72h)
     * @param certificateValidity validity of a certificate the server's CA signs from a request, 1d..825d (default 365d)
     */
    public record Delegation(boolean inviteNeedsApproval, boolean certificateNeedsApproval, boolean sshKeyNeedsApproval,
            boolean systemAccountNeedsApproval, boolean reinstateNeedsApproval, Duration invitationLifetime, Duration certificateValidity) {
        public static final Delegation DEFAULTS = new Delegation(true, true, false, true, true, Duration.ofHours(72), Duration.ofDays(365));

        public Delegation {
            Objects.requireNonNull(invitationLifetime, "invitationLifetime");
            Objects.requireNonNull(certificateValidity, "certificateValidity");
        }
    }

    public record Notifications(Optional<Smtp> smtp, List<String> secretariat, Optional<String> portalUrl, List<Integer> reminderDays,
            int maxAttempts, Duration retryBackoff, Duration pollInterval) {
        public static final Notifications OFF = new Notifications(Optional.empty(), List.of(), Optional.empty(), List.of(30, 7), 10,
                Duration.ofMinutes(1), Duration.ofSeconds(30));

        public Notifications {
            Objects.requireNonNull(smtp, "smtp");
            Objects.requireNonNull(portalUrl, "portalUrl");
            Objects.requireNonNull(retryBackoff, "retryBackoff");
            Objects.requireNonNull(pollInterval, "pollInterval");
            secretariat = List.copyOf(secretariat);
            reminderDays = reminderDays.stream().distinct().sorted(java.util.Comparator.reverseOrder()).toList();
            if (maxAttempts < 1 || maxAttempts > 100) {
                throw new IllegalArgumentException("notifications.maxAttempts must be 1 to 100, got " + maxAttempts);
            }
            for (int d : reminderDays) {
                if (d < 1 || d > 365) {
                    throw new IllegalArgumentException("notifications.reminderDays must be 1 to 365, got " + d);
                }
            }
        }

        public boolean enabled() {
            return smtp.isPresent();
        }

        /** The same settings with another SMTP server (tests). */
        public Notifications withSmtp(Smtp newSmtp) {
            return new Notifications(Optional.of(newSmtp), secretariat, portalUrl, reminderDays, maxAttempts, retryBackoff, pollInterval);
        }
    }

    /**
     * How receipts are made.
     *
     * @param timestamping RFC 3161 timestamps on receipts; off by default
     */
    public record Receipts(Timestamping timestamping) {
        public static final Receipts DEFAULTS = new Receipts(Timestamping.OFF);

        public Receipts {
            Objects.requireNonNull(timestamping, "timestamping");
        }
    }

    /**
     * RFC 3161 timestamps on receipts (issue 21): after the filing's transaction commits, the server asks the
     * authorities at {@code urls}, in order, for a token over its receipt's signature, and puts it into the receipt as
     * the CAdES signature-time-stamp. A filing never waits longer than {@code timeout} for it: with every authority
     * down or slow, the receipt goes out without one (saying so) and the server keeps asking in the background,
     * {@code retryInterval} after the first failure, doubling up to {@code maxRetryInterval}, at most
     * {@code maxAttempts} times; the timestamped receipt is then served beside the first one.
     *
     * @param urls             the authorities' {@code http} or {@code https} URLs; empty: off
     * @param certificates     PEM files (relative to home) of the authorities' certificates or of the CAs that issue
     *                         them: a token is believed only when its signer is one of them or chains to one
     * @param timeout          how long a filing waits for a timestamp (all authorities together), 100 ms to 30 s
     * @param retryInterval    the first background retry's delay, 100 ms to 1 day
     * @param maxRetryInterval the longest delay between retries, at least {@code retryInterval}, at most 1 day
     * @param maxAttempts      background tries before the server gives up on a receipt (audited), 1 to 1000
     */
    public record Timestamping(List<java.net.URI> urls, List<Path> certificates, Duration timeout, Duration retryInterval,
            Duration maxRetryInterval, int maxAttempts) {
        public static final Timestamping OFF = new Timestamping(List.of(), List.of(), Duration.ofSeconds(2), Duration.ofSeconds(30),
                Duration.ofHours(1), 48);

        public Timestamping {
            urls = List.copyOf(urls);
            certificates = List.copyOf(certificates);
            Objects.requireNonNull(timeout, "timeout");
            Objects.requireNonNull(retryInterval, "retryInterval");
            Objects.requireNonNull(maxRetryInterval, "maxRetryInterval");
            for (java.net.URI u : urls) {
                if (!u.isAbsolute() || !("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
                    throw new IllegalArgumentException("receipts.timestamping.urls: " + u + " is not an http or https URL");
                }
                if (u.getRawUserInfo() != null) {
                    // it would be logged with every failed try, and sent in clear over http
                    throw new IllegalArgumentException("receipts.timestamping.urls: a URL must not hold credentials (user:password@)");
                }
            }
            if (!urls.isEmpty() && certificates.isEmpty()) {
                throw new IllegalArgumentException("receipts.timestamping.certificates: give the PEM certificate of each authority"
                        + " in urls (or of the CA that issues it), or no token could be believed");
            }
            if (timeout.compareTo(Duration.ofMillis(100)) < 0 || timeout.compareTo(Duration.ofSeconds(30)) > 0) {
                throw new IllegalArgumentException("receipts.timestamping.timeout must be between 100ms and 30s");
            }
            if (retryInterval.compareTo(Duration.ofMillis(100)) < 0 || retryInterval.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException("receipts.timestamping.retryInterval must be between 100ms and 1d");
            }
            if (maxRetryInterval.compareTo(retryInterval) < 0 || maxRetryInterval.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException("receipts.timestamping.maxRetryInterval must be between retryInterval and 1d");
            }
            if (maxAttempts < 1 || maxAttempts > 1000) {
                throw new IllegalArgumentException("receipts.timestamping.maxAttempts must be between 1 and 1000");
            }
        }

        /** Whether receipts are timestamped at all. */
        public boolean enabled() {
            return !urls.isEmpty();
        }
    }
}
