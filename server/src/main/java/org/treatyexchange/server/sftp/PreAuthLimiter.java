package org.treatyexchange.server.sftp;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps connections that have not authenticated yet, so that a flood of half-open SSH connections
 * cannot use up the server before anyone has proven who they are. Authenticated sessions are
 * limited per account elsewhere.
 */
final class PreAuthLimiter implements SessionListener {

    private static final Logger LOG = LoggerFactory.getLogger(PreAuthLimiter.class);
    private static final AttributeKey<AtomicBoolean> PENDING = new AttributeKey<>();

    private final int max;
    private final AtomicInteger pending = new AtomicInteger();

    PreAuthLimiter(int max) {
        this.max = max;
    }

    @Override
    public void sessionCreated(Session session) {
        session.setAttribute(PENDING, new AtomicBoolean(true));
        if (pending.incrementAndGet() > max) {
            LOG.warn("refusing a connection from {}: {} connections are already waiting to authenticate", session.getIoSession()
                    .getRemoteAddress(), max);
            session.close(true);
        }
    }

    @Override
    public void sessionEvent(Session session, Event event) {
        if (event == Event.Authenticated) {
            release(session);
        }
    }

    @Override
    public void sessionClosed(Session session) {
        release(session);
    }

    private void release(Session session) {
        AtomicBoolean flag = session.getAttribute(PENDING);
        if (flag != null && flag.compareAndSet(true, false)) {
            pending.decrementAndGet();
        }
    }

    /** Connections currently waiting to authenticate (for tests and metrics). */
    int pending() {
        return pending.get();
    }
}
