package org.treatyexchange.server.application;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.treatyexchange.server.audit.AuditEvent;
import org.treatyexchange.server.config.ConfigException;
import org.treatyexchange.server.config.ServerConfig;
import org.treatyexchange.server.crypto.LocalCertificateAuthority;
import org.treatyexchange.server.crypto.PasswordHash;
import org.treatyexchange.server.crypto.SealedSecrets;
import org.treatyexchange.server.crypto.SshKeyFiles;
import org.treatyexchange.server.notify.MailTemplates;
import org.treatyexchange.server.registry.Account;
import org.treatyexchange.server.registry.AuthorizedKey;
import org.treatyexchange.server.registry.RegisteredCertificate;
import org.treatyexchange.server.registry.Registry;
import org.treatyexchange.server.registry.RegistryService;
import org.treatyexchange.server.store.DelegationRecords.Change;
import org.treatyexchange.server.store.DelegationRecords.Invitation;
import org.treatyexchange.server.store.NotificationRecords;
import org.treatyexchange.server.store.Store;
import org.treatyexchange.server.store.StoreException;

/**
 * A State administrator manages its own State's people and systems, under the secretariat's control; the secretariat
 * approves, refuses and undoes what it did. Every rule of delegated administration lives here, whatever the edge:
 *
 * <ul>
 *   <li>only a State administrator ({@link Caller#administersState()}) acts, and only on accounts of its own State:
 *       another State's account, a secretariat account or an unknown name all get the same {@code not-found};
 *   <li>it never changes a role (an invited person is a {@code state-officer}, an added system a {@code state-system}; only
 *       the secretariat grants {@code state-admin}), never another State administrator's account, never reinstates itself,
 *       and may suspend or remove its own account only while another enabled State administrator of its State remains;
 *   <li>a new account (person or system), certificate or SSH key, or a reinstatement, waits for the secretariat's approval
 *       when the policy ({@link ServerConfig.Delegation}) says so; a revocation, key removal, suspension or removal applies
 *       at once, always;
 *   <li>a key or certificate is checked before it is accepted (the registry's algorithm and size policy, validity, not an
 *       authority's certificate, not registered to any account) — at the request and again when approved; a refused one
 *       changes nothing;
 *   <li>every change, refusal, approval and undo is audited with who asked and who decided, and is a row of the State's and
 *       the secretariat's history.
 * </ul>
 *
 * <p>A change takes effect through the registry (the file, validated in full and published to every node, as
 * {@link RegistryDesk}): from the next request or login on every channel, open SSH sessions with a withdrawn key
 * included (the SFTP server closes them on the registry's change).
 */
public final class DelegatedAdministration {

    /** What a State administrator may ask for. */
    public enum Action {
        INVITE("invite"), ADD_SYSTEM_ACCOUNT("add-system-account"), REGISTER_SSH_KEY("register-ssh-key"),
        REGISTER_CERTIFICATE("register-certificate"), REVOKE_CERTIFICATE("revoke-certificate"), REMOVE_SSH_KEY("remove-ssh-key"),
        SUSPEND("suspend"), REINSTATE("reinstate"), REMOVE("remove");

        private final String wireName;

        Action(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        static Action of(String wireName) {
            for (Action a : values()) {
                if (a.wireName.equals(wireName)) {
                    return a;
                }
            }
            throw new IllegalArgumentException("unknown delegated action " + wireName);
        }

        /** Withdrawals: always at once, whatever the policy. */
        boolean withdraws() {
            return this == REVOKE_CERTIFICATE || this == REMOVE_SSH_KEY || this == SUSPEND || this == REMOVE;
        }
    }

    /** The statuses of a change. */
    public static final String PENDING = "pending";
    public static final String APPLIED = "applied";
    public static final String REFUSED = "refused";
    public static final String UNDONE = "undone";

    /** An account as its State administrator sees it. */
    public record AccountRow(String name, String role, boolean disabled, boolean awaitingEnrolment, List<String> sshKeys,
            List<RegistryDesk.CertificateRow> certificates, Optional<Instant> lastLogin) {
    }

    /**
     * What a request became.
     *
     * @param change the change as recorded (status {@code applied} or {@code pending})
     * @param enrolmentToken for an invitation: the one-time token of the enrolment link, shown once, never stored; else null
     * @param issuedCertificatePem for a signed certificate request: the certificate, else null
     * @param mailedTo for an invitation sent by e-mail: the invitee's address (the token is then null: nobody but the
     *     invitee sees it), else null
     */
    public record Outcome(Change change, String enrolmentToken, String issuedCertificatePem, String mailedTo) {
        public Outcome(Change change, String enrolmentToken, String issuedCertificatePem) {
            this(change, enrolmentToken, issuedCertificatePem, null);
        }
    }

    /**
     * How invitations are e-mailed when notifications are configured: the token is sealed by the server's master keys into
     * the outbox row, never stored in clear, and the mail is held until the invitation is in effect.
     *
     * @param portalUrl the portal's public address for the link ({@code notifications.portalUrl})
     * @param wake wakes the sender once a mail is due
     */
    public record InvitationMail(SealedSecrets secrets, String portalUrl, Runnable wake) {
        public InvitationMail {
            Objects.requireNonNull(secrets, "secrets");
            Objects.requireNonNull(portalUrl, "portalUrl");
            Objects.requireNonNull(wake, "wake");
        }
    }

    private static final Pattern ACCOUNT_NAME = Pattern.compile("[a-z][a-z0-9._-]{0,31}");
    private static final Pattern CHANGE_ID = Pattern.compile("[0-9a-f]{24}");
    private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{43}");
    // deliberately plain: a local part and a dotted domain, no spaces, quotes, brackets or line breaks (a mail header)
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+");
    private static final int MIN_PASSWORD = 12;
    private static final int MAX_PASSWORD = 256;
    private static final int HISTORY = 500;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final RegistryService registry;
    private final Store store;
    private final AuditTrail audit;
    private final Clock clock;
    private final ServerConfig.Delegation policy;
    private final LocalCertificateAuthority ca;
    private final InvitationMail mail;

    /**
     * @param ca the server's CA that signs certificate requests; null when the API is off (requests are then refused)
     * @param mail how invitations are e-mailed; null when notifications are off (the link is then shown once)
     */
    public DelegatedAdministration(RegistryService registry, Store store, AuditTrail audit, Clock clock, ServerConfig.Delegation policy,
            LocalCertificateAuthority ca, InvitationMail mail) {
        this.mail = mail;
        this.registry = Objects.requireNonNull(registry, "registry");
        this.store = Objects.requireNonNull(store, "store");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.ca = ca;
    }

