package org.treatyexchange.server.sftp;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.PublicKey;
import java.util.Optional;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.session.ServerSession;
import org.treatyexchange.server.audit.AuditEvent;
import org.treatyexchange.server.registry.Account;
import org.treatyexchange.server.registry.RegistryService;

/**
 * Public-key authentication against the registry. MINA asks this for every key a client offers and
 * again for the key it signs with, right before checking the signature; so the fingerprint kept in
 * the session is the one of the last key asked about, and after a successful login that is the key
 * the client proved (never merely offered).
 */
final class AccountAuthenticator implements PublickeyAuthenticator {

    static final AttributeKey<String> CANDIDATE_FINGERPRINT = new AttributeKey<>();

    private final RegistryService registry;
    private final SessionAudit audit;
    private final LoginGuard guard;

    AccountAuthenticator(RegistryService registry, SessionAudit audit, LoginGuard guard) {
        this.registry = registry;
        this.audit = audit;
        this.guard = guard;
    }

    @Override
    public boolean authenticate(String username, PublicKey key, ServerSession session) {
        Optional<Account> account = registry.current().account(username).filter(a -> !a.disabled());
        boolean known = account.isPresent()
                && account.get().sshKeys().stream().anyMatch(k -> KeyUtils.compareKeys(k.key(), key));
        String fingerprint = KeyUtils.getFingerPrint(key);
        boolean lockedOut = guard.lockedOut(username, session);
        if (known && !lockedOut) {
            session.setAttribute(CANDIDATE_FINGERPRINT, fingerprint);
            return true;
        }
        session.removeAttribute(CANDIDATE_FINGERPRINT);
        guard.refused(username, session);
        // The client is told only "no"; the audit keeps who tried which key from where. Written off this
        // MINA I/O thread: the refusal stands whether or not its row can be written.
        audit.recordOrLog(audit.record(AuditEvent.refused("auth.failure", username, source(session), "-")
                .withDetail("channel", "sftp")
                .withDetail("keyFingerprint", fingerprint)
                .withDetail("reason", lockedOut ? "locked-out"
                        : account.isPresent() ? "key-not-registered" : "unknown-or-disabled-account")), "a failed login");
        return false;
    }

    static String source(ServerSession session) {
        SocketAddress address = session.getClientAddress();
        if (address instanceof InetSocketAddress inet) {
            return inet.getAddress().getHostAddress() + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }
}
