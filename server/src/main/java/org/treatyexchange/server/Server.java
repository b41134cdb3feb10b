package org.treatyexchange.server;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.treatyexchange.server.admin.AdminOperations;
import org.treatyexchange.server.application.Administration;
import org.treatyexchange.server.application.AuditTrail;
import org.treatyexchange.server.application.Callers;
import org.treatyexchange.server.application.FilingRules;
import org.treatyexchange.server.application.LoginLockout;
import org.treatyexchange.server.application.DelegatedAdministration;
import org.treatyexchange.server.application.PortalLogins;
import org.treatyexchange.server.application.AuditDesk;
import org.treatyexchange.server.application.PublicDesk;
import org.treatyexchange.server.application.RegistryDesk;
import org.treatyexchange.server.application.SecretariatDesk;
import org.treatyexchange.server.application.StandingInstructions;
import org.treatyexchange.server.application.RefusalNotices;
import org.treatyexchange.server.application.StateDesk;
import org.treatyexchange.server.admin.AdminServer;
import org.treatyexchange.server.api.ApiServer;
import org.treatyexchange.server.api.ApiSettings;
import org.treatyexchange.server.audit.AuditEvent;
import org.treatyexchange.server.audit.AuditLog;
import org.treatyexchange.server.config.ServerConfig;
import org.treatyexchange.server.crypto.DocumentVault;
import org.treatyexchange.server.crypto.HostKeyStore;
import org.treatyexchange.server.crypto.IssuedCredential;
import org.treatyexchange.server.crypto.LocalCertificateAuthority;
import org.treatyexchange.server.crypto.TlsCredentials;
import org.treatyexchange.server.crypto.MasterKeys;
import org.treatyexchange.server.audit.AuditCheckpoints;
import org.treatyexchange.server.notify.Notifications;
import org.treatyexchange.server.release.Obligations;
import org.treatyexchange.server.audit.BrokenChainException;
import org.treatyexchange.server.audit.StartupAuditCheck;
import org.treatyexchange.server.crypto.ReceiptSigner;
import org.treatyexchange.server.crypto.SealedSecrets;
import org.treatyexchange.server.crypto.Totp;
import org.treatyexchange.server.demo.DemoAccounts;
import org.treatyexchange.server.filing.FilingService;
import org.treatyexchange.server.filing.Manifests;
import org.treatyexchange.server.home.ExchangeHome;
import org.treatyexchange.server.home.MasterPassword;
import org.treatyexchange.server.messages.MessageService;
import org.treatyexchange.server.messages.MessageSettings;
import org.treatyexchange.server.monitoring.ExchangeMetrics;
import org.treatyexchange.server.monitoring.HealthCheck;
import org.treatyexchange.server.monitoring.MonitoringServer;
import org.treatyexchange.server.portal.PortalDesks;
import org.treatyexchange.server.portal.PortalServer;
import org.treatyexchange.server.portal.PortalSettings;
import org.treatyexchange.server.recovery.Backups;
import org.treatyexchange.server.recovery.Durability;
import org.treatyexchange.server.recovery.StartupRecovery;
import org.treatyexchange.server.registry.RegistryLoader;
import org.treatyexchange.server.registry.RegistryService;
import org.treatyexchange.server.release.ReleaseService;
import org.treatyexchange.server.release.Reports;
import org.treatyexchange.server.release.RoutingPolicy;
import org.treatyexchange.server.sftp.SftpService;
import org.treatyexchange.server.sftp.SftpSettings;
import org.treatyexchange.server.config.ConfigException;
import org.treatyexchange.server.store.Store;
import org.treatyexchange.server.timestamp.ReceiptTimestamps;
import org.treatyexchange.server.store.StoreException;
import org.treatyexchange.server.store.blob.BlobStore;
import java.time.Duration;

/**
 * The one place that wires the features together. Starts them in dependency order — home, keys,
 * registry, store, filing, channels, admin — and stops them in reverse.
 */
