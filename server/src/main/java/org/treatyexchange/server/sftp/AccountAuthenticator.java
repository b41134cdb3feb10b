package org.treatyexchange.server.sftp;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.PublicKey;
import java.util.Optional;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.treatyexchange.server.audit.AuditEvent;
import org.treatyexchange.server.audit.AuditLog;
import org.treatyexchange.server.registry.Account;
import org.treatyexchange.server.registry.RegistryService;
import org.treatyexchange.server.store.Store;
import org.treatyexchange.server.store.StoreException;

/**
 * Public-key authentication against the registry. MINA asks this for every key a client offers and
 * again for the key it signs with, right before checking the signature; so the fingerprint kept in
 * the session is the one of the last key asked about, and after a successful login that is the key
 * the client proved (never merely offered).
 */
final class AccountAuthenticator implements PublickeyAuthenticator {

    static final AttributeKey<String> CANDIDATE_FINGERPRINT = new AttributeKey<>();

    private static final Logger LOG = LoggerFactory.getLogger(AccountAuthenticator.class);

    private final RegistryService registry;
    private final AuditLog audit;
    private final Store store;
    private final LoginGuard guard;

    AccountAuthenticator(RegistryService registry, AuditLog audit, Store store, LoginGuard guard) {
        this.registry = registry;
        this.audit = audit;
        this.store = store;
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
        try {
            // The client is told only "no"; the audit keeps who tried which key from where.
            audit.record(store, AuditEvent.refused("auth.failure", username, source(session), "-")
                    .withDetail("channel", "sftp")
                    .withDetail("keyFingerprint", fingerprint)
                    .withDetail("reason", lockedOut ? "locked-out"
                            : account.isPresent() ? "key-not-registered" : "unknown-or-disabled-account"));
        } catch (StoreException e) {
            LOG.error("audit of a failed login could not be written: {}", e.getMessage());
        }
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