    // ---- the State administrator ----

    /** The accounts of the caller's State, with their keys, certificates and last login. */
    public List<AccountRow> accounts(Caller caller) throws Refusal {
        String state = requireStateAdministrator(caller, "delegation.accounts", "-");
        Instant now = clock.instant();
        List<AccountRow> out = new ArrayList<>();
        try {
            for (Account a : registry.fresh().accountsOf(state)) {
                Optional<Instant> last = store.read(tx -> tx.delegation().lastLogin(a.name()));
                List<RegistryDesk.CertificateRow> certificates = new ArrayList<>();
                for (RegisteredCertificate c : a.certificates()) {
                    Instant notAfter = c.certificate().getNotAfter().toInstant();
                    boolean expired = !notAfter.isAfter(now);
                    certificates.add(new RegistryDesk.CertificateRow(a.name(), c.fingerprint(), c.certificate().getSubjectX500Principal()
                            .getName(), notAfter, c.revoked(), !c.revoked() && !expired && notAfter.isBefore(now.plus(RegistryDesk.EXPIRY_WARNING)),
                            expired));
                }
                out.add(new AccountRow(a.name(), roleName(a.role()), a.disabled(), a.disabled() && a.passwordHash() == null
                        && a.sshKeys().isEmpty() && a.certificates().isEmpty(), a.sshKeys().stream().map(AuthorizedKey::fingerprint).toList(),
                        certificates, last));
            }
        } catch (StoreException e) {
            throw new Refusal(Refusal.Reason.UNAVAILABLE, "the accounts could not be read; try again", e);
        }
        return out;
    }

    /** The changes of the caller's State, newest first. */
    public List<Change> stateHistory(Caller caller) throws Refusal {
        String state = requireStateAdministrator(caller, "delegation.history", "-");
        try {
            return store.read(tx -> tx.delegation().ofState(state, HISTORY));
        } catch (StoreException e) {
            throw new Refusal(Refusal.Reason.UNAVAILABLE, "the history could not be read; try again", e);
        }
    }

    /**
     * Invites a person: a new {@code state-officer} account of the caller's State, disabled until the person enrols with the
     * one-time link (password, then TOTP at the first login). Pending the secretariat's approval when the policy says so: the
     * link then works once the change is approved.
     */
    public Outcome invite(Caller caller, String accountName) throws Refusal {
        return invite(caller, accountName, null);
    }

    /**
     * Invites a person as {@link #invite(Caller, String)}; when notifications are configured the link is e-mailed to
     * {@code email} (required then) once the invitation is in effect, and nobody else sees it. Without notifications the
     * address is not used and the link is shown once.
     */
    public Outcome invite(Caller caller, String accountName, String email) throws Refusal {
        return invite(caller, accountName, email, "en");
    }

    /**
     * Invites a person as {@link #invite(Caller, String, String)}, the e-mail written in {@code language} (one of
     * {@link MailTemplates#INVITATION_LANGUAGES}, else English): the portal passes the inviting administrator's.
     */
    public Outcome invite(Caller caller, String accountName, String email, String language) throws Refusal {
        String state = requireStateAdministrator(caller, "delegation.invite", accountName);
        String name = newAccountName(caller, "delegation.invite", accountName);
        String address = email == null ? "" : email.strip();
        if (mail != null && (address.length() > 254 || !EMAIL.matcher(address).matches())) {
            throw refused(caller, "delegation.invite", name, Refusal.Reason.MALFORMED,
                    "the invitation is e-mailed: give the person's e-mail address, such as officer@mfa.example.org");
        }
        try {
            registry.checkAddStateAccount(name, state, "state-officer");
        } catch (ConfigException | IllegalArgumentException | IOException e) {
            throw refused(caller, "delegation.invite", name, Refusal.Reason.MALFORMED, "not invited, nothing changed: " + problem(e));
        }
        String token = newToken();
        Map<String, String> payload = new LinkedHashMap<>();
        payload.put("account", name);
        Change change = newChange(caller, state, Action.INVITE, name, "invite " + name + " (state-officer)", payload);
        Instant now = clock.instant();
        Invitation invitation = new Invitation(hash(token), name, state, change.id(), caller.account(), now,
                now.plus(policy.invitationLifetime()), null);
        if (mail == null) {
            Change recorded = request(caller, change, policy.inviteNeedsApproval(), tx -> tx.delegation().insertInvitation(invitation));
            return new Outcome(recorded, token, null);
        }
        NotificationRecords.NewMail text = invitationMail(address, name, state, language);
        NotificationRecords.SealedPart sealed = seal(token, change.id(), address);
        Change recorded;
        try {
            recorded = request(caller, change, policy.inviteNeedsApproval(), tx -> {
                tx.delegation().insertInvitation(invitation);
                tx.notifications().enqueueSealed(text, sealed, true, now); // held until the invitation is in effect
            });
        } catch (Refusal e) {
            dropInvitationMail(change.id(), "the invitation was not applied");
            throw e;
        }
        if (recorded.status().equals(APPLIED)) {
            releaseInvitationMail(recorded.id());
        }
        return new Outcome(recorded, null, null, address);
    }

    /**
     * Adds an account for a national system of the caller's State: role {@code state-system}, no password (it never logs in
     * to the portal), disabled until its first SSH key or certificate is registered with the actions below, which then
     * enable it in the same registry change. Pending the secretariat's approval when the policy says so (by default, as any
     * new account).
     */
    public Outcome addSystemAccount(Caller caller, String accountName) throws Refusal {
        String type = "delegation." + Action.ADD_SYSTEM_ACCOUNT.wireName();
        String state = requireStateAdministrator(caller, type, accountName);
        String name = newAccountName(caller, type, accountName);
        try {
            registry.checkAddStateAccount(name, state, "state-system");
        } catch (ConfigException | IllegalArgumentException | IOException e) {
            throw refused(caller, type, name, Refusal.Reason.MALFORMED, "not added, nothing changed: " + problem(e));
        }
        Map<String, String> payload = new LinkedHashMap<>();
        payload.put("account", name);
        Change change = newChange(caller, state, Action.ADD_SYSTEM_ACCOUNT, name, "add system account " + name + " (state-system)",
                payload);
        return new Outcome(request(caller, change, policy.systemAccountNeedsApproval(), null), null, null);
    }

