package org.treatyexchange.server.portal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams the one request that carries documents — the States' filing form, {@code multipart/form-data}
 * — past the aggregator: every other request goes on to be aggregated as before. One per connection.
 *
 * <p>Threading: the event loop only queues each chunk of the body and turns reading off; the executor
 * takes the chunks in order (the session check, the CSRF token, the parsing, the encrypted store all
 * happen there) and asks for the next read only when the queue is empty, so a slow store holds the
 * browser back (TCP backpressure) and at most one socket read of the body is in memory.
 */
final class UploadHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(UploadHandler.class);

    private final PortalRoutes routes;
    private final Executor executor;
    private final long maxBody;
    /** The upload this connection is sending, from its head to its last chunk; touched on the event loop only. */
    private Exchange current;

    UploadHandler(PortalRoutes routes, Executor executor, long maxBody) {
        this.routes = routes;
        this.executor = executor;
        this.maxBody = maxBody;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request && !(msg instanceof HttpContent) && request.decoderResult().isSuccess()
                && request.method().name().equals("POST") && routes.isUpload(pathOf(request.uri()))) {
            start(ctx, request);
            return;
        }
        if (msg instanceof HttpContent content && current != null) {
            Exchange upload = current;
            if (msg instanceof LastHttpContent) {
                current = null;
            }
            upload.offer(content);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private static String pathOf(String uri) {
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
    }

    private void start(ChannelHandlerContext ctx, HttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        long declared = HttpUtil.getContentLength(request, -1L);
        if (declared > maxBody) {
            // refused before a byte is read: the body is not drained, the connection closes after the answer
            answerNow(ctx, routes.uploadTooLarge(), HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE);
            return;
        }
        String source = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : "-";
        PageRequest page;
        try {
            page = PageRequest.of("POST", request.uri(), request.headers(), source);
        } catch (IllegalArgumentException e) {
            answerNow(ctx, routes.badRequest(), HttpResponseStatus.BAD_REQUEST);
            return;
        }
        if (HttpUtil.is100ContinueExpected(request)) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
        ctx.channel().config().setAutoRead(false);
        current = new Exchange(ctx, routes.upload(page, MultipartParser.boundary(request.headers().get(HttpHeaderNames.CONTENT_TYPE))),
                keepAlive);
        current.schedule();
    }

    private void answerNow(ChannelHandlerContext ctx, PageResponse response, HttpResponseStatus status) {
        current = null;
        ctx.channel().config().setAutoRead(false); // the rest of the body is not read
        PortalHandler.write(ctx, response, status, false, false);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (current != null) {
            current.gone();
            current = null;
        }
        super.channelInactive(ctx);
    }

    /** One upload request: its chunks in order, handed from the event loop to the executor. */
    private final class Exchange {
        private final ChannelHandlerContext ctx;
        private final PortalRoutes.UploadRequest upload;
        private final boolean keepAlive;
        private final ConcurrentLinkedQueue<HttpContent> queue = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean scheduled = new AtomicBoolean();
        private volatile boolean gone;
        // executor only
        private boolean started;
        private volatile boolean answered;
        private long received;

        Exchange(ChannelHandlerContext ctx, PortalRoutes.UploadRequest upload, boolean keepAlive) {
            this.ctx = ctx;
            this.upload = upload;
            this.keepAlive = keepAlive;
        }

        /** Event loop: queues a chunk (this exchange now owns it). */
        void offer(HttpContent content) {
            queue.add(content);
            schedule();
        }

        /** Event loop: the browser went away; whatever was received is discarded. */
        void gone() {
            gone = true;
            schedule();
        }

        void schedule() {
            if (scheduled.compareAndSet(false, true)) {
                try {
                    executor.execute(this::drain);
                } catch (RejectedExecutionException full) {
                    scheduled.set(false);
                    discardQueue();
                    LOG.warn("portal executor full: an upload was refused");
                    ctx.executor().execute(() -> {
                        if (current == this) {
                            current = null;
                        }
                    });
                    PortalHandler.write(ctx, routes.busy(), HttpResponseStatus.SERVICE_UNAVAILABLE, false, false);
                    answered = true;
                    upload.abandon();
                }
            }
        }

        private void drain() {
            while (true) {
                if (!started) {
                    started = true;
                    upload.begin();
                }
                HttpContent c;
                while ((c = queue.poll()) != null) {
                    try {
                        if (!answered && !gone) {
                            take(c);
                        }
                    } finally {
                        ReferenceCountUtil.release(c);
                    }
                }
                if (gone && !answered) {
                    answered = true;
                    upload.abandon();
                }
                scheduled.set(false);
                if (queue.isEmpty() || !scheduled.compareAndSet(false, true)) {
                    break;
                }
            }
            if (!answered && !gone) {
                ctx.channel().read(); // the queue is empty: ask for the next bytes of the body
            }
        }

        private void take(HttpContent c) {
            ByteBuf b = c.content();
            received += b.readableBytes();
            if (received > maxBody) {
                answered = true;
                upload.abandon();
                ctx.executor().execute(() -> {
                    if (current == this) {
                        current = null;
                    }
                });
                PortalHandler.write(ctx, routes.uploadTooLarge(), HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, false, false);
                return;
            }
            if (b.isReadable()) {
                byte[] chunk = new byte[b.readableBytes()];
                b.getBytes(b.readerIndex(), chunk);
                upload.feed(chunk);
            }
            if (c instanceof LastHttpContent) {
                answered = true;
                PageResponse response = upload.finish();
                PortalHandler.write(ctx, response, response.status(), keepAlive, false);
                ctx.channel().config().setAutoRead(true);
            }
        }

        private void discardQueue() {
            HttpContent c;
            while ((c = queue.poll()) != null) {
                ReferenceCountUtil.release(c);
            }
        }
    }
}
