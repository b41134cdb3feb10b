package org.treatyexchange.server.api;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes one token per request from the {@link RateLimiter} bucket of the client's certificate, before
 * anything reaches the gateway. Out of tokens: 429 {@code rate-limited} with {@code Retry-After},
 * and the connection is closed (its body is never read). Created per channel.
 */
final class RateLimitHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(RateLimitHandler.class);

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
        if (msg instanceof HttpRequest && !((HttpRequest) msg).decoderResult().isFailure()) {
            PeerCertificate peer = PeerCertificate.get(ctx.channel());
            String key = peer == null ? "" : peer.fingerprint();
            long wait = limiter.acquire(key);
            if (wait > 0) {
                refused = true;
                ReferenceCountUtil.release(msg);
                String id = Responses.newRequestId();
                LOG.info("certificate={} request={} rate limited, retry after {} s", key, id, wait);
                Reply reply = Reply.problem(Problem.RATE_LIMITED, "Too many requests; retry after " + wait + " s", id,
                        Map.of("Retry-After", Long.toString(wait)));
                ctx.writeAndFlush(Responses.toHttp(reply, id, false)).addListener(ChannelFutureListener.CLOSE);
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }
}