    /**
     * Lifts the suspension of an account of the caller's State: it logs in again with its password, keys and certificates.
     * Access given back, so pending the secretariat's approval when the policy says so (by default). Never the caller itself,
     * never another State administrator, never an account that has nothing to log in with (an invited person not yet
     * enrolled, a system awaiting its first key or certificate).
     */
    public Outcome reinstate(Caller caller, String accountName) throws Refusal {
        String type = "delegation." + Action.REINSTATE.wireName();
        Account target = target(caller, accountName, Action.REINSTATE);
        if (target.name().equals(caller.account())) {
            throw refused(caller, type, target.name(), Refusal.Reason.FORBIDDEN, "you cannot reinstate your own account");
        }
        if (!target.disabled()) {
            throw refused(caller, type, target.name(), Refusal.Reason.CONFLICT, "the account is not suspended");
        }
        if (target.passwordHash() == null && target.sshKeys().isEmpty()
                && target.certificates().stream().allMatch(RegisteredCertificate::revoked)) {
            throw refused(caller, type, target.name(), Refusal.Reason.CONFLICT,
                    "the account has no password, key or certificate to log in with: register one first");
        }
        if (pending(Action.REINSTATE, target.name())) {
            throw refused(caller, type, target.name(), Refusal.Reason.CONFLICT,
                    "a reinstatement of this account already awaits the secretariat");
        }
        Map<String, String> payload = new LinkedHashMap<>();
        payload.put("account", target.name());
        return new Outcome(request(caller, newChange(caller, target.stateCode(), Action.REINSTATE, target.name(), "reinstate "
                + target.name(), payload), policy.reinstateNeedsApproval(), null), null, null);
    }

    /** Registers an OpenSSH public key for an account of the caller's State (pending approval when the policy says so). */
    public Outcome registerSshKey(Caller caller, String accountName, String keyLine) throws Refusal {
        String type = "delegation.register-ssh-key";
        Account target = target(caller, accountName, Action.REGISTER_SSH_KEY);
        String line = keyLine == null ? "" : keyLine.strip();
        String fingerprint;
        try {
            if (line.isEmpty() || line.contains("\n") || line.contains("\r") || line.length() > 16_384) {
                throw new IllegalArgumentException("an SSH public key is one line such as 'ssh-ed25519 AAAA… comment'");
            }
            fingerprint = SshKeyFiles.fingerprint(SshKeyFiles.parseAuthorizedKey(line));
            registry.checkRegisterKeys(target.name(), line, null);
        } catch (GeneralSecurityException | ConfigException | IOException | RuntimeException e) {
            throw refused(caller, type, target.name(), Refusal.Reason.MALFORMED, "not registered, nothing changed: " + problem(e));
        }
        Map<String, String> payload = new LinkedHashMap<>();
        payload.put("account", target.name());
        payload.put("sshKey", line);
        payload.put("fingerprint", fingerprint);
        Change change = newChange(caller, target.stateCode(), Action.REGISTER_SSH_KEY, target.name(), "SSH key " + fingerprint, payload);
        return new Outcome(request(caller, change, policy.sshKeyNeedsApproval(), null), null, null);
    }

    /** Registers a PEM certificate for an account of the caller's State (pending approval when the policy says so). */
    public Outcome registerCertificate(Caller caller, String accountName, String certificatePem) throws Refusal {
        Account target = target(caller, accountName, Action.REGISTER_CERTIFICATE);
        X509Certificate certificate = checkCertificate(caller, target, certificatePem);
        return new Outcome(requestCertificate(caller, target, certificatePem.strip() + "\n", certificate), null, null);
    }

    /**
     * Has the server's CA sign a certificate signing request for an account of the caller's State, with the State's code as
     * organisation and the account as common name whatever the request says, then registers the certificate as
     * {@link #registerCertificate} (pending approval when the policy says so). The certificate is returned for download.
     */
    public Outcome signCertificateRequest(Caller caller, String accountName, String csrPem) throws Refusal {
        String type = "delegation.register-certificate";
        Account target = target(caller, accountName, Action.REGISTER_CERTIFICATE);
        if (ca == null) {
            throw refused(caller, type, target.name(), Refusal.Reason.CONFLICT, "this server has no certificate authority (the API is off)");
        }
        X509Certificate issued;
        try {
            issued = ca.signClientRequest(csrPem, target.name(), target.stateCode(), policy.certificateValidity());
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw refused(caller, type, target.name(), Refusal.Reason.MALFORMED, "not signed, nothing changed: " + problem(e));
        }
        String pem = pem(issued);
        checkCertificate(caller, target, pem);
        return new Outcome(requestCertificate(caller, target, pem, issued), null, pem);
    }

    /** Revokes a certificate of an account of the caller's State: at once, always. */
    public Outcome revokeCertificate(Caller caller, String accountName, String fingerprint) throws Refusal {
        Account target = target(caller, accountName, Action.REVOKE_CERTIFICATE);
        if (fingerprint == null || !FINGERPRINT.matcher(fingerprint).matches() || !target.hasActiveCertificate(fingerprint)) {
            throw refused(caller, "delegation.revoke-certificate", target.name(), Refusal.Reason.NOT_FOUND,
                    "the account has no unrevoked certificate " + (fingerprint == null ? "" : fingerprint.length() > 64 ? "" : fingerprint));
        }
        Map<String, String> payload = new LinkedHashMap<>();
        payload.put("account", target.name());
        payload.put("fingerprint", fingerprint);
        return new Outcome(request(caller, newChange(caller, target.stateCode(), Action.REVOKE_CERTIFICATE, target.name(),
                "revoke certificate " + fingerprint, payload), false, null), null, null);
    }

    /** Removes an SSH key of an account of the caller's State: at once, always. */
    public Outcome removeSshKey(Caller caller, String accountName, String fingerprint) throws Refusal {
        Account target = target(caller, accountName, Action.REMOVE_SSH_KEY);
        if (fingerprint == null || target.sshKeys().stream().noneMatch(k -> k.fingerprint().equals(fingerprint))) {
            throw refused(caller, "delegation.remove-ssh-key", target.name(), Refusal.Reason.NOT_FOUND, "the account has no such SSH key");
        }
        Map<String, String> payload = new LinkedHashMap<>();
        payload.put("account", target.name());
        payload.put("fingerprint", fingerprint);
        try {
            payload.put("sshKey", sshKeyLine(target, fingerprint));
        } catch (IllegalArgumentException e) {
            throw refused(caller, "delegation.remove-ssh-key", target.name(), Refusal.Reason.CONFLICT, problem(e));
        }
        return new Outcome(request(caller, newChange(caller, target.stateCode(), Action.REMOVE_SSH_KEY, target.name(),
                "remove SSH key " + fingerprint, payload), false, null), null, null);
    }

