package org.treatyexchange.server.sftp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.SyspropsMapWrapper;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.io.nio2.Nio2ServiceFactoryFactory;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.ServerBuilder;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.password.UserAuthPasswordFactory;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.server.channel.ChannelSessionFactory;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.apache.sshd.sftp.server.UnsupportedAttributePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.treatyexchange.server.application.AuditTrail;
import org.treatyexchange.server.application.Caller;
import org.treatyexchange.server.application.Callers;
import org.treatyexchange.server.application.LoginLockout;
import org.treatyexchange.server.application.SecretariatDesk;
import org.treatyexchange.server.application.StateDesk;
import org.treatyexchange.server.audit.AuditEvent;
import org.treatyexchange.server.registry.Account;
import org.treatyexchange.server.registry.Registry;
import org.treatyexchange.server.registry.RegistryService;

/**
 * The SFTP drop-box listener: public-key login against the registry (and password login, when configured,
 * for accounts with a password hash), the SFTP subsystem and nothing
 * else (no shell, exec, scp, forwarding or agent), each session confined to its account's virtual tree.
 */
public final class SftpService implements AutoCloseable {

    static final AttributeKey<Caller> IDENTITY = new AttributeKey<>();

    private static final Logger LOG = LoggerFactory.getLogger(SftpService.class);

    /**
     * Bytes a client may send on a channel before the server has handled them (the SSH receive window). MINA releases
     * window only once the SFTP thread has processed a request, so with its 2 MiB default a single upload stalled on
     * window adjustments. Measured (docs/PERFORMANCE.md), 1 GiB upload over loopback: 2 MiB 73 MiB/s, 4 MiB 155,
     * 8 MiB 175; but 200 concurrent uploads fell from 48 to 30 MiB/s at 8 MiB and not at 4. It is also the most a
     * channel can queue in memory, which is why channels per session are capped below.
     */
    static final long RECEIVE_WINDOW_BYTES = 4L << 20;

    /** System property for the A/B of issue 22: {@code false} sends replies through MINA's own buffered stream. */
    static final String FULL_PACKETS_PROPERTY = "exchange.sftp.fullPackets";

    /**
     * Channels one session may hold open at once (OpenSSH's MaxSessions default). Each SFTP channel has its own
     * thread, handle limit and receive window; without a cap one authenticated client could open them without end.
     */
    static final int MAX_CHANNELS_PER_SESSION = 10;

    /** Completes once the session's login audit row is committed; the SFTP subsystem waits for it. */
    static final AttributeKey<CompletableFuture<Void>> LOGIN_AUDITED = new AttributeKey<>();

    private final SshServer sshd;
    private final List<String> hostKeyFingerprints;
    private final SessionAudit sessionAudit;
    private volatile boolean stopping;
    private java.util.concurrent.ScheduledExecutorService sweeper;

    private SftpService(SshServer sshd, List<String> hostKeyFingerprints, SessionAudit sessionAudit) {
        this.sshd = sshd;
        this.hostKeyFingerprints = hostKeyFingerprints;
        this.sessionAudit = sessionAudit;
    }

