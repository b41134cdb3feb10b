package org.treatyexchange.server.application;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.treatyexchange.server.audit.AuditEvent;
import org.treatyexchange.server.crypto.SealedSecrets;
import org.treatyexchange.server.crypto.Totp;
import org.treatyexchange.server.registry.Account;
import org.treatyexchange.server.registry.RegistryService;
import org.treatyexchange.server.store.PortalRecords;
import org.treatyexchange.server.store.PortalRecords.Session;
import org.treatyexchange.server.store.PortalRecords.TotpSecret;
import org.treatyexchange.server.store.Store;
import org.treatyexchange.server.store.StoreException;

/**
 * How a person logs in to the browser portal and stays logged in: the password ({@link Passwords}, the rule
 * SSH shares), then a second factor — a TOTP code, each usable once, or a registered client certificate the
 * browser presented — with TOTP enrolment at the first login; sessions kept in the database (only a hash of
 * their id), ending after {@code idle} without use or {@code absolute} after login. Every failure counts
 * towards the {@link LoginLockout} SSH uses; every login, failure, enrolment and logout is audited, never with
 * the password or the code.
 *
 * <p>Session ids are 256 random bits. The id before the second factor is not the id after it: a
 * signed-in session always gets a fresh id (no fixation). The anti-forgery token is derived from the id
 * (a different hash than the stored one), so it is never stored and dies with the session.
 */
public final class PortalLogins {

    /** The stages of a session row. */
    static final String SECOND_FACTOR = "second-factor";
    static final String ENROL = "enrol";
    static final String SIGNED_IN = "signed-in";
    /** How long the step between password and code may take. */
    static final Duration PENDING = Duration.ofMinutes(5);
    /** A session's last use is written at most this often (one UPDATE per page would be wasted work). */
    static final Duration TOUCH_EVERY = Duration.ofSeconds(30);
    static final String ISSUER = "Treaty Exchange";
    static final String CHANNEL = "portal";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final RegistryService registry;
    private final Store store;
    private final SealedSecrets secrets;
    private final LoginLockout lockout;
    private final AuditTrail audit;
    private final Clock clock;
    private final Duration idle;
    private final Duration absolute;