    /** Suspends an account of the caller's State: it logs in nowhere from the next request on; at once, always. */
    public Outcome suspend(Caller caller, String accountName) throws Refusal {
        Account target = target(caller, accountName, Action.SUSPEND);
        if (target.disabled()) {
            throw refused(caller, "delegation.suspend", target.name(), Refusal.Reason.CONFLICT, "the account is already suspended");
        }
        Map<String, String> payload = new LinkedHashMap<>();
        payload.put("account", target.name());
        return new Outcome(request(caller, newChange(caller, target.stateCode(), Action.SUSPEND, target.name(), "suspend " + target.name(),
                payload), false, null), null, null);
    }

    /** Removes an account of the caller's State from the registry (the secretariat can put it back); at once, always. */
    public Outcome remove(Caller caller, String accountName) throws Refusal {
        Account target = target(caller, accountName, Action.REMOVE);
        Map<String, String> payload = new LinkedHashMap<>();
        payload.put("account", target.name());
        try {
            payload.put("block", registry.accountBlock(target.name()));
        } catch (IOException | IllegalArgumentException e) {
            throw refused(caller, "delegation.remove", target.name(), Refusal.Reason.CONFLICT, "not removed, nothing changed: " + problem(e));
        }
        return new Outcome(request(caller, newChange(caller, target.stateCode(), Action.REMOVE, target.name(), "remove " + target.name(),
                payload), false, null), null, null);
    }

    // ---- the invited person (no caller yet) ----

    /** Whether an enrolment link can be used now: {@code ready}, {@code awaiting-approval}, or empty for an unusable one. */
    public Optional<String> invitationStatus(String token) throws Refusal {
        Optional<Invitation> i = usableInvitation(token);
        if (i.isEmpty()) {
            return Optional.empty();
        }
        Optional<Change> c = read(tx -> tx.delegation().change(i.get().changeId()));
        if (c.isEmpty()) {
            return Optional.empty();
        }
        return switch (c.get().status()) {
            case APPLIED -> Optional.of("ready");
            case PENDING -> Optional.of("awaiting-approval");
            default -> Optional.empty();
        };
    }

    /**
     * Completes an invitation: sets the person's password (Argon2id in the registry) and enables the account; the person then
     * logs in and enrols TOTP. The link works once, before it expires, and only once its change is approved.
     *
     * @return the account name, to log in with
     */
    public String enrol(String token, char[] password, String source) throws Refusal {
        try {
            Optional<Invitation> found = usableInvitation(token);
            if (found.isEmpty()) {
                audit.recordQuietly(AuditEvent.refused("delegation.enrol", "-", source, "-").withDetail("reason", "unknown-used-or-expired"));
                throw new Refusal(Refusal.Reason.NOT_FOUND, "this enrolment link is unknown, used or expired; ask your administrator for another");
            }
            Invitation i = found.get();
            Optional<Change> change = read(tx -> tx.delegation().change(i.changeId()));
            if (change.isEmpty() || !change.get().status().equals(APPLIED)) {
                throw new Refusal(Refusal.Reason.CONFLICT, "this invitation awaits the secretariat's approval; try again later");
            }
            Optional<Account> account = registry.fresh().account(i.account());
            if (account.isEmpty() || !i.stateCode().equals(account.get().stateCode()) || account.get().passwordHash() != null
                    || !account.get().disabled()) {
                throw new Refusal(Refusal.Reason.CONFLICT, "this account can no longer be enrolled; ask your administrator");
            }
            if (password == null || password.length < MIN_PASSWORD || password.length > MAX_PASSWORD) {
                throw new Refusal(Refusal.Reason.MALFORMED, "a password has " + MIN_PASSWORD + " to " + MAX_PASSWORD + " characters");
            }
            PasswordHash hash = PasswordHash.create(password);
            Instant now = clock.instant();
            if (!store.inTransaction(tx -> tx.delegation().useInvitation(i.tokenHash(), now))) {
                throw new Refusal(Refusal.Reason.NOT_FOUND, "this enrolment link is unknown, used or expired; ask your administrator for another");
            }
            try {
                registry.enrol(i.account(), hash);
            } catch (ConfigException | IOException | IllegalArgumentException e) {
                audit.recordQuietly(AuditEvent.refused("delegation.enrol", i.account(), source, i.account()).withDetail("reason", problem(e)));
                throw new Refusal(Refusal.Reason.CONFLICT, "the enrolment could not be completed; ask your administrator for another link");
            }
            audit.record(AuditEvent.ok("delegation.enrol", i.account(), source, i.account()).withDetail("state", i.stateCode())
                    .withDetail("change", i.changeId()).withDetail("invitedBy", i.createdBy()));
            return i.account();
        } catch (StoreException e) {
            throw new Refusal(Refusal.Reason.UNAVAILABLE, "the enrolment could not be recorded; try again", e);
        } finally {
            if (password != null) {
                java.util.Arrays.fill(password, '\0');
            }
        }
    }

    // ---- the secretariat ----

    /** The changes awaiting approval, oldest first; any secretariat person reads them. */
    public List<Change> pending(Caller caller) throws Refusal {
        SecretariatDesk.requireSecretariat(caller);
        return read(tx -> tx.delegation().withStatus(PENDING, HISTORY));
    }

    /** Every delegated change, newest first; any secretariat person reads them. */
    public List<Change> history(Caller caller) throws Refusal {
        SecretariatDesk.requireSecretariat(caller);
        return read(tx -> tx.delegation().newest(HISTORY));
    }

    /** Approves a pending change: it is applied now (checked again first); a change that no longer applies is refused instead. */
    public Change approve(Caller caller, String id) throws Refusal {
        requireRegistryAdministrator(caller, "delegation.approve", id);
        Change change = existingChange(caller, "delegation.approve", id);
        if (!change.status().equals(PENDING)) {
            throw refused(caller, "delegation.approve", id, Refusal.Reason.CONFLICT, "the change is " + change.status() + ", not pending");
        }
        try {
            apply(change);
        } catch (Refusal why) {
            decide(change.id(), PENDING, REFUSED, caller.account(), "could not be applied: " + why.getMessage());
            dropInvitationMail(change.id(), "the invitation was refused");
            audit.record(event(caller, "delegation.refuse", change).withDetail("reason", "could not be applied: " + why.getMessage()));
            throw why;
        }
        if (!decide(change.id(), PENDING, APPLIED, caller.account(), null)) {
            throw new Refusal(Refusal.Reason.CONFLICT, "another person decided on this change first");
        }
        audit.record(event(caller, "delegation.approve", change).withDetail("requestedBy", change.requestedBy())
                .withDetail("approvedBy", caller.account()));
        if (change.action().equals(Action.INVITE.wireName())) {
            releaseInvitationMail(change.id());
        }
        return read(tx -> tx.delegation().change(change.id())).orElseThrow();
    }