    /**
     * Starts listening.
     *
     * @throws IOException              when the port cannot be bound or host keys cannot be written
     * @throws IllegalArgumentException when a configured algorithm is unknown to this build
     */
    public static SftpService start(SftpSettings settings, RegistryService registry, StateDesk states, SecretariatDesk secretariat,
            AuditTrail audit, LoginLockout lockout)
            throws IOException, GeneralSecurityException {
        SshServer sshd = ServerBuilder.builder().build();
        // Chosen explicitly: MINA would switch to another I/O back-end by itself if one appeared on the classpath.
        sshd.setIoServiceFactoryFactory(new Nio2ServiceFactoryFactory());
        sshd.setSessionFactory(new OrderedProtocolSessions(sshd));
        sshd.setHost(settings.bind());
        sshd.setPort(settings.port());

        KeyPairProvider hostKeys = hostKeys(settings.hostKeyFiles());
        sshd.setKeyPairProvider(hostKeys);
        List<String> fingerprints = new ArrayList<>();
        for (KeyPair kp : hostKeys.loadKeys(null)) {
            fingerprints.add(KeyUtils.getKeyType(kp) + " " + KeyUtils.getFingerPrint(kp.getPublic()));
        }

        SshAlgorithms.apply(sshd, settings);

        // Public keys; passwords only when configured. No keyboard-interactive, GSS or host-based authentication.
        SessionAudit sessionAudit = new SessionAudit(audit);
        LoginGuard guard = new LoginGuard(lockout, sessionAudit);
        sshd.setPublickeyAuthenticator(new AccountAuthenticator(registry, sessionAudit, guard));
        if (settings.passwordAuthentication()) {
            sshd.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE, UserAuthPasswordFactory.INSTANCE));
            sshd.setPasswordAuthenticator(new AccountPasswordAuthenticator(registry, sessionAudit, guard));
        } else {
            sshd.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
            sshd.setPasswordAuthenticator(null);
        }
        sshd.setKeyboardInteractiveAuthenticator(null);
        sshd.setGSSAuthenticator(null);
        sshd.setHostBasedAuthenticator(null);

        // The SFTP subsystem only: no shell, no exec (so no scp), no forwarding of any kind, no agent.
        // Session channels are the only kind offered (no direct-tcpip at all), and only so many per session.
        sshd.setChannelFactories(List.of(new ChannelCap(ChannelSessionFactory.INSTANCE, MAX_CHANNELS_PER_SESSION)));
        sshd.setShellFactory(null);
        sshd.setCommandFactory(null);
        sshd.setForwardingFilter(RejectAllForwardingFilter.INSTANCE);
        sshd.setAgentFactory(null);

        DropBoxFileSystemFactory fileSystems = new DropBoxFileSystemFactory(registry, states, secretariat, settings);
        sshd.setFileSystemFactory(fileSystems);
        SftpSubsystemFactory sftp = Boolean.parseBoolean(System.getProperty(FULL_PACKETS_PROPERTY, "true"))
                ? new FullPacketSftpFactory() : new SftpSubsystemFactory();
        sftp.setFileSystemAccessor(new DropBoxAccessor());
        sftp.setErrorStatusDataHandler(new SafeStatus(audit));
        sftp.setUnsupportedAttributePolicy(UnsupportedAttributePolicy.Ignore);
        sftp.addSftpEventListener(new UploadCommitListener());
        sftp.addSftpEventListener(new LoginAuditGate(settings.authTimeout()));
        sshd.setSubsystemFactories(List.of(sftp));

        CoreModuleProperties.AUTH_TIMEOUT.set(sshd, settings.authTimeout());
        CoreModuleProperties.IDLE_TIMEOUT.set(sshd, settings.idleTimeout());
        CoreModuleProperties.MAX_CONCURRENT_SESSIONS.set(sshd, settings.maxSessionsPerAccount());
        setUnlessGivenAsSystemProperty(sshd, CoreModuleProperties.WINDOW_SIZE, RECEIVE_WINDOW_BYTES);
        // MINA leaves Nagle's algorithm on. An SFTP session is request and reply: with Nagle, a small reply queued
        // behind a not yet acknowledged one waits for the client's delayed ACK, 40 ms on Linux — one file in six of
        // bench part b stalled so, half of its time (docs/PERFORMANCE.md, "Small files, round 3")
        setUnlessGivenAsSystemProperty(sshd, CoreModuleProperties.TCP_NODELAY, true);
        CoreModuleProperties.SERVER_IDENTIFICATION.set(sshd, "TreatyExchange");
        org.apache.sshd.sftp.SftpModuleProperties.MAX_OPEN_HANDLES_PER_SESSION.set(sshd, settings.maxOpenHandles());

        sshd.addSessionListener(guard);
        sshd.addSessionListener(new PreAuthLimiter(settings));
        IdentityBinder binder = new IdentityBinder(registry, sessionAudit);
        sshd.addSessionListener(binder);
        SftpService service = new SftpService(sshd, List.copyOf(fingerprints), sessionAudit);
        service.startWithdrawalSweeps(registry, binder);
        sshd.addSessionListener(new SessionListener() {
            @Override
            public void sessionCreated(Session session) {
                if (service.stopping) {
                    session.close(true); // a graceful stop is under way: no new sessions
                }
            }
        });
        sshd.start();
        LOG.info("SFTP listening on {}:{}", settings.bind(), service.port());
        for (String fp : fingerprints) {
            LOG.info("SFTP host key {}", fp);
        }
        return service;
    }

    /** The port actually bound (useful when configured as 0). */
    public int port() {
        for (SocketAddress address : sshd.getBoundAddresses()) {
            if (address instanceof InetSocketAddress inet) {
                return inet.getPort();
            }
        }
        return sshd.getPort();
    }

    /** SSH sessions open right now, authenticated or not (for the metrics). */
    public int activeSessions() {
        return sshd.getActiveSessions().size();
    }

    /** Host key fingerprints as {@code <type> SHA256:…}, for operators to publish. */
    public List<String> hostKeyFingerprints() {
        return hostKeyFingerprints;
    }

    /**
     * Closes the open sessions whose account, key or password the registry no longer admits: at once when this node
     * changes or adopts the registry (a State administrator revoked a key), and every {@link #SWEEP_EVERY} for changes
     * published through another node (a cluster). Runs on its own thread, never on MINA's I/O threads.
     */
    private void startWithdrawalSweeps(RegistryService registry, IdentityBinder binder) {
        sweeper = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sftp-withdrawal-sweep");
            t.setDaemon(true);
            return t;
        });
        Runnable sweep = new Runnable() {
            /** The registry every open session was last checked against; only the sweeper's thread uses it. */
            private Registry checked;

            @Override
            public void run() {
                try {
                    // Read once per sweep (in a cluster: one query, not one per session). Unchanged since the last
                    // sweep, nothing can have been withdrawn: a login after it was itself checked on this snapshot.
                    Registry newest = registry.fresh();
                    if (newest == checked) {
                        return;
                    }
                    for (org.apache.sshd.common.session.helpers.AbstractSession s : sshd.getActiveSessions()) {
                        if (s instanceof ServerSession server && server.isAuthenticated()) {
                            binder.closeIfWithdrawn(server, newest);
                        }
                    }
                    checked = newest;
                } catch (RuntimeException e) {
                    LOG.warn("sftp: the sweep for withdrawn credentials failed: {}", e.toString());
                }
            }
        };
        registry.onChange(() -> {
            if (!sweeper.isShutdown()) {
                sweeper.execute(sweep);
            }
        });
        sweeper.scheduleWithFixedDelay(sweep, SWEEP_EVERY.toMillis(), SWEEP_EVERY.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Sets {@code property} unless MINA's own system property for it was given: that one wins (the bench's A/B runs). */
    private static <T> void setUnlessGivenAsSystemProperty(SshServer sshd, org.apache.sshd.common.Property<T> property, T value) {
        if (System.getProperty(SyspropsMapWrapper.getMappedSyspropKey(property.getName())) == null) {
            property.set(sshd, value);
        }
    }

    /** How often open sessions are checked against a registry changed through another node. */
    static final java.time.Duration SWEEP_EVERY = java.time.Duration.ofSeconds(5);

    /** First step of a graceful stop: new connections are closed at once; open sessions go on. */
    public void stopAccepting() {
        stopping = true;
    }

    @Override
    public void close() throws IOException {
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
        try {
            sshd.stop(false);
        } finally {
            sessionAudit.close(); // the logouts of the sessions just closed, before the store closes
        }
    }

    private static KeyPairProvider hostKeys(List<Path> files) throws IOException, GeneralSecurityException {
        List<KeyPair> pairs = new ArrayList<>();
        for (Path file : files) {
            String name = file.getFileName().toString();
            SimpleGeneratorHostKeyProvider provider = new SimpleGeneratorHostKeyProvider(file);
            if (name.contains("ed25519")) {
                provider.setAlgorithm(SecurityUtils.EDDSA);
                provider.setKeySize(256);
            } else if (name.contains("rsa")) {
                provider.setAlgorithm(KeyUtils.RSA_ALGORITHM);
                provider.setKeySize(3072);
            } else {
                throw new IllegalArgumentException("sftp.hostKeys: cannot tell the key type of '" + name
                        + "'; name host key files with 'ed25519' or 'rsa' in them");
            }
            for (KeyPair kp : provider.loadKeys(null)) {
                SshAlgorithms.requireStrongHostKey(kp, name);
                pairs.add(kp);
            }
            PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
            if (view != null) {
                view.setPermissions(PosixFilePermissions.fromString("rw-------"));
            }
        }
        return KeyPairProvider.wrap(pairs);
    }

    /**
     * Fixes the session's identity once authentication succeeded, and audits logins and logouts. MINA
     * calls it on an NIO2 I/O thread, so the audit rows are written by {@link SessionAudit}; the SFTP
     * subsystem serves nothing until the login's row is committed ({@link LoginAuditGate}).
     */
    private static final class IdentityBinder implements SessionListener {
        private final RegistryService registry;
        private final SessionAudit audit;

        IdentityBinder(RegistryService registry, SessionAudit audit) {
            this.registry = registry;
            this.audit = audit;
        }

        @Override
        public void sessionEvent(Session session, Event event) {
            if (event != Event.Authenticated || !(session instanceof ServerSession server)) {
                return;
            }
            String fingerprint = Boolean.TRUE.equals(server.getAttribute(AccountPasswordAuthenticator.PASSWORD_PROVEN))
                    ? AccountPasswordAuthenticator.CREDENTIAL
                    : server.getAttribute(AccountAuthenticator.CANDIDATE_FINGERPRINT);
            Optional<Account> account = registry.current().account(server.getUsername());
            String source = AccountAuthenticator.source(server);
            if (fingerprint == null || account.isEmpty()) {
                closeQuietly(server);
                return;
            }
            Account a = account.get();
            server.setAttribute(IDENTITY, Callers.of(a, Caller.Channel.SFTP, fingerprint, source));
            AuditEvent login = AuditEvent.ok("auth.success", a.name(), source, "-").withDetail("channel", "sftp");
            String passwordHash = server.getAttribute(AccountPasswordAuthenticator.PASSWORD_HASH);
            // The I/O thread decided on this node's snapshot; the shared registry (several nodes) is read
            // here, off that thread, before the SFTP subsystem serves the first request (LoginAuditGate).
            CompletableFuture<Void> audited = audit.recordUnless(() -> withdrawnSince(registry.fresh(), a.name(), fingerprint, passwordHash),
                    AccountPasswordAuthenticator.CREDENTIAL.equals(fingerprint)
                            ? login.withDetail("method", "password")
                            : login.withDetail("keyFingerprint", fingerprint),
                    reason -> AuditEvent.refused("auth.failure", a.name(), source, "-").withDetail("channel", "sftp")
                            .withDetail("reason", reason));
            // The gate waits on this one, so a refusal is logged and the session closing before any
            // request is answered.
            server.setAttribute(LOGIN_AUDITED, audited.whenComplete((ok, failed) -> {
                if (failed != null) {
                    String why = SessionAudit.rootMessage(failed);
                    if (why != null && why.startsWith("login refused")) {
                        LOG.info("{} of {}: the newest registry no longer admits it; closing the session", why, a.name());
                    } else {
                        LOG.error("audit of a login by {} could not be written; closing the session: {}", a.name(), why);
                    }
                    closeQuietly(server);
                }
            }));
        }

        /**
         * Why the credential just proven no longer admits the account in the newest registry (disabled,
         * removed, key or password withdrawn through another node), or null when it still does.
         */
        private static String withdrawnSince(Registry newest, String account, String fingerprint, String passwordHash) {
            Optional<Account> now = newest.account(account).filter(x -> !x.disabled());
            if (now.isEmpty()) {
                return "unknown-or-disabled-account";
            }
            if (AccountPasswordAuthenticator.CREDENTIAL.equals(fingerprint)) {
                return now.get().passwordHash() != null && now.get().passwordHash().encoded().equals(passwordHash) ? null : "password-withdrawn";
            }
            boolean keyStillRegistered = now.get().sshKeys().stream()
                    .anyMatch(k -> org.apache.sshd.common.config.keys.KeyUtils.getFingerPrint(k.key()).equals(fingerprint));
            return keyStillRegistered ? null : "key-not-registered";
        }

        /** Closes an authenticated session whose credential {@code newest} no longer admits; audited. */
        void closeIfWithdrawn(ServerSession session, Registry newest) {
            Caller id = session.getAttribute(IDENTITY);
            if (id == null) {
                return;
            }
            String why = withdrawnSince(newest, id.account(), id.credential(), session.getAttribute(AccountPasswordAuthenticator.PASSWORD_HASH));
            if (why != null) {
                LOG.info("closing the SFTP session of {}: {} (the registry withdrew its credential)", id.account(), why);
                audit.recordOrLog(audit.record(AuditEvent.ok("session.withdrawn", id.account(), id.source(), "-").withDetail("channel", "sftp")
                        .withDetail("reason", why)), "the closing of a withdrawn session of " + id.account());
                session.close(true);
            }
        }

        @Override
        public void sessionClosed(Session session) {
            Caller id = session.getAttribute(IDENTITY);
            if (id == null) {
                return;
            }
            CompletableFuture<Void> login = session.getAttribute(LOGIN_AUDITED);
            AuditEvent logout = AuditEvent.ok("session.closed", id.account(), id.source(), "-").withDetail("channel", "sftp");
            // After the login's row, so the chain keeps the order of the acts.
            audit.recordOrLog(login == null ? audit.record(logout) : audit.recordAfter(login, logout), "a logout by " + id.account());
        }

        private static void closeQuietly(ServerSession session) {
            session.close(true);
        }
    }
}