    public PortalLogins(RegistryService registry, Store store, SealedSecrets secrets, LoginLockout lockout, AuditTrail audit, Clock clock,
            Duration idle, Duration absolute) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.store = Objects.requireNonNull(store, "store");
        this.secrets = Objects.requireNonNull(secrets, "secrets");
        this.lockout = Objects.requireNonNull(lockout, "lockout");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.idle = Objects.requireNonNull(idle, "idle");
        this.absolute = Objects.requireNonNull(absolute, "absolute");
    }

    /** Where a login stands after a step. */
    public enum Next {
        /** Refused; no session (the page says only that the account name, password or code is wrong, or the account is locked). */
        REFUSED,
        /** Locked out after too many failures (on any channel). */
        LOCKED_OUT,
        /** Password proved; a code from the authenticator app is awaited. */
        CODE,
        /** Password proved, no TOTP yet: show the secret and QR code, await a first code. */
        ENROL,
        /** Signed in: {@link Step#sessionId()} is the new session's id. */
        SIGNED_IN
    }

    /**
     * The outcome of a login step.
     *
     * @param next what happens next
     * @param sessionId the id to set in the cookie (a pending one for CODE and ENROL); null when refused
     * @param caller the person once signed in, else null
     */
    public record Step(Next next, String sessionId, Caller caller) {
        static Step of(Next next) {
            return new Step(next, null, null);
        }
    }

    /** A live signed-in session as a request sees it. */
    public record Live(Caller caller, String csrfToken) {
    }

    /** A session cookie's fate on a request. */
    public record Lookup(Optional<Live> live, boolean ended) {
        static final Lookup NONE = new Lookup(Optional.empty(), false);
        static final Lookup ENDED = new Lookup(Optional.empty(), true);
    }

    /**
     * The first step: account name and password. The browser's certificate, if it presented one registered
     * to this account, stands in for the code.
     *
     * @param certificateFingerprint SHA-256 of the browser's client certificate, or null
     */
    public Step password(String account, char[] password, String certificateFingerprint, String source) throws Refusal {
        String name = account == null ? "" : account.strip();
        Passwords.Check check = Passwords.check(registry.fresh(), name, password);
        boolean lockedOut = lockout.lockedOut(name, source);
        if (lockedOut) {
            failed(name, source, "password", "locked-out", false);
            return Step.of(Next.LOCKED_OUT);
        }
        if (!check.proved()) {
            return failed(name, source, "password", check.failure(), true);
        }
        Account a = check.account().orElseThrow();
        if (a.role() == Account.Role.STATE_SYSTEM) {
            return failed(name, source, "password", "not-a-person", true);
        }
        if (certificateFingerprint != null && a.hasActiveCertificate(certificateFingerprint)) {
            return signIn(a, certificateFingerprint, "password+certificate", source, null);
        }
        Instant now = clock.instant();
        try {
            Optional<TotpSecret> totp = store.read(tx -> tx.portal().totp(a.name()));
            if (totp.isEmpty() || !totp.get().confirmed()) {
                byte[] secret = Totp.newSecret();
                SealedSecrets.Sealed sealed = secrets.seal(secret, purpose(a.name()));
                java.util.Arrays.fill(secret, (byte) 0);
                String id = newId();
                store.inTransaction(tx -> {
                    tx.portal().putTotp(new TotpSecret(a.name(), sealed.masterKeyId(), sealed.sealed(), false, -1, now));
                    tx.portal().insertSession(new Session(hash(id), a.name(), ENROL, "password", source, now, now));
                    return null;
                });
                return new Step(Next.ENROL, id, null);
            }
            String id = newId();
            store.inTransaction(tx -> {
                tx.portal().insertSession(new Session(hash(id), a.name(), SECOND_FACTOR, "password", source, now, now));
                return null;
            });
            return new Step(Next.CODE, id, null);
        } catch (StoreException | GeneralSecurityException e) {
            throw new Refusal(Refusal.Reason.UNAVAILABLE, "the login could not be recorded; try again", e);
        }
    }

    /** The second step: a code for the pending session {@code pendingId} (at the code or enrolment page). */
    public Step code(String pendingId, String code, String source) throws Refusal {
        Instant now = clock.instant();
        try {
            Optional<Session> pending = pendingId == null ? Optional.empty() : store.read(tx -> tx.portal().session(hash(pendingId)));
            if (pending.isEmpty() || pending.get().stage().equals(SIGNED_IN) || pending.get().createdAt().plus(PENDING).isBefore(now)) {
                pending.ifPresent(p -> deleteQuietly(p.idHash()));
                return Step.of(Next.REFUSED);
            }
            Session p = pending.get();
            String name = p.account();
            Optional<Account> account = registry.fresh().account(name).filter(a -> !a.disabled());
            if (lockout.lockedOut(name, source)) {
                deleteQuietly(p.idHash());
                failed(name, source, "totp", "locked-out", false);
                return Step.of(Next.LOCKED_OUT);
            }
            Optional<TotpSecret> totp = store.read(tx -> tx.portal().totp(name));
            if (account.isEmpty() || totp.isEmpty()) {
                deleteQuietly(p.idHash());
                return failed(name, source, "totp", "unknown-or-disabled-account", true);
            }
            byte[] secret = secrets.open(new SealedSecrets.Sealed(totp.get().masterKeyId(), totp.get().sealedSecret()), purpose(name));
            OptionalLong step = Totp.matchingStep(secret, code == null ? null : code.strip(), now);
            java.util.Arrays.fill(secret, (byte) 0);
            if (step.isEmpty()) {
                return failed(name, source, "totp", "wrong-code", true);
            }
            boolean enrolling = p.stage().equals(ENROL);
            boolean fresh = store.inTransaction(tx -> tx.portal().useStep(name, step.getAsLong(), now));
            if (!fresh) {
                return failed(name, source, "totp", "reused-code", true);
            }
            if (enrolling) {
                audit.record(AuditEvent.ok("auth.totp-enrolled", name, source, "-").withDetail("channel", CHANNEL));
            }
            return signIn(account.get(), "password+totp", "password+totp", source, p.idHash());
        } catch (StoreException | GeneralSecurityException e) {
            throw new Refusal(Refusal.Reason.UNAVAILABLE, "the login could not be recorded; try again", e);
        }
    }

    /** The {@code otpauth://} URI of the secret being enrolled on pending session {@code pendingId}, or empty. */
    public Optional<String> enrolmentUri(String pendingId) throws Refusal {
        if (pendingId == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        try {
            Optional<Session> pending = store.read(tx -> tx.portal().session(hash(pendingId)));
            if (pending.isEmpty() || !pending.get().stage().equals(ENROL) || pending.get().createdAt().plus(PENDING).isBefore(now)) {
                return Optional.empty();
            }
            String name = pending.get().account();
            Optional<TotpSecret> totp = store.read(tx -> tx.portal().totp(name));
            if (totp.isEmpty() || totp.get().confirmed()) {
                return Optional.empty();
            }
            byte[] secret = secrets.open(new SealedSecrets.Sealed(totp.get().masterKeyId(), totp.get().sealedSecret()), purpose(name));
            try {
                return Optional.of(Totp.uri(ISSUER, name, secret));
            } finally {
                java.util.Arrays.fill(secret, (byte) 0);
            }
        } catch (StoreException | GeneralSecurityException e) {
            throw new Refusal(Refusal.Reason.UNAVAILABLE, "the enrolment could not be read; try again", e);
        }
    }

    /**
     * The person signed in with session {@code id}, if it is live: known, signed in, used within the idle
     * timeout, younger than the absolute one, its account still enabled. An ended session's row is deleted
     * and {@link Lookup#ended()} says so (the page then explains why the person is back at the login).
     */
    public Lookup signedIn(String id, String source) throws Refusal {
        if (id == null || id.isEmpty()) {
            return Lookup.NONE;
        }
        Instant now = clock.instant();
        String h = hash(id);
        try {
            Optional<Session> s = store.read(tx -> tx.portal().session(h));
            if (s.isEmpty() || !s.get().stage().equals(SIGNED_IN)) {
                return Lookup.ENDED;
            }
            Session session = s.get();
            // a session whose second factor was a certificate ends with the certificate's revocation
            Optional<Account> enabled = registry.fresh().account(session.account()).filter(a -> !a.disabled());
            Optional<Account> account = enabled
                    .filter(a -> !session.credential().matches("[0-9a-f]{64}") || a.hasActiveCertificate(session.credential()));
            if (!now.isBefore(session.lastSeenAt().plus(idle)) || !now.isBefore(session.createdAt().plus(absolute)) || account.isEmpty()) {
                store.inTransaction(tx -> tx.portal().deleteSession(h));
                audit.recordQuietly(AuditEvent.ok("session.closed", session.account(), source, "-").withDetail("channel", CHANNEL)
                        .withDetail("reason", enabled.isEmpty() ? "account-disabled" : account.isEmpty() ? "certificate-revoked"
                                : !now.isBefore(session.createdAt().plus(absolute)) ? "absolute-timeout" : "idle-timeout"));
                return Lookup.ENDED;
            }
            if (!now.isBefore(session.lastSeenAt().plus(TOUCH_EVERY))) {
                store.inTransaction(tx -> {
                    tx.portal().touchSession(h, now);
                    return null;
                });
            }
            return new Lookup(Optional.of(new Live(Callers.of(account.get(), Caller.Channel.PORTAL, session.credential(), source),
                    csrfToken(id))), false);
        } catch (StoreException e) {
            throw new Refusal(Refusal.Reason.UNAVAILABLE, "the session could not be read; try again", e);
        }
    }

    /** Ends session {@code id} (a logout, or a new login over an old one); audited when there was one. */
    public void logout(String id, String source) throws Refusal {
        if (id == null || id.isEmpty()) {
            return;
        }
        String h = hash(id);
        try {
            Optional<Session> s = store.read(tx -> tx.portal().session(h));
            if (s.isPresent() && store.inTransaction(tx -> tx.portal().deleteSession(h)) && s.get().stage().equals(SIGNED_IN)) {
                audit.record(AuditEvent.ok("auth.logout", s.get().account(), source, "-").withDetail("channel", CHANNEL));
            }
        } catch (StoreException e) {
            throw new Refusal(Refusal.Reason.UNAVAILABLE, "the session could not be ended; try again", e);
        }
    }

    /** The anti-forgery token of session {@code id}: derived, never stored. */
    public static String csrfToken(String id) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(sha256("csrf:" + id));
    }

    /** Whether the demo may read this account's secret: for {@code scripts/admin demo-totp} (demo only, checked by the caller). */
    public Optional<byte[]> totpSecret(String account) throws Refusal {
        try {
            Optional<TotpSecret> totp = store.read(tx -> tx.portal().totp(account));
            if (totp.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(secrets.open(new SealedSecrets.Sealed(totp.get().masterKeyId(), totp.get().sealedSecret()),
                    purpose(account)));
        } catch (StoreException | GeneralSecurityException e) {
            throw new Refusal(Refusal.Reason.UNAVAILABLE, "the TOTP secret could not be read", e);
        }
    }

    /**
     * Enrols {@code secret} for {@code account} as confirmed, if it has no confirmed secret yet (the demo's
     * people, whose secrets are written to demo/accounts.json); returns the secret in force.
     */
    public byte[] enrolIfAbsent(String account, byte[] secret) throws Refusal {
        Optional<byte[]> existing = totpSecret(account);
        try {
            Optional<TotpSecret> row = store.read(tx -> tx.portal().totp(account));
            if (existing.isPresent() && row.isPresent() && row.get().confirmed()) {
                return existing.get();
            }
            SealedSecrets.Sealed sealed = secrets.seal(secret, purpose(account));
            Instant now = clock.instant();
            store.inTransaction(tx -> {
                tx.portal().putTotp(new TotpSecret(account, sealed.masterKeyId(), sealed.sealed(), true, -1, now));
                return null;
            });
            audit.record(AuditEvent.ok("auth.totp-enrolled", account, "local", "-").withDetail("channel", CHANNEL)
                    .withDetail("by", "demo"));
            return secret;
        } catch (StoreException | GeneralSecurityException e) {
            throw new Refusal(Refusal.Reason.UNAVAILABLE, "the TOTP secret could not be stored", e);
        }
    }

    private Step signIn(Account a, String credential, String method, String source, String pendingHash) throws Refusal {
        Instant now = clock.instant();
        String id = newId();
        AuditEvent event = AuditEvent.ok("auth.success", a.name(), source, "-").withDetail("channel", CHANNEL).withDetail("method", method);
        AuditEvent audited = credential.startsWith("password") ? event : event.withDetail("certificateFingerprint", credential);
        try {
            // the session and its audit row commit together: a login that cannot be audited does not happen
            store.inTransaction(tx -> {
                if (pendingHash != null) {
                    tx.portal().deleteSession(pendingHash);
                }
                tx.portal().insertSession(new Session(hash(id), a.name(), SIGNED_IN, credential, source, now, now));
                tx.portal().deleteExpiredSessions(now.minus(idle), now.minus(absolute));
                audit.append(tx, audited);
                return null;
            });
        } catch (StoreException e) {
            throw new Refusal(Refusal.Reason.UNAVAILABLE, "the login could not be recorded; try again", e);
        }
        lockout.succeeded(a.name());
        return new Step(Next.SIGNED_IN, id, Callers.of(a, Caller.Channel.PORTAL, credential, source));
    }

    private Step failed(String account, String source, String method, String reason, boolean count) {
        boolean locked = false;
        if (count) {
            if (lockout.failSource(source)) {
                lockedNow("source", "-", source);
                locked = true;
            }
            if (lockout.failAccount(account)) {
                lockedNow("account", account, source);
                locked = true;
            }
        }
        audit.recordQuietly(AuditEvent.refused("auth.failure", account, source, "-").withDetail("channel", CHANNEL)
                .withDetail("method", method).withDetail("reason", reason));
        return Step.of(locked ? Next.LOCKED_OUT : Next.REFUSED);
    }

    private void lockedNow(String kind, String account, String source) {
        audit.recordQuietly(AuditEvent.refused("auth.lockout", account, source, "-").withDetail("channel", CHANNEL)
                .withDetail("lockedOut", kind));
    }

    private void deleteQuietly(String idHash) {
        try {
            store.inTransaction(tx -> tx.portal().deleteSession(idHash));
        } catch (StoreException e) {
            // the row expires anyway: a pending session lives five minutes
        }
    }

    private static String purpose(String account) {
        return "totp:" + account;
    }

    private static String newId() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** What the database keeps of a session id. */
    static String hash(String id) {
        return HexFormat.of().formatHex(sha256("session:" + id));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