public final class Server implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Server.class);
    /** The newest signed audit checkpoint, kept in the home beside the database. */
    static final String CHECKPOINT_FILE = "audit-checkpoint.p7s";

    private final ServerConfig config;
    private final ExchangeHome home;
    private final List<AutoCloseable> started = new ArrayList<>();
    private SftpService sftp;
    private ApiServer apiServer;
    private PortalServer portalServer;
    private Path receiptCertificate;
    private RegistryService registry;
    private DelegatedAdministration delegation;
    private FilingService filings;
    private Notifications notifications;
    private MonitoringServer monitoringServer;

    private Server(ServerConfig config, ExchangeHome home) {
        this.config = config;
        this.home = home;
    }

    /**
     * Starts a server; on any failure stops what was started and rethrows.
     *
     * @param env the process environment (the keystore password comes from it, never from arguments)
     */
    public static Server start(ServerConfig config, Map<String, String> env, Clock clock) throws Exception {
        ExchangeHome home = ExchangeHome.open(config.home());
        Server server = new Server(config, home);
        try {
            server.startFeatures(env, clock);
            return server;
        } catch (Exception | Error e) {
            server.close();
            throw e;
        }
    }

    private void startFeatures(Map<String, String> env, Clock clock) throws Exception {
        char[] password = MasterPassword.resolve(env, config.keys().passwordEnv(), config.keys().passwordFileEnv(), home,
                config.demo().enabled());
        try {
            startFeatures(password, env, clock);
        } finally {
            java.util.Arrays.fill(password, '\0'); // the keystores are open; the password is not needed any more
        }
    }

    private void startFeatures(char[] password, Map<String, String> env, Clock clock) throws Exception {
        boolean demo = config.demo().enabled();
        MasterKeys masterKeys = MasterKeys.openOrCreate(home.resolve(config.keys().masterKeystore()), password);
        receiptCertificate = home.resolve(config.keys().receiptCertificate());
        ReceiptSigner receiptSigner = ReceiptSigner.openOrCreate(home.resolve(config.keys().receiptKeystore()), receiptCertificate,
                password, "Treaty Exchange receipts", clock);

        if (demo) {
            DemoAccounts.ensureKeys(home.demoDir(), RegistryLoader.demoKeyAccounts(config.registryFile()));
            DemoAccounts.ensurePasswords(home.demoDir(), RegistryLoader.demoPasswordAccounts(config.registryFile()));
        }
        Store store = ConfiguredStorage.openStore(config.database(), home, env);
        started.add(store);
        // Alone, the node's file is the registry; nodes sharing a database share the registry published in it.
        registry = config.database().embedded()
                ? new RegistryService(config.registryFile(), config.reportTypeIds(), demo ? home.demoDir() : null)
                : new RegistryService(config.registryFile(), config.reportTypeIds(), demo ? home.demoDir() : null,
                        new DatabaseRegistry(store, clock));
        ServerConfig.Api api = config.api();
        ServerConfig.Portal portal = config.portal();
        LocalCertificateAuthority ca = null;
        if (api.enabled() || portal.enabled()) {
            ca = LocalCertificateAuthority.openOrCreate(home.resolve(config.keys().caKeystore()), home.resolve(config.keys().caCertificate()),
                    password, "Treaty Exchange local CA", clock);
            if (api.enabled() && demo && DemoAccounts.ensureApiCredentials(home.demoDir(), registry.current(), ca) > 0) {
                registry.reload(); // pick up the certificates just issued
            }
        }

        ExchangeMetrics metrics = new ExchangeMetrics();
        store.observe(metrics);
        BlobStore rawBlobs = ConfiguredStorage.openBlobs(config.storage(), home, env, clock);
        if (rawBlobs instanceof AutoCloseable closeable) {
            started.add(closeable);
        }
        StartupRecovery.run(store, rawBlobs); // before any channel accepts work
        BlobStore blobs = metrics.timed(rawBlobs);
        AuditCheckpoints checkpoints = new AuditCheckpoints(store, receiptSigner::sign, clock, home.root().resolve(CHECKPOINT_FILE));
        started.add(checkpoints);
        Optional<String> brokenChain = StartupAuditCheck.problem(store, checkpoints, receiptSigner.certificate());
        if (brokenChain.isPresent()) {
            if (!config.audit().startOnBrokenChain()) {
                throw new BrokenChainException(brokenChain.get() + "; find out what happened (scripts/admin verify-audit --file with "
                        + "receipts and checkpoints as --anchors) before starting once with --start-on-broken-audit-chain (audited)");
            }
            LOG.error("starting on a broken audit chain, as told (--start-on-broken-audit-chain): {}", brokenChain.get());
        }
        DocumentVault vault = new DocumentVault(blobs, masterKeys, config.storage().segmentSize());
        AuditLog audit = new AuditLog(clock);
        audit.observe(metrics);
        ReceiptTimestamps timestamps = ReceiptTimestamps.of(store, config.receipts().timestamping(), home::resolve, audit, clock);
        started.add(timestamps);
        ReleaseService release = new ReleaseService(store, vault, receiptSigner, audit, clock, config.release().fourEyesLevels());
        Reports reports = new Reports(store, registry, vault, config.reportTypes().stream()
                .collect(java.util.stream.Collectors.toMap(ServerConfig.ReportType::id, ServerConfig.ReportType::deadline)), clock);
        filings = new FilingService(store, vault, blobs, receiptSigner, audit, clock, config.limits().maxFileSize(),
                config.limits().accountQuota(), config.limits().maxConcurrentUploadsPerAccount(), config.limits().freeSpaceReserve(),
                new RoutingPolicy(registry, config.reportTypes(), release), timestamps);

        AuditTrail trail = new AuditTrail(audit, store);
        FilingRules rules = new FilingRules(List.copyOf(config.reportTypes().stream().map(ServerConfig.ReportType::id).toList()), registry, clock, config.limits().maxFileNameLength());
        StandingInstructions instructions = new StandingInstructions(store, registry, config.reportTypes());
        MessageService messages = new MessageService(new MessageSettings(api.clockSkew(), api.maxEnvelopeSize(), api.maxDocuments(),
                config.limits().maxFileSize(), config.reportTypeIds()), rules, registry, filings, vault, blobs, receiptSigner, audit, store, clock, timestamps);
        Obligations obligations = new Obligations(reports, registry, config.reportTypes()); // the calendar: what is due when
        StateDesk states = new StateDesk(rules, filings, new Manifests(store, audit, clock), messages, release, reports, obligations, instructions,
                registry, vault, store, trail, new RefusalNotices(store, clock, config.limits().refusalNoticeRetention()), clock);
        SecretariatDesk secretariat = new SecretariatDesk(filings, release, messages, reports, obligations, instructions, registry, receiptSigner, store,
                trail, clock);
        if (config.notifications().enabled()) { // before any channel accepts a filing: every filing's mails are written
            notifications = Notifications.start(config.notifications(), env, store, audit, registry,
                    obligations, release, config.reportTypes(), new SealedSecrets(masterKeys), clock);
            started.add(notifications);
        }

        SftpSettings sftpSettings = sftpSettings();
        Path hostKeyStore = home.keyDir().resolve(HostKeyStore.FILE_NAME); // what backups carry of the host keys
        HostKeyStore.restoreMissing(hostKeyStore, sftpSettings.hostKeyFiles(), password);
        // one lockout for every channel: a password or code guessed on the portal counts for SSH, and the other way round
        LoginLockout lockout = new LoginLockout(sftpSettings.lockoutMaxFailures(), sftpSettings.lockoutWindow(),
                sftpSettings.lockoutDuration(), clock);
        try {
            sftp = SftpService.start(sftpSettings, registry, states, secretariat, trail, lockout);
        } catch (Exception e) {
            throw portInUse(e, "sftp.port", sftpSettings.bind(), sftpSettings.port(), "--sftp-port", "EXCHANGE_SFTP_PORT");
        }
        started.add(sftp);
        HostKeyStore.save(hostKeyStore, sftpSettings.hostKeyFiles(), password);
        IssuedCredential tls = null;
        if (api.enabled() || portal.enabled()) {
            List<String> addresses = new ArrayList<>(List.of(api.bind()));
            if (portal.enabled() && !addresses.contains(portal.bind())) {
                addresses.add(portal.bind());
            }
            tls = TlsCredentials.openOrCreate(ca, home.resolve(config.keys().tlsKeystore()), password, api.serverNames(), addresses);
        }
        if (api.enabled()) {
            try {
                apiServer = ApiServer.start(apiSettings(), tls.key(), tls.chain(), new Callers(registry, trail), states, secretariat, trail,
                        metrics.apiResponses());
            } catch (Exception e) {
                throw portInUse(e, "api.port", api.bind(), api.port(), "--api-port", "EXCHANGE_API_PORT");
            }
            started.add(apiServer);
        }
        // with notifications and the portal's public address, an invitation's link is e-mailed (sealed in the outbox)
        // instead of shown to the administrator
        DelegatedAdministration.InvitationMail invitationMail = notifications == null || config.notifications().portalUrl().isEmpty() ? null : new DelegatedAdministration.InvitationMail(
                new SealedSecrets(masterKeys), config.notifications().portalUrl().orElse(""), notifications::wake);
        delegation = new DelegatedAdministration(registry, store, trail, clock, config.delegation(), ca, invitationMail);
        PortalLogins logins = new PortalLogins(registry, store, new SealedSecrets(masterKeys), lockout, trail, clock, portal.sessionIdle(),
                portal.sessionAbsolute());
        if (portal.enabled()) {
            PublicDesk publicDesk = new PublicDesk(release, reports, filings, registry, config.reportTypeIds(), clock, checkpoints);
            try {
                portalServer = PortalServer.start(new PortalSettings(portal.bind(), portal.port(), portal.maxHeaderSize(), portal.maxFormSize(),
                        portal.readTimeout(), portal.executorThreads(), api.tls().protocols(), api.tls().cipherSuites()), tls.key(), tls.chain(),
                        new PortalDesks(publicDesk, logins, states, secretariat, new RegistryDesk(registry, trail, clock),
                                new AuditDesk(store, registry, receiptSigner, trail, clock), delegation), java.nio.file.Files.readAllBytes(receiptCertificate),
                        new PortalServer.FilingLimits(config.limits().maxFileSize(), api.maxDocuments()), clock);
            } catch (Exception e) {
                throw portInUse(e, "portal.port", portal.bind(), portal.port(), "--portal-port", "EXCHANGE_PORTAL_PORT");
            }
            started.add(portalServer);
        }
        startMonitoring(metrics, store, rawBlobs, masterKeys, receiptSigner, clock);
        AdminServer admin = AdminServer.start(home.resolve(config.admin().socket()),
                new AdminOperations(secretariat, new Administration(store, masterKeys, trail, receiptSigner, checkpoints, clock), registry, trail)
                        .withBackups(Backups.online(store, blobs, home, clock))
                        .withDemoTotp(demo ? logins : null, clock));
        started.add(admin);

        audit.record(store, AuditEvent.ok("server.started", "server", "local", "-")
                .withDetail("durability", Durability.check(config.storage().fsync(), store.durabilityWeakness()))
                .withDetail("sftpPort", Integer.toString(sftp.port()))
                .withDetail("apiPort", Integer.toString(apiPort()))
                .withDetail("portalPort", Integer.toString(portalPort())));
        if (brokenChain.isPresent()) {
            audit.record(store, AuditEvent.failed("server.started-on-broken-chain", "server", "local", "-")
                    .withDetail("problem", brokenChain.get()));
        }
        checkpoints.checkpointNow(); // the head as this start leaves it, signed at once
        checkpoints.start(config.audit().checkpointInterval());
        timestamps.start(); // receipts that went out without a timestamp, here or before a restart
        if (demo) {
            // the demo's people are enrolled with the secrets of demo/<account>.totp, unless they enrolled another at login
            Map<String, String> totpSecrets = new java.util.HashMap<>();
            for (String person : RegistryLoader.demoPasswordAccounts(config.registryFile())) {
                String secret = java.nio.file.Files.readString(DemoAccounts.totpFile(home.demoDir(), person)).strip();
                totpSecrets.put(person, Totp.base32(logins.enrolIfAbsent(person, Totp.fromBase32(secret))));
            }
            Path accounts = DemoAccounts.writeAccountsFile(home.demoDir(), registry.current(), config.sftp().bind(), sftp.port(),
                    receiptCertificate, api.bind(), apiPort(), ca == null ? null : home.resolve(config.keys().caCertificate()),
                    portal.bind(), portalPort(), totpSecrets);
            LOG.info("demo: accounts and their keys are listed in {}", accounts);
        }
        LOG.info("Treaty Exchange started; data directory {}", home.root());
    }

    /**
     * The health and metrics listener ({@code monitoring:}), with the gauges read at each scrape and the
     * readiness checks: the database answers, the blob store answers, the data directory has
     * {@code monitoring.minFreeSpace} free, the keystores are loaded and the receipt certificate is valid.
     */
    private void startMonitoring(ExchangeMetrics metrics, Store store, BlobStore blobs, MasterKeys masterKeys, ReceiptSigner receipts,
            Clock clock) throws Exception {
        ServerConfig.Monitoring m = config.monitoring();
        if (!m.enabled()) {
            return;
        }
        java.nio.file.FileStore disk = java.nio.file.Files.getFileStore(home.root());
        metrics.gauge("exchange.sftp.sessions", "SSH sessions open now", null, sftp::activeSessions);
        metrics.gauge("exchange.uploads.in.flight", "Documents being received now, every channel", null, filings::inFlight);
        metrics.gauge("exchange.disk.free", "Usable space of the data directory's file system", "bytes", () -> usable(disk));
        metrics.gauge("exchange.audit.chain.length", "Events in the audit chain (its head's seq)", null, () -> chainLength(store));
        metrics.gauge("exchange.api.requests.active", "HTTPS requests admitted and not yet answered", null, this::apiRequestsActive);
        metrics.gauge("exchange.api.requests.waiting", "HTTPS requests waiting for admission (reading paused)", null, this::apiRequestsWaiting);
        Map<String, HealthCheck> checks = new java.util.LinkedHashMap<>();
        checks.put("database", () -> {
            store.read(tx -> tx.audit().head());
            return null;
        });
        checks.put("blobStore", () -> {
            blobs.exists("aaaaaaaaaaaaaaaaaaaaaaaaaa"); // any well-formed id: the store must answer
            if (!config.storage().objectStore().enabled() && !java.nio.file.Files.isWritable(home.blobDir())) {
                return "the blob directory is not writable";
            }
            return null;
        });
        checks.put("freeSpace", () -> {
            long free = disk.getUsableSpace();
            return free >= m.minFreeSpace() ? null : free + " bytes free, below monitoring.minFreeSpace (" + m.minFreeSpace() + ")";
        });
        Path masterFile = home.resolve(config.keys().masterKeystore());
        checks.put("keystore", () -> {
            if (masterKeys.activeKeyId() == null || !java.nio.file.Files.isReadable(masterFile)) {
                return "the master keystore is not loaded or no longer readable";
            }
            try {
                receipts.certificate().checkValidity(java.util.Date.from(clock.instant()));
            } catch (java.security.cert.CertificateException e) {
                return "the receipt-signing certificate is not valid now";
            }
            return null;
        });
        try {
            monitoringServer = MonitoringServer.start(m.bind(), m.port(), metrics, checks);
        } catch (java.io.IOException e) {
            throw portInUse(e, "monitoring.port", m.bind(), m.port(), "--monitoring-port", "EXCHANGE_MONITORING_PORT");
        }
        started.add(monitoringServer);
    }

    /**
     * A listener that could not bind its port: one line that names the address and how to choose another
     * (no stack trace for an everyday mistake); any other failure is rethrown as it is.
     */
    private static Exception portInUse(Exception e, String key, String bind, int port, String flag, String env) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException || (t.getMessage() != null && t.getMessage().contains("Address already in use"))) {
                return new ConfigException(Path.of("server configuration"), key, bind + ":" + port
                        + " is already in use (is another server running?); choose another port with " + flag + ", " + env + " or " + key);
            }
        }
        return e;
    }

    private static long usable(java.nio.file.FileStore disk) {
        try {
            return disk.getUsableSpace();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long chainLength(Store store) {
        try {
            return store.read(tx -> tx.audit().head().seq());
        } catch (StoreException e) {
            throw new IllegalStateException(e);
        }
    }

    private SftpSettings sftpSettings() {
        ServerConfig.Sftp s = config.sftp();
        List<Path> hostKeys = s.hostKeys().stream().map(home::resolve).toList();
        List<String> signatures = new ArrayList<>(s.algorithms().hostKeyAlgorithms());
        for (String alg : s.algorithms().publicKeyAlgorithms()) {
            if (!signatures.contains(alg)) {
                signatures.add(alg);
            }
        }
        return new SftpSettings(s.bind(), s.port(), hostKeys, s.authTimeout(), s.idleTimeout(), s.maxUnauthenticatedConnections(),
                config.limits().maxSessionsPerAccount(), config.limits().maxOpenHandles(), config.limits().maxFileNameLength(),
                s.algorithms().kex(), s.algorithms().ciphers(), s.algorithms().macs(), signatures,
                config.reportTypes().stream().map(ServerConfig.ReportType::id).toList(),
                s.lockout().maxFailures(), s.lockout().window(), s.lockout().duration(), s.passwordAuthentication(),
                s.perSource().maxUnauthenticatedConnections(), s.perSource().connectionsPerSecond(), s.perSource().connectionBurst());
    }

    private ApiSettings apiSettings() {
        ServerConfig.Api a = config.api();
        return new ApiSettings(a.bind(), a.port(), a.maxHeaderSize(), a.maxEnvelopeSize(), a.maxDocuments(), config.limits().maxFileSize(),
                a.requestsPerMinute(), a.idleTimeout(), a.readTimeout(), a.executorThreads(), a.tls().protocols(), a.tls().cipherSuites(),
                a.minDataRate(), a.maxConnectionsPerClient());
    }

    /** The HTTPS port actually bound, or 0 when the API is disabled. */
    public int apiPort() {
        return apiServer == null ? 0 : apiServer.port();
    }

    /** HTTPS requests admitted and not yet answered (0 when the API is disabled). */
    public int apiRequestsActive() {
        return apiServer == null ? 0 : apiServer.requestsActive();
    }

    /** HTTPS requests waiting for admission, their bodies unread (0 when the API is disabled). */
    public int apiRequestsWaiting() {
        return apiServer == null ? 0 : apiServer.requestsWaiting();
    }

    /** The browser portal's HTTPS port actually bound, or 0 when the portal is disabled. */
    public int portalPort() {
        return portalServer == null ? 0 : portalServer.port();
    }

    /** The health and metrics port actually bound, or 0 when that listener is disabled. */
    public int monitoringPort() {
        return monitoringServer == null ? 0 : monitoringServer.port();
    }

    public Path caCertificate() {
        return home.resolve(config.keys().caCertificate());
    }

    public int sftpPort() {
        return sftp.port();
    }

    public List<String> hostKeyFingerprints() {
        return sftp.hostKeyFingerprints();
    }

    public ExchangeHome home() {
        return home;
    }

    public Path receiptCertificate() {
        return receiptCertificate;
    }

    /** What State administrators and the secretariat do with delegated changes (tests reach the rules through it). */
    public DelegatedAdministration delegatedAdministration() {
        return delegation;
    }

    public RegistryService registry() {
        return registry;
    }

    /** The e-mail notifications, when {@code notifications.smtp} is configured. */
    public Optional<Notifications> notifications() {
        return Optional.ofNullable(notifications);
    }

    /**
     * Graceful stop (SIGTERM): no new connections and no new uploads from now on; uploads and messages in
     * flight get up to {@code grace} to be recorded (and acknowledged); then {@link #close()} aborts what is
     * left — an aborted upload keeps nothing — and closes the database cleanly.
     */
    public void shutdown(Duration grace) {
        LOG.info("stopping: no new connections; up to {} s for transfers in flight", grace.toSeconds());
        if (sftp != null) {
            sftp.stopAccepting();
        }
        if (apiServer != null) {
            apiServer.stopAccepting();
        }
        if (portalServer != null) {
            portalServer.stopAccepting();
        }
        if (filings != null) {
            int left = filings.drain(grace);
            if (left > 0) {
                LOG.warn("stopping: {} transfer(s) still in flight after {} s are aborted; nothing of them is kept", left, grace.toSeconds());
            }
        }
        close();
        LOG.info("stopped");
    }

    /** Stops the channels first, so nothing new arrives, then closes the database cleanly. */
    @Override
    public void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                LOG.warn("stopping {} failed: {}", started.get(i).getClass().getSimpleName(), e.getMessage());
            }
        }
        started.clear();
    }
}
