package org.treatyexchange.server.api;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A deadline for a whole request body: it must arrive at an average of at least {@code minRate} bytes a
 * second from the end of the request's head, after a grace of {@code grace}; that is, a body of N bytes
 * must be in within {@code grace + N / minRate} seconds. Otherwise the request is answered 408
 * {@code request-timeout} and the connection closed (pen-test finding 3: {@code ApiHandler}'s read
 * timeout runs between chunks only, so a registered client sending one byte every 10 s kept a
 * connection and its upload open for as long as it liked). The head itself is bounded by
 * {@code ApiHandler}'s idle timeout, which runs until the head is complete.
 *
 * <p>Only time the server spends waiting for the client counts: while {@code ApiHandler} has reading
 * switched off (a chunk is being stored, the client identified) the clock stands still, so a busy
 * server never times out a client that keeps up. The clock is a tick on the channel's event loop every
 * {@code tick}; a request already answered (an early refusal whose body is being drained) is the
 * handler's business, not this one's. Sits after the HTTP codec; created per channel; every method runs
 * on the channel's event loop.
 */
final class RequestDeadline extends ChannelDuplexHandler {

    private static final Logger LOG = LoggerFactory.getLogger(RequestDeadline.class);

    private final long graceNanos;
    private final long minRate;
    private final long tickNanos;
    private final LongSupplier nanoTime;
    private ScheduledFuture<?> tick;
    private boolean inRequest;
    private boolean expired;
    private long received;
    private long waited;
    private long lastTick;

    RequestDeadline(Duration grace, long minRate, LongSupplier nanoTime) {
        this.graceNanos = grace.toNanos();
        this.minRate = minRate;
        this.tickNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(50), Math.min(TimeUnit.SECONDS.toNanos(1), graceNanos / 8));
        this.nanoTime = nanoTime;
    }

    RequestDeadline(ApiSettings settings) {
        this(settings.readTimeout(), settings.minDataRateBytesPerSecond(), System::nanoTime);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (expired) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest) {
            start(ctx);
        }
        if (msg instanceof HttpContent content && inRequest) {
            received += content.content().readableBytes();
            if (msg instanceof LastHttpContent) {
                stop();
            }
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof HttpResponse response && !HttpResponseStatus.CONTINUE.equals(response.status())) {
            stop(); // answered: the rest of this request is the request handler's to drain or close
        }
        super.write(ctx, msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        stop();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    private void start(ChannelHandlerContext ctx) {
        stop();
        inRequest = true;
        received = 0;
        waited = 0;
        lastTick = nanoTime.getAsLong();
        schedule(ctx);
    }

    private void stop() {
        inRequest = false;
        if (tick != null) {
            tick.cancel(false);
            tick = null;
        }
    }

    private void schedule(ChannelHandlerContext ctx) {
        tick = ctx.executor().schedule(() -> tick(ctx), tickNanos, TimeUnit.NANOSECONDS);
    }

    /** The time allowed so far: the grace plus one second per {@code minRate} bytes received. */
    long allowedNanos() {
        return graceNanos + (long) (received * (1e9 / minRate));
    }

    private void tick(ChannelHandlerContext ctx) {
        tick = null;
        if (!inRequest || !ctx.channel().isActive()) {
            return;
        }
        long now = nanoTime.getAsLong();
        if (ctx.channel().config().isAutoRead()) {
            waited += now - lastTick; // the server was waiting for the client
        }
        lastTick = now;
        if (waited <= allowedNanos()) {
            schedule(ctx);
            return;
        }
        inRequest = false;
        expired = true;
        String id = Responses.newRequestId();
        long seconds = TimeUnit.NANOSECONDS.toSeconds(waited);
        LOG.info("source={} request={} body too slow: {} bytes in {} s (at least {} bytes/s after {} s), closing",
                ctx.channel().remoteAddress(), id, received, seconds, minRate, TimeUnit.NANOSECONDS.toSeconds(graceNanos));
        Reply reply = Reply.problem(Problem.REQUEST_TIMEOUT, "the request body arrived too slowly: " + received + " bytes in " + seconds
                + " s; at least " + minRate + " bytes per second are required", id);
        ctx.writeAndFlush(Responses.toHttp(reply, id, false)).addListener(ChannelFutureListener.CLOSE);
    }
}