    /** Refuses a pending change: nothing is applied. */
    public Change refuse(Caller caller, String id, String reason) throws Refusal {
        requireRegistryAdministrator(caller, "delegation.refuse", id);
        Change change = existingChange(caller, "delegation.refuse", id);
        String why = reason == null || reason.isBlank() ? "refused by the secretariat" : reason.strip();
        if (why.length() > 500 || why.contains("\n")) {
            throw refused(caller, "delegation.refuse", id, Refusal.Reason.MALFORMED, "a reason is one line of at most 500 characters");
        }
        if (!decide(change.id(), PENDING, REFUSED, caller.account(), why)) {
            throw refused(caller, "delegation.refuse", id, Refusal.Reason.CONFLICT, "the change is " + change.status() + ", not pending");
        }
        if (change.action().equals(Action.INVITE.wireName())) {
            cancelInvitations(change.target());
            dropInvitationMail(change.id(), "the invitation was refused");
        }
        audit.record(event(caller, "delegation.refuse", change).withDetail("requestedBy", change.requestedBy()).withDetail("reason", why));
        return read(tx -> tx.delegation().change(change.id())).orElseThrow();
    }

    /**
     * Undoes an applied delegated change: an invitation's or a system's new account is removed, a registered key removed, a
     * registered certificate revoked, a revocation taken back, a suspension lifted, a reinstatement suspended again, a removed
     * account put back.
     */
    public Change undo(Caller caller, String id) throws Refusal {
        requireRegistryAdministrator(caller, "delegation.undo", id);
        Change change = existingChange(caller, "delegation.undo", id);
        if (!change.status().equals(APPLIED)) {
            throw refused(caller, "delegation.undo", id, Refusal.Reason.CONFLICT, "only an applied change can be undone; this one is "
                    + change.status());
        }
        Map<String, String> p = payload(change);
        String account = p.get("account");
        String note = "undone by " + caller.account() + " in the " + caller.channel().wireName() + " on " + today() + " (change "
                + change.id() + ")";
        try {
            switch (Action.of(change.action())) {
                case INVITE -> {
                    cancelInvitations(account);
                    if (registry.current().account(account).isPresent()) {
                        registry.removeAccount(account);
                    }
                }
                case ADD_SYSTEM_ACCOUNT -> {
                    if (registry.current().account(account).isPresent()) {
                        registry.removeAccount(account);
                    }
                }
                case REGISTER_SSH_KEY -> registry.removeSshKey(account, p.get("fingerprint"));
                case REGISTER_CERTIFICATE -> registry.revokeCertificate(account, p.get("fingerprint"), note);
                case REINSTATE -> registry.setDisabled(account, true);
                case REVOKE_CERTIFICATE -> registry.unrevokeCertificate(account, p.get("fingerprint"));
                case REMOVE_SSH_KEY -> registry.registerKeys(account, p.get("sshKey"), null, note);
                case SUSPEND -> registry.setDisabled(account, false);
                case REMOVE -> registry.restoreAccount(p.get("block"), note);
                default -> throw new IllegalStateException("no undo for " + change.action());
            }
        } catch (ConfigException | IOException | IllegalArgumentException e) {
            throw refused(caller, "delegation.undo", id, Refusal.Reason.CONFLICT, "not undone, nothing changed: " + problem(e));
        }
        try {
            if (!store.inTransaction(tx -> tx.delegation().undo(change.id(), caller.account(), clock.instant()))) {
                throw new Refusal(Refusal.Reason.CONFLICT, "another person undid this change first");
            }
        } catch (StoreException e) {
            throw new Refusal(Refusal.Reason.UNAVAILABLE, "the undo could not be recorded; try again", e);
        }
        audit.record(event(caller, "delegation.undo", change).withDetail("requestedBy", change.requestedBy())
                .withDetail("undoneBy", caller.account()));
        return read(tx -> tx.delegation().change(change.id())).orElseThrow();
    }

    /** Makes a State officer its State's administrator (secretariat administrators only). */
    public void grantStateAdministrator(Caller caller, String accountName) throws Refusal {
        requireRegistryAdministrator(caller, "delegation.grant-state-admin", accountName);
        Account a = registry.fresh().account(accountName == null ? "" : accountName).orElseThrow(() -> refused(caller,
                "delegation.grant-state-admin", accountName, Refusal.Reason.NOT_FOUND, "no such account"));
        if (a.role() != Account.Role.STATE_OFFICER) {
            throw refused(caller, "delegation.grant-state-admin", a.name(), Refusal.Reason.CONFLICT,
                    "only a State's officer (a person) can be made its State's administrator");
        }
        setRole(caller, a, "state-admin", "delegation.grant-state-admin");
    }

    /** Takes the administrator role back: the account is a State officer again (secretariat administrators only). */
    public void withdrawStateAdministrator(Caller caller, String accountName) throws Refusal {
        requireRegistryAdministrator(caller, "delegation.withdraw-state-admin", accountName);
        Account a = registry.fresh().account(accountName == null ? "" : accountName).filter(x -> x.role() == Account.Role.STATE_ADMIN)
                .orElseThrow(() -> refused(caller, "delegation.withdraw-state-admin", accountName, Refusal.Reason.NOT_FOUND,
                        "no State administrator of that name"));
        setRole(caller, a, "state-officer", "delegation.withdraw-state-admin");
    }

