package org.treatyexchange.server.sftp;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.treatyexchange.server.application.LoginLockout;
import org.treatyexchange.server.audit.AuditEvent;

/**
 * Temporary lockout after repeated failed logins, per source address and per account name. A
 * failure is a connection that was refused at least one key and closed unauthenticated, so a client
 * trying several keys from its agent counts once. A locked-out source is disconnected as soon as it
 * connects (before key exchange, so it costs almost nothing); a locked-out account is refused
 * whatever key it offers, with the same answer as a wrong key. Account names are counted whether
 * they exist or not, so the lockout itself reveals nothing about which accounts exist. A wrong
 * password counts at once, every one (see {@link #failedPassword}). The counting itself is the
 * exchange's one {@link LoginLockout}, shared with the portal: a failure on either counts on both.
 */
final class LoginGuard implements SessionListener {

    /** Bounds the names one connection can charge: MINA caps the attempts anyway. */
    static final int MAX_NAMES_PER_CONNECTION = 8;

    private static final Logger LOG = LoggerFactory.getLogger(LoginGuard.class);
    private static final AttributeKey<Set<String>> REFUSED_NAMES = new AttributeKey<>();

    private final LoginLockout lockout;
    private final SessionAudit audit;

    LoginGuard(LoginLockout lockout, SessionAudit audit) {
        this.lockout = lockout;
        this.audit = audit;
    }

    /** Whether a login as {@code username} over {@code session} must be refused without looking at the key. */
    boolean lockedOut(String username, Session session) {
        return lockout.lockedOut(username, address(session));
    }

    /** Notes that {@code session} was refused a key for {@code username}; counted when the connection ends unauthenticated. */
    void refused(String username, Session session) {
        Set<String> names = session.computeAttributeIfAbsent(REFUSED_NAMES, k -> new LinkedHashSet<>());
        synchronized (names) {
            if (names.size() < MAX_NAMES_PER_CONNECTION) {
                names.add(username);
            }
        }
    }

    /**
     * Counts one wrong password for {@code username} from {@code session}'s source at once: unlike
     * keys, each password is a guess, and MINA allows several per connection.
     */
    void failedPassword(String username, Session session) {
        String source = address(session);
        if (lockout.failSource(source)) {
            lockedOutNow("source", source, source);
        }
        if (lockout.failAccount(username)) {
            lockedOutNow("account", username, source);
        }
    }

    @Override
    public void sessionCreated(Session session) {
        String source = address(session);
        if (lockout.sourceLockedOut(source)) {
            LOG.debug("disconnecting {}: locked out after repeated failed logins", source);
            session.close(true);
        }
    }

    @Override
    public void sessionEvent(Session session, Event event) {
        if (event == Event.Authenticated && session.getUsername() != null) {
            lockout.succeeded(session.getUsername());
            session.removeAttribute(REFUSED_NAMES);
        }
    }

    @Override
    public void sessionClosed(Session session) {
        Set<String> names = session.removeAttribute(REFUSED_NAMES);
        if (names == null || session.isAuthenticated()) {
            return;
        }
        String source = address(session);
        if (lockout.failSource(source)) {
            lockedOutNow("source", source, source);
        }
        synchronized (names) {
            for (String name : names) {
                if (lockout.failAccount(name)) {
                    lockedOutNow("account", name, source);
                }
            }
        }
    }

    private void lockedOutNow(String kind, String who, String source) {
        LOG.warn("{} {} locked out after repeated failed logins", kind, who);
        audit.recordOrLog(audit.record(AuditEvent.refused("auth.lockout", kind.equals("account") ? who : "-", source, "-")
                .withDetail("channel", "sftp")
                .withDetail("lockedOut", kind)), "a lockout");
    }

    static String address(Session session) {
        SocketAddress a = session.getIoSession().getRemoteAddress();
        if (a instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return String.valueOf(a);
    }
}
