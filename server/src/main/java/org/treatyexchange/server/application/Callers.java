package org.treatyexchange.server.application;

import java.security.cert.X509Certificate;
import java.util.Optional;
import org.treatyexchange.server.audit.AuditEvent;
import org.treatyexchange.server.crypto.LocalCertificateAuthority;
import org.treatyexchange.server.registry.Account;
import org.treatyexchange.server.registry.Registry;
import org.treatyexchange.server.registry.RegistryService;

/** Turns what an edge authenticated into the one {@link Caller} every use case decides from. */
public final class Callers {

    private final RegistryService registry;
    private final AuditTrail audit;

    public Callers(RegistryService registry, AuditTrail audit) {
        this.registry = registry;
        this.audit = audit;
    }

    /** The caller an account is on a channel, having proved {@code credential} from {@code source}. */
    public static Caller of(Account account, Caller.Channel channel, String credential, String source) {
        Caller.Role role = switch (account.role()) {
            case STATE_OFFICER -> Caller.Role.STATE_OFFICER;
            case STATE_SYSTEM -> Caller.Role.STATE_SYSTEM;
            case STATE_ADMIN -> Caller.Role.STATE_ADMIN;
            case SECRETARIAT -> Caller.Role.SECRETARIAT;
            case SECRETARIAT_ADMIN -> Caller.Role.SECRETARIAT_ADMIN;
        };
        return new Caller(account.name(), account.stateCode(), role, channel, credential, source);
    }

    /**
     * The account whose registered, unrevoked certificate this is; asked on every request, so a
     * revocation applies from the next one. An unknown or revoked certificate is audited.
     */
    public Optional<Caller> byCertificate(X509Certificate certificate, Caller.Channel channel, String source) {
        String fingerprint = LocalCertificateAuthority.fingerprint(certificate);
        Registry current = registry.fresh();
        Optional<Account> account = current.accountByCertificate(fingerprint);
        if (account.isPresent()) {
            return Optional.of(of(account.get(), channel, fingerprint, source));
        }
        boolean revoked = current.certificate(fingerprint).map(c -> c.revoked()).orElse(false);
        audit.recordQuietly(AuditEvent.refused("auth.failure", "-", source, "-")
                .withDetail("channel", channel.wireName())
                .withDetail("certificateFingerprint", fingerprint)
                .withDetail("reason", revoked ? "certificate-revoked" : "certificate-not-registered"));
        return Optional.empty();
    }
}