    /** Suspends a State administrator (secretariat administrators only): it logs in nowhere from the next request on. */
    public void suspendStateAdministrator(Caller caller, String accountName) throws Refusal {
        requireRegistryAdministrator(caller, "delegation.suspend-state-admin", accountName);
        Account a = registry.fresh().account(accountName == null ? "" : accountName).filter(x -> x.role() == Account.Role.STATE_ADMIN)
                .orElseThrow(() -> refused(caller, "delegation.suspend-state-admin", accountName, Refusal.Reason.NOT_FOUND,
                        "no State administrator of that name"));
        try {
            registry.setDisabled(a.name(), true);
        } catch (ConfigException | IOException | IllegalArgumentException e) {
            throw refused(caller, "delegation.suspend-state-admin", a.name(), Refusal.Reason.CONFLICT, "not suspended: " + problem(e));
        }
        audit.record(AuditEvent.ok("delegation.suspend-state-admin", caller.account(), caller.source(), a.name())
                .withDetail("channel", caller.channel().wireName()).withDetail("state", a.stateCode()));
    }

    // ---- the rules ----

    private String requireStateAdministrator(Caller caller, String type, String subject) throws Refusal {
        if (!caller.administersState()) {
            audit.recordQuietly(AuditEvent.refused(type, caller.account(), caller.source(), subject == null ? "-" : subject)
                    .withDetail("channel", caller.channel().wireName()).withDetail("reason", "not a State administrator"));
            throw new Refusal(Refusal.Reason.FORBIDDEN, "only a State administrator may do this");
        }
        // the registry may have changed since the session began: a suspended or demoted administrator acts no more
        Optional<Account> self = registry.fresh().account(caller.account());
        if (self.isEmpty() || self.get().disabled() || self.get().role() != Account.Role.STATE_ADMIN
                || !caller.state().equals(self.get().stateCode())) {
            audit.recordQuietly(AuditEvent.refused(type, caller.account(), caller.source(), subject == null ? "-" : subject)
                    .withDetail("channel", caller.channel().wireName()).withDetail("reason", "no longer a State administrator"));
            throw new Refusal(Refusal.Reason.FORBIDDEN, "only a State administrator may do this");
        }
        return caller.state();
    }

    /**
     * The account a State administrator acts on, after every rule: of its own State (else the same {@code not-found} as an
     * unknown name), not another State administrator, and not itself when it is its State's last enabled administrator.
     */
    private Account target(Caller caller, String accountName, Action action) throws Refusal {
        String type = "delegation." + action.wireName();
        String state = requireStateAdministrator(caller, type, accountName);
        String name = accountName == null ? "" : accountName.strip();
        Registry current = registry.fresh();
        Optional<Account> found = current.account(name).filter(a -> state.equals(a.stateCode()));
        if (found.isEmpty()) {
            throw refused(caller, type, name.length() > 64 ? name.substring(0, 64) : name, Refusal.Reason.NOT_FOUND,
                    "your State has no account '" + (name.length() > 64 ? name.substring(0, 64) + "…" : name) + "'");
        }
        Account a = found.get();
        if (a.role() == Account.Role.STATE_ADMIN) {
            if (!a.name().equals(caller.account())) {
                throw refused(caller, type, a.name(), Refusal.Reason.FORBIDDEN,
                        "another State administrator's account is changed by the secretariat only");
            }
            if (action == Action.SUSPEND || action == Action.REMOVE) {
                long others = current.accountsOf(state).stream()
                        .filter(x -> x.role() == Account.Role.STATE_ADMIN && !x.disabled() && !x.name().equals(a.name())).count();
                if (others == 0) {
                    throw refused(caller, type, a.name(), Refusal.Reason.CONFLICT,
                            "you are your State's last administrator: ask the secretariat to appoint another first");
                }
            }
        }
        return a;
    }

    private X509Certificate checkCertificate(Caller caller, Account target, String pem) throws Refusal {
        String type = "delegation.register-certificate";
        try {
            if (pem == null || pem.isBlank()) {
                throw new IllegalArgumentException("give a PEM certificate");
            }
            List<X509Certificate> certificates = LocalCertificateAuthority.readPemCertificates(pem);
            if (certificates.size() != 1) {
                throw new IllegalArgumentException("give exactly one certificate (the system's own, without its chain)");
            }
            X509Certificate c = certificates.get(0);
            Instant now = clock.instant();
            if (c.getNotBefore().toInstant().isAfter(now)) {
                throw new IllegalArgumentException("the certificate is not valid before " + c.getNotBefore().toInstant());
            }
            if (!c.getNotAfter().toInstant().isAfter(now)) {
                throw new IllegalArgumentException("the certificate expired on " + c.getNotAfter().toInstant());
            }
            if (c.getBasicConstraints() >= 0) {
                throw new IllegalArgumentException("a certificate authority's certificate cannot be registered to an account");
            }
            if (registry.fresh().certificate(LocalCertificateAuthority.fingerprint(c)).isPresent()) {
                throw new IllegalArgumentException("this certificate is already registered");
            }
            registry.checkRegisterKeys(target.name(), null, pem); // algorithm and size policy, uniqueness: the registry's own checks
            return c;
        } catch (GeneralSecurityException | ConfigException | IOException | RuntimeException e) {
            throw refused(caller, type, target.name(), Refusal.Reason.MALFORMED, "not registered, nothing changed: " + problem(e));
        }
    }

    private Change requestCertificate(Caller caller, Account target, String pem, X509Certificate certificate) throws Refusal {
        String fingerprint = LocalCertificateAuthority.fingerprint(certificate);
        Map<String, String> payload = new LinkedHashMap<>();
        payload.put("account", target.name());
        payload.put("certificatePem", pem);
        payload.put("fingerprint", fingerprint);
        Change change = newChange(caller, target.stateCode(), Action.REGISTER_CERTIFICATE, target.name(), "certificate " + fingerprint + " ("
                + certificate.getSubjectX500Principal().getName() + ")", payload);
        return request(caller, change, policy.certificateNeedsApproval(), null);
    }

    /** Records a change; applies it at once unless it waits for approval (a withdrawal never waits). */
    private Change request(Caller caller, Change change, boolean needsApproval, TxStep extra) throws Refusal {
        boolean waits = needsApproval && !Action.of(change.action()).withdraws();
        try {
            store.inTransaction(tx -> {
                tx.delegation().insert(change);
                if (extra != null) {
                    extra.run(tx);
                }
                return null;
            });
        } catch (StoreException e) {
            throw new Refusal(Refusal.Reason.UNAVAILABLE, "the change could not be recorded; nothing changed", e);
        }
        if (waits) {
            audit.record(event(caller, "delegation.request", change).withDetail("status", PENDING));
            return change;
        }
        try {
            apply(change);
        } catch (Refusal why) {
            decide(change.id(), PENDING, REFUSED, caller.account(), why.getMessage());
            audit.recordQuietly(AuditEvent.refused("delegation." + change.action(), caller.account(), caller.source(), change.target())
                    .withDetail("channel", caller.channel().wireName()).withDetail("change", change.id()).withDetail("reason", why.getMessage()));
            throw why;
        }
        decide(change.id(), PENDING, APPLIED, caller.account(), "applied at once (policy)");
        audit.record(event(caller, "delegation." + change.action(), change).withDetail("status", APPLIED)
                .withDetail("approvedBy", "policy"));
        return read(tx -> tx.delegation().change(change.id())).orElseThrow();
    }

