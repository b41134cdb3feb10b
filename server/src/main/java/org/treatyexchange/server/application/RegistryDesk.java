package org.treatyexchange.server.application;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.treatyexchange.server.audit.AuditEvent;
import org.treatyexchange.server.config.ConfigException;
import org.treatyexchange.server.crypto.LocalCertificateAuthority;
import org.treatyexchange.server.crypto.SshKeyFiles;
import org.treatyexchange.server.registry.Account;
import org.treatyexchange.server.registry.RegisteredCertificate;
import org.treatyexchange.server.registry.Registry;
import org.treatyexchange.server.registry.RegistryChange;
import org.treatyexchange.server.registry.RegistryService;

/**
 * The registry as the secretariat reads and changes it, whatever the channel (the console, the admin CLI):
 * every secretariat person reads it; only a secretariat administrator (or the operator at the admin socket)
 * adds a key or certificate, revokes a certificate or removes a key — an officer is refused here, not only
 * in the page. A change is made in the registry file, validated in full and reloaded (published to every node
 * in a cluster), the same as {@code scripts/admin register} + {@code reload-registry}; a bad key changes
 * nothing and is refused with the reason. Every change, and every refused one, is audited.
 */
public final class RegistryDesk {

    /** A certificate this close to its end is shown with a warning. */
    public static final Duration EXPIRY_WARNING = Duration.ofDays(30);
    private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-f]{64}");

    private final RegistryService registry;
    private final AuditTrail audit;
    private final Clock clock;

    public RegistryDesk(RegistryService registry, AuditTrail audit, Clock clock) {
        this.registry = registry;
        this.audit = audit;
        this.clock = clock;
    }

    /** The registry in force (States, accounts, keys, certificates, instructions, contacts); audited. */
    public Registry registry(Caller caller) throws Refusal {
        SecretariatDesk.requireSecretariat(caller);
        audit.record(event(caller, "registry.read", "registry"));
        return registry.current();
    }

    /** A registered certificate as the console lists it. */
    public record CertificateRow(String account, String fingerprint, String subject, Instant notAfter, boolean revoked,
            boolean expiringSoon, boolean expired) {
    }

    /** Every account's certificates, in registry order, with their expiry and whether it is near (within {@link #EXPIRY_WARNING}). */
    public List<CertificateRow> certificates(Caller caller) throws Refusal {
        SecretariatDesk.requireSecretariat(caller);
        Instant now = clock.instant();
        List<CertificateRow> out = new ArrayList<>();
        for (Account a : registry.current().accounts()) {
            for (RegisteredCertificate c : a.certificates()) {
                X509Certificate x = c.certificate();
                Instant notAfter = x.getNotAfter().toInstant();
                boolean expired = !notAfter.isAfter(now);
                out.add(new CertificateRow(a.name(), c.fingerprint(), x.getSubjectX500Principal().getName(), notAfter, c.revoked(),
                        !c.revoked() && !expired && notAfter.isBefore(now.plus(EXPIRY_WARNING)), expired));
            }
        }
        return out;
    }

    /** What a registration added: the fingerprints, and the registry's change. */
    public record Registered(String sshKeyFingerprint, String certificateFingerprint, List<String> changed) {
    }

    /**
     * Registers an SSH public key line and/or a PEM certificate for an existing account; administrators only.
     *
     * @throws Refusal {@code forbidden} for anyone but an administrator; {@code malformed} naming what is wrong
     *     (a key that does not parse, is weak, or is registered already): the registry file and the running
     *     registry are then unchanged
     */
    public Registered registerKeys(Caller caller, String account, String sshKeyLine, String certificatePem) throws Refusal {
        requireAdministrator(caller, "admin.register-keys", account);
        String ssh = blankToNull(sshKeyLine);
        String pem = blankToNull(certificatePem);
        String sshFingerprint = null;
        String certificateFingerprint = null;
        try {
            if (ssh == null && pem == null) {
                throw new IllegalArgumentException("give an SSH public key, a certificate, or both");
            }
            if (ssh != null) {
                sshFingerprint = SshKeyFiles.fingerprint(SshKeyFiles.parseAuthorizedKey(ssh.strip()));
            }
            if (pem != null) {
                List<X509Certificate> certificates = LocalCertificateAuthority.readPemCertificates(pem);
                if (certificates.isEmpty()) {
                    throw new IllegalArgumentException("no PEM certificate found");
                }
                certificateFingerprint = LocalCertificateAuthority.fingerprint(certificates.get(0));
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            throw refused(caller, "admin.register-keys", account, "not registered: " + safe(e));
        }
        RegistryChange change;
        try {
            change = registry.registerKeys(account, ssh == null ? null : ssh.strip(), pem, note(caller, "registered"));
        } catch (ConfigException e) {
            throw refused(caller, "admin.register-keys", account, "not registered, nothing changed: " + problem(e));
        } catch (IllegalArgumentException | IOException e) {
            throw refused(caller, "admin.register-keys", account, "not registered, nothing changed: " + safe(e));
        }
        AuditEvent event = event(caller, "admin.register-keys", account);
        if (sshFingerprint != null) {
            event = event.withDetail("sshKeyFingerprint", sshFingerprint);
        }
        if (certificateFingerprint != null) {
            event = event.withDetail("certificateFingerprint", certificateFingerprint);
        }
        audit.record(event.withDetail("changed", String.join(",", change.changed())));
        return new Registered(sshFingerprint, certificateFingerprint, change.changed());
    }

    /** Revokes one of an account's certificates; administrators only. It authenticates no more from the next request on. */
    public List<String> revokeCertificate(Caller caller, String account, String fingerprint) throws Refusal {
        requireAdministrator(caller, "admin.revoke-certificate", account);
        if (fingerprint == null || !FINGERPRINT.matcher(fingerprint).matches()) {
            throw refused(caller, "admin.revoke-certificate", account, "a certificate fingerprint is 64 lower-case hex digits");
        }
        RegistryChange change;
        try {
            change = registry.revokeCertificate(account, fingerprint, note(caller, "revoked"));
        } catch (ConfigException e) {
            throw refused(caller, "admin.revoke-certificate", account, "not revoked, nothing changed: " + problem(e));
        } catch (IllegalArgumentException | IOException e) {
            throw refused(caller, "admin.revoke-certificate", account, "not revoked, nothing changed: " + safe(e));
        }
        audit.record(event(caller, "admin.revoke-certificate", account).withDetail("certificateFingerprint", fingerprint)
                .withDetail("changed", String.join(",", change.changed())));
        return change.changed();
    }

    /** Removes one of an account's SSH keys from the registry; administrators only. It logs in no more. */
    public List<String> removeSshKey(Caller caller, String account, String fingerprint) throws Refusal {
        requireAdministrator(caller, "admin.remove-ssh-key", account);
        if (fingerprint == null || !fingerprint.startsWith("SHA256:") || fingerprint.length() > 100) {
            throw refused(caller, "admin.remove-ssh-key", account, "an SSH key fingerprint looks like SHA256:…");
        }
        RegistryChange change;
        try {
            change = registry.removeSshKey(account, fingerprint);
        } catch (ConfigException e) {
            throw refused(caller, "admin.remove-ssh-key", account, "not removed, nothing changed: " + problem(e));
        } catch (IllegalArgumentException | IOException e) {
            throw refused(caller, "admin.remove-ssh-key", account, "not removed, nothing changed: " + safe(e));
        }
        audit.record(event(caller, "admin.remove-ssh-key", account).withDetail("sshKeyFingerprint", fingerprint)
                .withDetail("changed", String.join(",", change.changed())));
        return change.changed();
    }

    private void requireAdministrator(Caller caller, String type, String account) throws Refusal {
        SecretariatDesk.requireSecretariat(caller);
        if (!caller.administersRegistry()) {
            audit.recordQuietly(AuditEvent.refused(type, caller.account(), caller.source(), account == null ? "-" : account)
                    .withDetail("channel", caller.channel().wireName()).withDetail("reason", "not a secretariat administrator"));
            throw new Refusal(Refusal.Reason.FORBIDDEN, "only a secretariat administrator may change the registry");
        }
    }

    private Refusal refused(Caller caller, String type, String account, String why) {
        audit.recordQuietly(AuditEvent.refused(type, caller.account(), caller.source(), account == null ? "-" : account)
                .withDetail("channel", caller.channel().wireName()).withDetail("reason", why));
        return new Refusal(Refusal.Reason.MALFORMED, why);
    }

    /** The comment written above a change in the registry file: who, where and when. */
    private String note(Caller caller, String what) {
        String where = caller.channel() == Caller.Channel.ADMIN ? "with scripts/admin register" : "by " + caller.account() + " in the "
                + caller.channel().wireName();
        return what + " " + where + " on " + LocalDate.now(clock.withZone(ZoneOffset.UTC));
    }

    /** A registry problem without the host path of the file: the key and what is wrong. */
    private static String problem(ConfigException e) {
        String prefix = e.file() + ": ";
        return e.getMessage().startsWith(prefix) ? e.getMessage().substring(prefix.length()) : e.getMessage();
    }

    private static String safe(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static AuditEvent event(Caller caller, String type, String subject) {
        return AuditEvent.ok(type, caller.account(), caller.source(), subject).withDetail("channel", caller.channel().wireName());
    }
}
