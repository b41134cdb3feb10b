package org.treatyexchange.server.api;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes one token per request from the {@link RateLimiter} bucket of the client's certificate, before
 * anything reaches the gateway. Out of tokens: the request is replaced by a {@link Refused} marker,
 * which {@link ApiHandler} answers in its turn (responses to pipelined requests stay in order) with
 * 429 {@code rate-limited} and {@code Retry-After}, closing the connection; everything after it on
 * this connection is dropped unread. Created per channel.
 */
final class RateLimitHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(RateLimitHandler.class);

    /** A request refused for its rate, with the whole seconds until the next token. */
    record Refused(HttpRequest request, long retryAfterSeconds) {
    }

    private final RateLimiter limiter;
    private boolean refused;

    RateLimitHandler(RateLimiter limiter) {
        this.limiter = limiter;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest request && !request.decoderResult().isFailure()) {
            PeerCertificate peer = PeerCertificate.get(ctx.channel());
            String key = peer == null ? "" : peer.fingerprint();
            long wait = limiter.acquire(key);
            if (wait > 0) {
                refused = true;
                LOG.info("certificate={} source={} rate limited, retry after {} s", key, ctx.channel().remoteAddress(), wait);
                ReferenceCountUtil.release(msg);
                ctx.fireChannelRead(new Refused(request, wait));
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }
}