    /** Makes the change in the registry; a registry that would not load refuses it and nothing changes. */
    private void apply(Change change) throws Refusal {
        Map<String, String> p = payload(change);
        String account = p.get("account");
        String note = "by " + change.requestedBy() + " (State administrator of " + change.stateCode() + ") on " + today() + ", change "
                + change.id();
        try {
            switch (Action.of(change.action())) {
                case INVITE -> registry.addStateAccount(account, change.stateCode(), "state-officer", "invited " + note);
                case ADD_SYSTEM_ACCOUNT -> registry.addStateAccount(account, change.stateCode(), "state-system", "added " + note);
                case REGISTER_SSH_KEY -> registry.registerKeys(requireOfState(change, account), p.get("sshKey"), null, "registered " + note,
                        awaitsFirstCredential(change, account));
                case REGISTER_CERTIFICATE -> registry.registerKeys(requireOfState(change, account), null, p.get("certificatePem"),
                        "registered " + note, awaitsFirstCredential(change, account));
                case REINSTATE -> registry.setDisabled(requireOfState(change, account), false);
                case REVOKE_CERTIFICATE -> registry.revokeCertificate(requireOfState(change, account), p.get("fingerprint"), "revoked " + note);
                case REMOVE_SSH_KEY -> registry.removeSshKey(requireOfState(change, account), p.get("fingerprint"));
                case SUSPEND -> {
                    registry.setDisabled(requireOfState(change, account), true);
                    cancelInvitations(account);
                }
                case REMOVE -> {
                    registry.removeAccount(requireOfState(change, account));
                    cancelInvitations(account);
                }
                default -> throw new IllegalStateException("unknown action");
            }
        } catch (ConfigException | IOException | IllegalArgumentException e) {
            throw new Refusal(Refusal.Reason.MALFORMED, "nothing changed: " + problem(e));
        }
    }

    /** Re-checked when a change is applied (it may have waited): the account is still of the change's State. */
    private String requireOfState(Change change, String account) {
        if (registry.fresh().account(account).filter(a -> change.stateCode().equals(a.stateCode())).isEmpty()) {
            throw new IllegalArgumentException("the account '" + account + "' is no longer an account of " + change.stateCode());
        }
        return account;
    }

    private void setRole(Caller caller, Account a, String role, String type) throws Refusal {
        try {
            registry.setRole(a.name(), role);
        } catch (ConfigException | IOException | IllegalArgumentException e) {
            throw refused(caller, type, a.name(), Refusal.Reason.CONFLICT, "nothing changed: " + problem(e));
        }
        audit.record(AuditEvent.ok(type, caller.account(), caller.source(), a.name()).withDetail("channel", caller.channel().wireName())
                .withDetail("state", a.stateCode()).withDetail("role", role));
    }

    private void requireRegistryAdministrator(Caller caller, String type, String subject) throws Refusal {
        if (!caller.isSecretariat() || !caller.administersRegistry()) {
            audit.recordQuietly(AuditEvent.refused(type, caller.account(), caller.source(), subject == null ? "-" : subject)
                    .withDetail("channel", caller.channel().wireName()).withDetail("reason", "not a secretariat administrator"));
            throw new Refusal(Refusal.Reason.FORBIDDEN, "only a secretariat administrator may do this");
        }
    }

    private Change existingChange(Caller caller, String type, String id) throws Refusal {
        if (id == null || !CHANGE_ID.matcher(id).matches()) {
            throw refused(caller, type, "-", Refusal.Reason.NOT_FOUND, "no such change");
        }
        return read(tx -> tx.delegation().change(id)).orElseThrow(() -> refused(caller, type, id, Refusal.Reason.NOT_FOUND, "no such change"));
    }

    /**
     * The invitation's mail as stored, in {@code language} (the words are {@link MailTemplates}'s, with every other mail's):
     * the link with a placeholder where the sealed token goes, never the token.
     */
    private NotificationRecords.NewMail invitationMail(String to, String account, String state, String language) {
        String link = mail.portalUrl().replaceAll("/+$", "") + "/enrol?token=" + NotificationRecords.TOKEN_PLACEHOLDER;
        MailTemplates.Text text = MailTemplates.invitation(language, state, account,
                clock.instant().plus(policy.invitationLifetime()).truncatedTo(java.time.temporal.ChronoUnit.MINUTES), link);
        return new NotificationRecords.NewMail(to, NotificationRecords.ENROLMENT_INVITATION, null, state, text.subject(), text.body(),
                false);
    }

    private NotificationRecords.SealedPart seal(String token, String changeId, String to) throws Refusal {
        try {
            SealedSecrets.Sealed s = mail.secrets().seal(token.getBytes(StandardCharsets.US_ASCII),
                    NotificationRecords.invitationPurpose(changeId, to));
            return new NotificationRecords.SealedPart(changeId, s.masterKeyId(), Base64.getEncoder().encodeToString(s.sealed()));
        } catch (GeneralSecurityException e) {
            throw new Refusal(Refusal.Reason.UNAVAILABLE, "the invitation could not be sealed; nothing changed", e);
        }
    }

    private void releaseInvitationMail(String changeId) throws Refusal {
        if (mail == null) {
            return;
        }
        try {
            if (store.inTransaction(tx -> tx.notifications().releaseHeld(changeId, clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS))) > 0) {
                mail.wake().run();
            }
        } catch (StoreException e) {
            throw new Refusal(Refusal.Reason.UNAVAILABLE, "the invitation is in effect but its mail could not be released; try again", e);
        }
    }

    private void dropInvitationMail(String changeId, String why) {
        if (mail == null) {
            return;
        }
        try {
            store.inTransaction(tx -> tx.notifications().dropUnsent(changeId, why));
        } catch (StoreException e) {
            // the mail stays held (never sent) with its seal; the enrolment link it carries no longer works
            audit.recordQuietly(AuditEvent.failed("notification.drop", "server", "local", changeId).withDetail("reason", problem(e)));
        }
    }

