package org.treatyexchange.server.sftp;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds what connections that have not authenticated yet can cost, so that a flood of half-open SSH
 * connections cannot use up the server before anyone has proven who they are:
 * <ul>
 * <li>at most {@code max} such connections at once, from everyone together;</li>
 * <li>at most {@code maxPerSource} of them from one source address, so one address cannot take the
 * slots of all the others (pen-test finding 2: 100 banner-only connections from one address held all
 * 64 slots and every other login failed until the authentication timeout);</li>
 * <li>at most {@code burst} new connections at once from one source address, then
 * {@code perSecond} a second (a token bucket), authenticated or not.</li>
 * </ul>
 * A connection over any of them is closed as soon as MINA has accepted it, before the key exchange.
 * Authenticated sessions are limited per account elsewhere.
 *
 * <p>Called on MINA's I/O threads; the state is behind this object's monitor, held for a map lookup
 * and a few arithmetic operations only. The map is bounded: sources with nothing pending and a full
 * bucket are forgotten, and beyond {@link #MAX_TRACKED} sources only those with connections pending
 * are kept (an address that was forgotten starts again with a full bucket).
 */
final class PreAuthLimiter implements SessionListener {

    static final int MAX_TRACKED = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(PreAuthLimiter.class);
    private static final AttributeKey<Pending> PENDING = new AttributeKey<>();

    /** One source address: its connections waiting to authenticate and its connection tokens. */
    private static final class Source {
        int pending;
        double tokens;
        long refilledAt;

        Source(double tokens, long now) {
            this.tokens = tokens;
            this.refilledAt = now;
        }
    }

    /** What a session holds until it authenticates or closes. */
    private static final class Pending {
        final String source;
        boolean held = true;

        Pending(String source) {
            this.source = source;
        }
    }

    private final int max;
    private final int maxPerSource;
    private final double perNano;
    private final int burst;
    private final LongSupplier nanoTime;
    private final Map<String, Source> sources = new HashMap<>();
    private int pending;

    PreAuthLimiter(int max, int maxPerSource, int perSecond, int burst, LongSupplier nanoTime) {
        if (max < 1 || maxPerSource < 1 || perSecond < 1 || burst < 1) {
            throw new IllegalArgumentException("pre-authentication limits must be positive");
        }
        this.max = max;
        this.maxPerSource = maxPerSource;
        this.perNano = perSecond / (double) TimeUnit.SECONDS.toNanos(1);
        this.burst = burst;
        this.nanoTime = nanoTime;
    }

    PreAuthLimiter(SftpSettings settings) {
        this(settings.maxUnauthenticated(), settings.maxUnauthenticatedPerSource(), settings.connectionsPerSecondPerSource(),
                settings.connectionBurstPerSource(), System::nanoTime);
    }

    @Override
    public void sessionCreated(Session session) {
        String source = address(session.getIoSession().getRemoteAddress());
        String refusal = admit(source);
        if (refusal == null) {
            session.setAttribute(PENDING, new Pending(source));
            return;
        }
        LOG.warn("refusing a connection from {}: {}", source, refusal);
        session.close(true);
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

    /**
     * Admits a new connection from {@code source} and counts it as pending, or says why not.
     *
     * @return null if admitted, else the reason (for the log)
     */
    synchronized String admit(String source) {
        long now = nanoTime.getAsLong();
        Source s = sources.get(source);
        if (s == null) {
            if (sources.size() >= MAX_TRACKED) {
                forgetIdle(now, false);
            }
            if (sources.size() >= MAX_TRACKED) {
                forgetIdle(now, true);
            }
            s = new Source(burst, now);
            sources.put(source, s);
        } else {
            refill(s, now);
        }
        if (s.tokens < 1) {
            return "more than " + burst + " new connections at once, " + Math.round(perNano * 1e9) + " a second, from this address";
        }
        s.tokens -= 1;
        if (s.pending >= maxPerSource) {
            return maxPerSource + " connections from this address are already waiting to authenticate";
        }
        if (pending >= max) {
            return max + " connections are already waiting to authenticate";
        }
        s.pending++;
        pending++;
        return null;
    }

    private void release(Session session) {
        Pending p = session.getAttribute(PENDING);
        if (p == null) {
            return;
        }
        synchronized (this) {
            if (!p.held) {
                return;
            }
            p.held = false;
            pending--;
            Source s = sources.get(p.source);
            if (s != null) {
                s.pending--;
            }
        }
    }

    private void refill(Source s, long now) {
        long elapsed = now - s.refilledAt;
        if (elapsed > 0) {
            s.tokens = Math.min(burst, s.tokens + elapsed * perNano);
            s.refilledAt = now;
        }
    }

    /** Drops sources with nothing pending whose bucket is full again (or, when {@code all}, every source with nothing pending). */
    private void forgetIdle(long now, boolean all) {
        for (Iterator<Source> it = sources.values().iterator(); it.hasNext();) {
            Source s = it.next();
            refill(s, now);
            if (s.pending == 0 && (all || s.tokens >= burst)) {
                it.remove();
            }
        }
    }

    /** The IP address alone: every port of one host is one source. */
    static String address(SocketAddress remote) {
        if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return String.valueOf(remote);
    }

    /** Connections currently waiting to authenticate (for tests and metrics). */
    synchronized int pending() {
        return pending;
    }

    /** Connections from {@code source} currently waiting to authenticate (for tests). */
    synchronized int pending(String source) {
        Source s = sources.get(source);
        return s == null ? 0 : s.pending;
    }

    /** Source addresses currently tracked (for tests of the bound). */
    synchronized int tracked() {
        return sources.size();
    }
}
