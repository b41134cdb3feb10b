package org.treatyexchange.server.api;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps the connections one client certificate holds open at once (pen-test finding 3: one registered
 * certificate kept 50 trickling connections open). A connection is counted when its TLS handshake
 * completes, under the SHA-256 fingerprint of the client's certificate, and uncounted when it closes.
 * One connection over the cap is not counted: its first request is answered 429 {@code rate-limited}
 * with {@code Retry-After} and the connection closed, everything after it dropped unread; if it sends
 * no request within {@code readTimeout} it is closed without an answer.
 *
 * <p>{@link Counter} is shared by every connection (a concurrent map of small counts; an entry is
 * removed when its count falls to zero, so it holds at most one entry per open connection); {@link
 * Handler} is created per channel and runs on its event loop.
 */
final class ClientConnections {

    private static final Logger LOG = LoggerFactory.getLogger(ClientConnections.class);

    private ClientConnections() {
    }

    /** Open connections per certificate fingerprint. */
    static final class Counter {
        private final int max;
        private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();

        Counter(int max) {
            this.max = max;
        }

        /** Counts one more connection of {@code fingerprint} unless it holds {@code max} already. */
        boolean tryAcquire(String fingerprint) {
            boolean[] admitted = {false};
            open.compute(fingerprint, (k, n) -> {
                int count = n == null ? 0 : n;
                if (count >= max) {
                    return n;
                }
                admitted[0] = true;
                return count + 1;
            });
            return admitted[0];
        }

        void release(String fingerprint) {
            open.computeIfPresent(fingerprint, (k, n) -> n <= 1 ? null : n - 1);
        }

        /** Open connections of {@code fingerprint} (for tests). */
        int open(String fingerprint) {
            return open.getOrDefault(fingerprint, 0);
        }

        int max() {
            return max;
        }
    }

    /** The per-channel half: counts this connection, or refuses it. */
    static final class Handler extends ChannelDuplexHandler {
        private final Counter counter;
        private final long refuseWithinNanos;
        private String counted;
        private boolean overCap;
        private boolean answered;
        private ScheduledFuture<?> closer;

        Handler(Counter counter, ApiSettings settings) {
            this.counter = counter;
            this.refuseWithinNanos = settings.readTimeout().toNanos();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof SslHandshakeCompletionEvent e && e.isSuccess() && counted == null && !overCap) {
                PeerCertificate peer = PeerCertificate.get(ctx.channel());
                if (peer != null) {
                    if (counter.tryAcquire(peer.fingerprint())) {
                        counted = peer.fingerprint();
                    } else {
                        overCap = true;
                        LOG.info("certificate={} source={} over {} connections at once, refusing", peer.fingerprint(),
                                ctx.channel().remoteAddress(), counter.max());
                        closer = ctx.executor().schedule(() -> {
                            ctx.close();
                        }, refuseWithinNanos, TimeUnit.NANOSECONDS);
                    }
                }
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!overCap) {
                ctx.fireChannelRead(msg);
                return;
            }
            ReferenceCountUtil.release(msg);
            if (answered || !(msg instanceof HttpRequest)) {
                return;
            }
            answered = true;
            String id = Responses.newRequestId();
            Reply reply = Reply.problem(Problem.RATE_LIMITED, "too many connections with this client certificate: at most "
                    + counter.max() + " at once; reuse a connection or retry after 1 s", id,
                    Map.of(HttpHeaderNames.RETRY_AFTER.toString(), "1"));
            ctx.writeAndFlush(Responses.toHttp(reply, id, false)).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (counted != null) {
                counter.release(counted);
                counted = null;
            }
            if (closer != null) {
                closer.cancel(false);
            }
            super.channelInactive(ctx);
        }
    }
}