    /** Whether a change of this action on this account awaits the secretariat. */
    private boolean pending(Action action, String account) throws Refusal {
        return read(tx -> tx.delegation().withStatus(PENDING, HISTORY)).stream()
                .anyMatch(c -> c.action().equals(action.wireName()) && c.target().equals(account));
    }

    /**
     * A new account's name: the name rule, not an account, and not held by a new account (person or system) that awaits the
     * secretariat.
     */
    private String newAccountName(Caller caller, String type, String accountName) throws Refusal {
        String name = accountName == null ? "" : accountName.strip();
        if (!ACCOUNT_NAME.matcher(name).matches()) {
            throw refused(caller, type, name.length() > 64 ? name.substring(0, 64) : name, Refusal.Reason.MALFORMED,
                    "an account name is 1 to 32 characters: a lower-case letter, then letters, digits, '.', '_' or '-'");
        }
        if (registry.fresh().account(name).isPresent() || pending(Action.INVITE, name) || pending(Action.ADD_SYSTEM_ACCOUNT, name)) {
            throw refused(caller, type, name, Refusal.Reason.CONFLICT, "the account name '" + name + "' is taken");
        }
        return name;
    }

    /**
     * Whether registering a key or certificate also enables the account: a system account added by its State administrator
     * that has never had a credential (no password, no key, no certificate, not even a revoked one) and whose only change in
     * force or undone is its addition. A suspended account, one whose keys were removed, or one the secretariat wrote by hand
     * is never enabled this way: lifting a suspension is {@link #reinstate}, under its own policy.
     */
    private boolean awaitsFirstCredential(Change change, String account) throws Refusal {
        Optional<Account> a = registry.fresh().account(account);
        if (a.isEmpty() || a.get().role() != Account.Role.STATE_SYSTEM || !a.get().disabled() || a.get().passwordHash() != null
                || !a.get().sshKeys().isEmpty() || !a.get().certificates().isEmpty()) {
            return false;
        }
        List<Change> done = read(tx -> tx.delegation().appliedOrUndone(change.stateCode(), account, 2));
        return done.size() == 1 && done.get(0).action().equals(Action.ADD_SYSTEM_ACCOUNT.wireName())
                && done.get(0).status().equals(APPLIED);
    }

    private Optional<Invitation> usableInvitation(String token) throws Refusal {
        if (token == null || !TOKEN.matcher(token).matches()) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        return read(tx -> tx.delegation().invitation(hash(token))).filter(i -> i.usedAt() == null && i.expiresAt().isAfter(now));
    }

    private void cancelInvitations(String account) throws Refusal {
        try {
            store.inTransaction(tx -> {
                // a mail not sent yet would carry a dead link: dropped with its seal
                tx.notifications().dropUnsentInvitations(account, "the invitation was cancelled");
                return tx.delegation().cancelInvitations(account, clock.instant());
            });
        } catch (StoreException e) {
            throw new Refusal(Refusal.Reason.UNAVAILABLE, "the invitations could not be cancelled; try again", e);
        }
    }

    private boolean decide(String id, String from, String to, String by, String reason) throws Refusal {
        try {
            return store.inTransaction(tx -> tx.delegation().decide(id, from, to, by, reason, clock.instant()));
        } catch (StoreException e) {
            throw new Refusal(Refusal.Reason.UNAVAILABLE, "the decision could not be recorded; try again", e);
        }
    }

    private Change newChange(Caller caller, String state, Action action, String target, String summary, Map<String, String> payload) {
        byte[] id = new byte[12];
        RANDOM.nextBytes(id);
        try {
            return new Change(HexFormat.of().formatHex(id), state, caller.account(), action.wireName(), target,
                    summary.length() > 500 ? summary.substring(0, 500) : summary, JSON.writeValueAsString(payload), PENDING, null, null,
                    clock.instant(), null, null, null);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a change's payload could not be written", e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> payload(Change change) {
        try {
            return JSON.readValue(change.payload(), Map.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("change " + change.id() + " has an unreadable payload", e);
        }
    }

    private <T> T read(org.treatyexchange.server.store.Store.TxWork<T> work) throws Refusal {
        try {
            return store.read(work);
        } catch (StoreException e) {
            throw new Refusal(Refusal.Reason.UNAVAILABLE, "the delegated changes could not be read; try again", e);
        }
    }

    private Refusal refused(Caller caller, String type, String subject, Refusal.Reason reason, String why) {
        audit.recordQuietly(AuditEvent.refused(type, caller.account(), caller.source(), subject == null || subject.isEmpty() ? "-" : subject)
                .withDetail("channel", caller.channel().wireName()).withDetail("reason", why));
        return new Refusal(reason, why);
    }

    private static AuditEvent event(Caller caller, String type, Change change) {
        return AuditEvent.ok(type, caller.account(), caller.source(), change.target()).withDetail("channel", caller.channel().wireName())
                .withDetail("state", change.stateCode()).withDetail("change", change.id()).withDetail("action", change.action())
                .withDetail("summary", change.summary());
    }

    private String today() {
        return LocalDate.now(clock.withZone(ZoneOffset.UTC)).toString();
    }

    private static String sshKeyLine(Account target, String fingerprint) {
        // the key line to put back if the secretariat undoes the removal: the registry keeps the decoded key
        AuthorizedKey key = target.sshKeys().stream().filter(k -> k.fingerprint().equals(fingerprint)).findFirst().orElseThrow();
        if (target.demoKey() && target.sshKeys().indexOf(key) == target.sshKeys().size() - 1) {
            throw new IllegalArgumentException("the demo key is not in the registry file; the secretariat removes it");
        }
        return SshKeyFiles.authorizedKeyLine(key.key(), key.comment());
    }

    private static String roleName(Account.Role role) {
        return role.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    private static String pem(X509Certificate c) {
        try {
            return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(c.getEncoded()) + "\n-----END CERTIFICATE-----\n";
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException("an issued certificate could not be encoded", e);
        }
    }

    private static String newToken() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** What the database keeps of an enrolment token. */
    static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(("enrolment:" + token).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String problem(Exception e) {
        if (e instanceof ConfigException c) {
            String prefix = c.file() + ": ";
            return c.getMessage().startsWith(prefix) ? c.getMessage().substring(prefix.length()) : c.getMessage();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** Extra work in the transaction that records a change. */
    @FunctionalInterface
    private interface TxStep {
        void run(org.treatyexchange.server.store.Tx tx) throws StoreException;
    }
}
