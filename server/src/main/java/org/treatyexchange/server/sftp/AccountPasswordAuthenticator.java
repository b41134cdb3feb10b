package org.treatyexchange.server.sftp;

import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.server.auth.password.PasswordAuthenticator;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.treatyexchange.server.audit.AuditEvent;
import org.treatyexchange.server.application.Passwords;
import org.treatyexchange.server.registry.RegistryService;

/**
 * Password authentication against the registry's Argon2id hashes ({@link Passwords}, the rule the portal
 * shares); installed only when {@code sftp.passwordAuthentication} is on. Every attempt costs one KDF run,
 * whether the account exists, has a hash, is locked out or not, so neither the answer nor its timing tells these apart.
 * Each wrong password counts towards the lockout at once. Neither the password nor the hash is ever
 * logged or audited.
 */
final class AccountPasswordAuthenticator implements PasswordAuthenticator {

    /** Set once a password proved the account, so the session is not bound to a key merely offered before. */
    static final AttributeKey<Boolean> PASSWORD_PROVEN = new AttributeKey<>();
    /** What a password login records where a key login records the key's fingerprint. */
    static final String CREDENTIAL = "password";

    private static final Logger LOG = LoggerFactory.getLogger(AccountPasswordAuthenticator.class);

    private final RegistryService registry;
    private final SessionAudit audit;
    private final LoginGuard guard;

    AccountPasswordAuthenticator(RegistryService registry, SessionAudit audit, LoginGuard guard) {
        this.registry = registry;
        this.audit = audit;
        this.guard = guard;
    }

    @Override
    public boolean authenticate(String username, String password, ServerSession session) {
        Passwords.Check check = Passwords.check(registry.current(), username, password.toCharArray());
        boolean lockedOut = guard.lockedOut(username, session);
        if (check.proved() && !lockedOut) {
            session.removeAttribute(AccountAuthenticator.CANDIDATE_FINGERPRINT);
            session.setAttribute(PASSWORD_PROVEN, Boolean.TRUE);
            return true;
        }
        return refused(username, session, lockedOut ? "locked-out" : check.failure());
    }

    /** Passwords are changed in the registry, never over SSH; the request counts as a failure (not a free probe). */
    @Override
    public boolean handleClientPasswordChangeRequest(ServerSession session, String username, String oldPassword,
            String newPassword) {
        return refused(username, session, "password-change-refused");
    }

    private boolean refused(String username, ServerSession session, String reason) {
        guard.failedPassword(username, session); // against a locked-out account it still counts for the source
        // Written off this MINA I/O thread: the refusal stands whether or not its row can be written.
        audit.recordOrLog(audit.record(AuditEvent.refused("auth.failure", username, AccountAuthenticator.source(session), "-")
                .withDetail("channel", "sftp")
                .withDetail("method", "password")
                .withDetail("reason", reason)), "a failed login");
        return false;
    }
}
