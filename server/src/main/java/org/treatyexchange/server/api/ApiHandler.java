package org.treatyexchange.server.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.ReferenceCounted;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.treatyexchange.sdk.wire.InboxListJson;
import org.treatyexchange.server.application.Caller;
import org.treatyexchange.server.application.Refusal;
import org.treatyexchange.server.application.Refusal.Reason;
import org.treatyexchange.server.application.MessageIntake;

/**
 * The request handler of one HTTPS connection (created per channel). Every request follows one shape:
 * decode on the event loop, call the {@link ApiGateway} on the executor, map any refusal to a
 * problem in {@link Problem}, write the reply back on the event loop.
 *
 * <p>Threading: all fields are touched on the channel's event loop only, except that one task at a
 * time runs on the executor for this channel ({@code busy}); the task's results are handed back
 * through {@code ctx.executor().execute}, which orders them after the task. While a task runs,
 * {@code autoRead} is off; messages the codec had already decoded wait in {@code queue} (at most what
 * one socket read produced), and when the queue is empty again {@code autoRead} is turned back on.
 * So a large upload moves through the server a few chunks at a time and is never aggregated.
 *
 * <p>Timeouts (the clock runs only while the server waits for the client): between requests, the
 * next request head must arrive within {@code idleTimeout}, else the connection is closed; inside a
 * request, each body chunk must arrive within {@code readTimeout}, else 408 and close.
 */
final class ApiHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int INBOX_DEFAULT_LIMIT = 100;
    static final int INBOX_MAX_LIMIT = 1000;
    private static final int COPY_CHUNK = 16 * 1024;
    private static final String OCTET_STREAM = "application/octet-stream";
    private static final String MULTIPART = "multipart/form-data";
    /**
     * After answering a request whose body was not read, the rest is read and dropped for at most this
     * long (and {@link #LINGER_MAX_BYTES}) before closing: closing with unread data makes TCP reset the
     * connection, which can destroy the response before the client reads it.
     */
    static final Duration LINGER = Duration.ofSeconds(2);
    static final long LINGER_MAX_BYTES = 64L * 1024 * 1024;
    /** A request turned away for load keeps its connection if its declared body is at most this (it is read and dropped). */
    static final long DROP_BODY_MAX_BYTES = 64L * 1024;

    private enum BodyMode {
        /** The request takes no body; the action runs at its end. */
        EMPTY,
        /** The body is buffered up to a limit; the action runs at its end. */
        BUFFER,
        /** The body is a multipart message streamed into an upload. */
        MULTIPART
    }

    /** What to do with a buffered body, run on the executor. */
    private interface Action {
        Reply run(Caller client, byte[] body) throws Refusal;
    }

    /** One request and what has happened to it. */
    private static final class Exchange {
        final String id = Responses.newRequestId();
        final long started = System.nanoTime();
        final HttpRequest request;
        final Route route;
        final boolean keepAlive;
        final boolean bodyEmpty;
        Caller client;
        BodyMode mode = BodyMode.EMPTY;
        long limit;
        ByteArrayOutputStream buffered;
        Action action;
        MessageUpload upload;
        byte[] scratch;
        boolean bodyDone;
        boolean responded;
        /** The refusal came from the gateway, which audits its own refusals. */
        boolean refusedByGateway;
        /** Its place in {@link Admission}: set while it waits for a permit. */
        Admission.Waiter waiter;
        ScheduledFuture<?> waitDeadline;
        boolean holdsPermit;
        long admittedAt;
        /** Whose share of the permits it counts against: the client certificate's fingerprint. */
        String permitClient = "";
        /** Turned away at its head: its (small, declared) body is read and dropped, and the connection kept. */
        boolean dropBody;

        Exchange(HttpRequest request) {
            this.request = request;
            this.route = Route.match(request.method(), request.uri());
            this.keepAlive = HttpUtil.isKeepAlive(request);
            this.bodyEmpty = !HttpUtil.isTransferEncodingChunked(request) && HttpUtil.getContentLength(request, 0L) == 0L;
        }

        String account() {
            return client == null ? "-" : client.account();
        }
    }

    private final ApiSettings settings;
    private final Admission admission;
    private final ApiGateway gateway;
    private final Executor executor;
    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    private Exchange current;
    private boolean busy;
    private boolean closed;
    private ScheduledFuture<?> timer;
    private int queueHighWater;
    private long lingerBytes;

    ApiHandler(ApiSettings settings, Admission admission, ApiGateway gateway, Executor executor) {
        this.settings = settings;
        this.admission = admission;
        this.gateway = gateway;
        this.executor = executor;
    }

    /** The most messages ever waiting in the queue of this channel (for tests of backpressure). */
    int queueHighWater() {
        return queueHighWater;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        armTimer(ctx, settings.idleTimeout());
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closed || !(msg instanceof HttpObject || msg instanceof RateLimitHandler.Refused)) {
            if (closed && msg instanceof HttpContent c) {
                lingerBytes += c.content().readableBytes();
                if (lingerBytes > LINGER_MAX_BYTES) {
                    ctx.close();
                }
            }
            ReferenceCountUtil.release(msg);
            return;
        }
        cancelTimer();
        queue.add(msg);
        queueHighWater = Math.max(queueHighWater, queue.size());
        drain(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        closed = true;
        cancelTimer();
        releaseQueue();
        if (current != null && current.waiter != null && admission.withdraw(current.waiter)) {
            stopWaiting(current); // it held no permit; busy stays set, nothing else runs for this channel
        }
        if (!busy && current != null) {
            discard(current);
        }
        super.channelInactive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent e && !e.isSuccess()) {
            LOG.info("source={} TLS handshake refused: {}", ctx.channel().remoteAddress(), safe(String.valueOf(e.cause())));
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("source={} connection closed after: {}", ctx.channel().remoteAddress(), safe(String.valueOf(cause)));
        ctx.close();
    }

    // ---- the queue -------------------------------------------------------------------------------

    private void drain(ChannelHandlerContext ctx) {
        Object m;
        while (!busy && !closed && (m = queue.poll()) != null) {
            process(ctx, m);
        }
        if (!busy && !closed) {
            // Waiting for the client again: read on, and start its clock.
            if (!ctx.channel().config().isAutoRead()) {
                ctx.channel().config().setAutoRead(true);
            }
            armTimer(ctx, current == null ? settings.idleTimeout() : settings.readTimeout());
        }
    }

    private void process(ChannelHandlerContext ctx, Object m) {
        if (m instanceof RateLimitHandler.Refused refused) {
            Exchange ex = new Exchange(refused.request());
            current = ex;
            respond(ctx, ex, Reply.problem(Problem.RATE_LIMITED, "Too many requests; retry after " + refused.retryAfterSeconds() + " s",
                    ex.id, Map.of(HttpHeaderNames.RETRY_AFTER.toString(), Long.toString(refused.retryAfterSeconds()))), true);
            return;
        }
        if (m instanceof HttpRequest request) {
            if (!startExchange(ctx, request)) {
                ReferenceCountUtil.release(m);
                return;
            }
        }
        if (m instanceof HttpContent content) {
            content(ctx, content);
        }
    }

    private void releaseQueue() {
        Object m;
        while ((m = queue.poll()) != null) {
            ReferenceCountUtil.release(m);
        }
    }

    // ---- request head ----------------------------------------------------------------------------

    /** @return false if the request was refused outright (and the connection is closing) */
    private boolean startExchange(ChannelHandlerContext ctx, HttpRequest request) {
        Exchange ex = new Exchange(request);
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            Problem p = cause instanceof TooLongHttpHeaderException ? Problem.HEADER_TOO_LARGE
                    : cause instanceof TooLongHttpLineException ? Problem.URI_TOO_LONG
                    : cause instanceof TooLongFrameException ? Problem.TOO_LARGE
                    : Problem.MALFORMED;
            String detail = p == Problem.MALFORMED ? "malformed HTTP request" : p.title;
            current = ex;
            respond(ctx, ex, Reply.problem(p, detail, ex.id), true);
            return false;
        }
        if (current != null) {
            // Cannot happen with HttpServerCodec (a request ends with LastHttpContent); fail closed.
            respond(ctx, current, Reply.problem(Problem.INTERNAL, Problem.INTERNAL_DETAIL, current.id), true);
            return false;
        }
        current = ex;
        String expect = request.headers().get(HttpHeaderNames.EXPECT);
        if (expect != null && !expect.equalsIgnoreCase(HttpHeaderValues.CONTINUE.toString())) {
            respond(ctx, ex, Reply.problem(Problem.EXPECTATION_FAILED, "only Expect: 100-continue is supported", ex.id), true);
            return false;
        }
        PeerCertificate peerForShare = PeerCertificate.get(ctx.channel());
        ex.permitClient = peerForShare == null ? "" : peerForShare.fingerprint();
        switch (admission.enter(ex.waiter = new Ticket(ctx, ex))) {
            case ADMITTED -> {
                ex.waiter = null;
                holdPermit(ex);
                identify(ctx, ex);
            }
            case WAITING -> {
                // reading paused (the body stays unread in the socket) until a permit or the deadline
                busy = true;
                cancelTimer();
                ctx.channel().config().setAutoRead(false);
                ex.waitDeadline = ctx.executor().schedule(() -> waitedTooLong(ctx, ex), admission.maxWait().toNanos(),
                        TimeUnit.NANOSECONDS);
            }
            case REFUSED -> {
                ex.waiter = null;
                turnAway(ctx, ex);
            }
            default -> throw new IllegalStateException();
        }
        return true;
    }

    /** Hands a permit from whichever thread released it to this channel's event loop. */
    private final class Ticket implements Admission.Waiter {
        private final ChannelHandlerContext ctx;
        private final Exchange ex;

        Ticket(ChannelHandlerContext ctx, Exchange ex) {
            this.ctx = ctx;
            this.ex = ex;
        }

        @Override
        public String client() {
            return ex.permitClient;
        }

        @Override
        public void admitted() {
            try {
                ctx.executor().execute(() -> admittedAfterWaiting(ctx, ex));
            } catch (RejectedExecutionException e) {
                admission.leave(ex.permitClient, 0); // the event loop is shutting down: nothing will use the permit
            }
        }
    }

    private void admittedAfterWaiting(ChannelHandlerContext ctx, Exchange ex) {
        stopWaiting(ex);
        holdPermit(ex);
        busy = false;
        if (closed) {
            releasePermit(ex);
            return;
        }
        identify(ctx, ex);
        drain(ctx);
    }

    private void waitedTooLong(ChannelHandlerContext ctx, Exchange ex) {
        ex.waitDeadline = null;
        if (ex.waiter == null || !admission.withdraw(ex.waiter)) {
            return; // admitted meanwhile: its hand-over is already queued on this event loop
        }
        stopWaiting(ex);
        busy = false;
        if (closed) {
            return;
        }
        turnAway(ctx, ex);
        drain(ctx);
    }

    private static void stopWaiting(Exchange ex) {
        ex.waiter = null;
        if (ex.waitDeadline != null) {
            ex.waitDeadline.cancel(false);
            ex.waitDeadline = null;
        }
    }

    private void holdPermit(Exchange ex) {
        ex.holdsPermit = true;
        ex.admittedAt = System.nanoTime();
    }

    /** Once per exchange: when it is answered or dropped. */
    private void releasePermit(Exchange ex) {
        if (ex.holdsPermit) {
            ex.holdsPermit = false;
            admission.leave(ex.permitClient, System.nanoTime() - ex.admittedAt);
        }
    }

    /**
     * 503 with {@code Retry-After}, before a byte of the body was read and before any signature or
     * database work. A small declared body is then read and dropped so the connection (and its TLS
     * session) stays for the retry; anything else closes it.
     */
    private void turnAway(ChannelHandlerContext ctx, Exchange ex) {
        long retryAfter = admission.retryAfterSeconds();
        ex.dropBody = !HttpUtil.isTransferEncodingChunked(ex.request)
                && HttpUtil.getContentLength(ex.request, Long.MAX_VALUE) <= DROP_BODY_MAX_BYTES;
        respond(ctx, ex, Reply.problem(Problem.UNAVAILABLE, "the server is busy; nothing of this request was read or kept;"
                + " retry after " + retryAfter + " s", ex.id, Map.of(HttpHeaderNames.RETRY_AFTER.toString(), Long.toString(retryAfter))),
                false);
    }

    /** Identifies the client from its certificate, on the executor; then {@link #accept}. */
    private void identify(ChannelHandlerContext ctx, Exchange ex) {
        PeerCertificate peer = PeerCertificate.get(ctx.channel());
        String source = String.valueOf(ctx.channel().remoteAddress());
        offload(ctx, ex, () -> {
            Optional<Caller> client = peer == null ? Optional.empty() : gateway.identify(peer.certificate(), source);
            if (client.isEmpty()) {
                LOG.info("certificate={} source={} request={} unknown client", peer == null ? "-" : peer.fingerprint(), source, ex.id);
                return Reply.problem(Problem.UNKNOWN_CLIENT, "the client certificate is not registered", ex.id);
            }
            ex.client = client.get();
            return null;
        }, () -> accept(ctx, ex), null);
    }

    /** The client is known: decide how the body is read, on the event loop. */
    private void accept(ChannelHandlerContext ctx, Exchange ex) {
        Route route = ex.route;
        HttpRequest request = ex.request;
        if (route.endpoint() == null) {
            respond(ctx, ex, Reply.problem(Problem.NOT_FOUND, "no such endpoint", ex.id), false);
            return;
        }
        if (!route.methodAllowed()) {
            respond(ctx, ex, Reply.problem(Problem.METHOD_NOT_ALLOWED, "use " + route.endpoint().method, ex.id,
                    Map.of(HttpHeaderNames.ALLOW.toString(), route.endpoint().method.name())), false);
            return;
        }
        String encoding = request.headers().get(HttpHeaderNames.CONTENT_ENCODING);
        if (encoding != null && !encoding.equalsIgnoreCase("identity")) {
            respond(ctx, ex, Reply.problem(Problem.UNSUPPORTED_MEDIA_TYPE, "content codings are not accepted", ex.id), false);
            return;
        }
        try {
            if (route.endpoint().secretariatOnly) {
                ex.client.requireSecretariat();
            }
            switch (route.endpoint()) {
                case SUBMIT_MESSAGE -> {
                    HeaderValue type = contentType(request);
                    if (type.value().equals(MULTIPART)) {
                        String boundary = type.param("boundary");
                        if (boundary == null) {
                            throw new Refusal(Reason.MALFORMED, "multipart/form-data without a boundary");
                        }
                        ex.upload = new MessageUpload(gateway, ex.client, boundary, settings);
                        ex.mode = BodyMode.MULTIPART;
                        // each part has its own limit; the whole can be no larger than all of them together,
                        // so a declared Content-Length beyond that is refused before a byte of it is read
                        ex.limit = multipartLimit(settings);
                    } else {
                        requireEnvelopeType(type);
                        buffer(ex, settings.maxEnvelopeBytes(), this::submitBare);
                    }
                }
                case SECRETARIAT_MESSAGE -> {
                    requireEnvelopeType(contentType(request));
                    buffer(ex, settings.maxEnvelopeBytes(), (client, body) -> Reply.ok(Reply.PKCS7, gateway.sendFromSecretariat(client, body)));
                }
                case INBOX -> {
                    long[] q = inboxQuery(request.uri());
                    ex.action = (client, body) -> inbox(client, q[0], (int) q[1]);
                }
                case INBOX_ITEM -> ex.action = (client, body) -> Reply.ok(Reply.PKCS7, gateway.inboxItem(client, route.seq()));
                case ACKNOWLEDGE -> ex.action = (client, body) -> {
                    gateway.acknowledge(client, route.seq());
                    return Reply.noContent();
                };
                case PENDING -> {
                    ex.action = (client, body) -> Reply.ok(Reply.JSON, gateway.pendingFilings(client));
                }
                case RELEASE -> {
                    String supersededBy = new io.netty.handler.codec.http.QueryStringDecoder(request.uri()).parameters()
                            .getOrDefault("supersededBy", List.of()).stream().findFirst().orElse(null);
                    ex.action = (client, body) -> Reply.ok(Reply.JSON, gateway.releaseFiling(client, route.filingId(), supersededBy));
                }
                case HOLD -> {
                    buffer(ex, 4096, (client, body) -> Reply.ok(Reply.JSON, gateway.holdFiling(client, route.filingId(), reason(body, "a hold"))));
                }
                case WITHDRAW -> buffer(ex, 4096,
                        (client, body) -> Reply.ok(Reply.JSON, gateway.withdrawFiling(client, route.filingId(), reason(body, "a withdrawal"))));
                case CONTACTS -> ex.action = (client, body) -> Reply.ok("text/plain; charset=utf-8", gateway.contacts(client));
                case INSTRUCTIONS -> ex.action = (client, body) -> Reply.ok(Reply.JSON, gateway.instructions(client));
                case STATUS -> {
                    String[] q = statusQuery(request.uri());
                    int year = Integer.parseInt(q[0]);
                    String format = q[1];
                    ex.action = (client, body) -> Reply.ok(format.equals("csv") ? "text/csv; charset=utf-8" : Reply.JSON,
                            gateway.reportingStatus(client, year, format));
                }
                case OPENAPI -> ex.action = (client, body) -> Reply.ok("application/yaml", OpenApiDocument.BYTES);
                default -> throw new IllegalStateException("unrouted endpoint " + route.endpoint());
            }
        } catch (Refusal e) {
            respond(ctx, ex, reply(e, ex), false);
            return;
        } catch (Unsupported e) {
            respond(ctx, ex, Reply.problem(Problem.UNSUPPORTED_MEDIA_TYPE, e.getMessage(), ex.id), false);
            return;
        }
        if (HttpUtil.getContentLength(request, 0L) > ex.limit) {
            respond(ctx, ex, Reply.problem(Problem.TOO_LARGE, "the body is larger than " + ex.limit + " bytes", ex.id), false);
            return;
        }
        if (HttpUtil.is100ContinueExpected(request)) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
    }

    /** Largest multipart message body: the envelope, every document at its limit, and room for part headers and boundaries. */
    static long multipartLimit(ApiSettings settings) {
        long perPartOverhead = 16 * 1024;
        return settings.maxEnvelopeBytes() + (long) settings.maxDocuments() * settings.maxDocumentBytes()
                + (settings.maxDocuments() + 1L) * perPartOverhead;
    }

    private static void buffer(Exchange ex, int limit, Action action) {
        ex.mode = BodyMode.BUFFER;
        ex.limit = limit;
        ex.buffered = new ByteArrayOutputStream(Math.min(limit, 64 * 1024));
        ex.action = action;
    }

    private static HeaderValue contentType(HttpRequest request) throws Refusal, Unsupported {
        String header = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
        if (header == null) {
            throw new Unsupported("a Content-Type is required");
        }
        return HeaderValue.parse(header);
    }

    private static void requireEnvelopeType(HeaderValue type) throws Unsupported {
        if (!type.value().equals(Reply.PKCS7) && !type.value().equals(OCTET_STREAM)) {
            throw new Unsupported("use multipart/form-data, " + Reply.PKCS7 + " or " + OCTET_STREAM);
        }
    }

    /** An edge-only refusal (not a {@link Reason}): 415 for a Content-Type the endpoint does not take. */
    private static final class Unsupported extends Exception {
        private static final long serialVersionUID = 1L;

        Unsupported(String safeMessage) {
            super(safeMessage, null, false, false);
        }
    }

    private static long[] inboxQuery(String uri) throws Refusal {
        Map<String, List<String>> params = new QueryStringDecoder(uri).parameters();
        long after = queryLong(params, "after", 0, 0, Long.MAX_VALUE);
        long limit = queryLong(params, "limit", INBOX_DEFAULT_LIMIT, 1, INBOX_MAX_LIMIT);
        return new long[] {after, limit};
    }

    private static long queryLong(Map<String, List<String>> params, String name, long dflt, long min, long max)
            throws Refusal {
        List<String> values = params.get(name);
        if (values == null) {
            return dflt;
        }
        long v = values.size() == 1 ? Route.parseSeq(values.get(0)) : -1;
        if (v < min || v > max) {
            throw new Refusal(Reason.MALFORMED, name + " must be one integer in " + min + ".." + max);
        }
        return v;
    }

    // ---- request body ----------------------------------------------------------------------------

    private void content(ChannelHandlerContext ctx, HttpContent content) {
        Exchange ex = current;
        boolean last = content instanceof LastHttpContent;
        if (ex == null || ex.responded) {
            content.release();
            if (ex != null && last) {
                ex.bodyDone = true;
                current = null;
            }
            return;
        }
        ByteBuf buf = content.content();
        switch (ex.mode) {
            case EMPTY, BUFFER -> {
                int n = buf.readableBytes();
                long have = ex.buffered == null ? 0 : ex.buffered.size();
                if (have + n > (ex.mode == BodyMode.EMPTY ? 0 : ex.limit)) {
                    content.release();
                    String detail = ex.mode == BodyMode.EMPTY ? "this request takes no body"
                            : "the body is larger than " + ex.limit + " bytes";
                    ex.bodyDone = last;
                    respond(ctx, ex, Reply.problem(Problem.TOO_LARGE, detail, ex.id), false);
                    return;
                }
                if (n > 0) {
                    ex.buffered.writeBytes(ByteBufUtil.getBytes(buf));
                }
                content.release();
                if (last) {
                    ex.bodyDone = true;
                    byte[] body = ex.buffered == null ? new byte[0] : ex.buffered.toByteArray();
                    ex.buffered = null;
                    Action action = ex.action;
                    offload(ctx, ex, () -> action.run(ex.client, body), null, null);
                }
            }
            case MULTIPART -> {
                if (last) {
                    ex.bodyDone = true;
                }
                offload(ctx, ex, () -> feedUpload(ex, content, last), null, content);
            }
            default -> throw new IllegalStateException();
        }
    }

    /** On the executor: this chunk into the upload; releases it exactly once. */
    private static Reply feedUpload(Exchange ex, HttpContent content, boolean last) throws Refusal {
        MessageUpload upload = ex.upload;
        try {
            ByteBuf buf = content.content();
            if (ex.scratch == null) {
                ex.scratch = new byte[COPY_CHUNK];
            }
            byte[] receipt = null;
            while (buf.isReadable() && receipt == null) {
                int n = Math.min(buf.readableBytes(), ex.scratch.length);
                buf.readBytes(ex.scratch, 0, n);
                receipt = upload.feed(ex.scratch, 0, n);
            }
            if (receipt == null && last) {
                receipt = upload.finish();
            }
            if (receipt != null) {
                upload.close();
                ex.upload = null;
                return Reply.ok(Reply.PKCS7, receipt);
            }
            return null;
        } catch (Refusal | RuntimeException e) {
            upload.close();
            ex.upload = null;
            throw e;
        } finally {
            content.release();
        }
    }

    private Reply submitBare(Caller client, byte[] envelope) throws Refusal {
        MessageIntake.Start start = gateway.startMessage(client, envelope);
        if (start instanceof MessageIntake.Start.Replay replay) {
            return Reply.ok(Reply.PKCS7, replay.signedReceipt());
        }
        try (MessageIntake intake = ((MessageIntake.Start.Expecting) start).intake()) {
            return Reply.ok(Reply.PKCS7, intake.complete());
        }
    }

    private Reply inbox(Caller client, long after, int limit) throws Refusal {
        return Reply.ok(Reply.JSON, InboxListJson.toBytes(gateway.inbox(client, after, limit)));
    }

    // ---- the executor ----------------------------------------------------------------------------

    /**
     * Runs {@code work} on the executor with reading paused. A non-null reply is written; a null one
     * runs {@code then} (or just continues with the queue). {@code owned} is released if the executor
     * refuses the work (the work releases it otherwise).
     */
    private void offload(ChannelHandlerContext ctx, Exchange ex, Callable<Reply> work, Runnable then, ReferenceCounted owned) {
        busy = true;
        cancelTimer();
        ctx.channel().config().setAutoRead(false);
        try {
            executor.execute(() -> {
                Reply reply;
                try {
                    reply = work.call();
                } catch (Refusal e) {
                    reply = reply(e, ex);
                } catch (Throwable t) {
                    LOG.error("client={} request={} unexpected failure", ex.account(), ex.id, t);
                    reply = Reply.problem(Problem.INTERNAL, Problem.INTERNAL_DETAIL, ex.id);
                }
                Reply r = reply;
                try {
                    ctx.executor().execute(() -> completed(ctx, ex, r, then));
                } catch (RejectedExecutionException e) {
                    discard(ex); // the event loop is shutting down
                }
            });
        } catch (RejectedExecutionException e) {
            busy = false;
            ReferenceCountUtil.release(owned);
            LOG.warn("client={} request={} executor full, refused", ex.account(), ex.id);
            respond(ctx, ex, Reply.problem(Problem.UNAVAILABLE, "the server is busy; retry later", ex.id,
                    Map.of(HttpHeaderNames.RETRY_AFTER.toString(), Long.toString(admission.retryAfterSeconds()))), false);
        }
    }

    private void completed(ChannelHandlerContext ctx, Exchange ex, Reply reply, Runnable then) {
        busy = false;
        if (closed) {
            discard(ex);
            return;
        }
        if (reply != null) {
            respond(ctx, ex, reply, false);
        } else if (then != null) {
            then.run();
        }
        drain(ctx);
    }

    /** {@code ?year=YYYY[&format=json|csv]}: anything else is malformed. */
    private static String[] statusQuery(String uri) throws Refusal {
        io.netty.handler.codec.http.QueryStringDecoder q = new io.netty.handler.codec.http.QueryStringDecoder(uri);
        List<String> years = q.parameters().getOrDefault("year", List.of());
        List<String> formats = q.parameters().getOrDefault("format", List.of("json"));
        if (years.size() != 1 || !years.get(0).matches("[0-9]{4}") || formats.size() != 1
                || !(formats.get(0).equals("json") || formats.get(0).equals("csv"))) {
            throw new Refusal(Reason.MALFORMED, "use ?year=YYYY and optionally &format=json or csv");
        }
        return new String[] {years.get(0), formats.get(0)};
    }

    /** The body of a hold: {@code {"reason":"…"}}. */
    /** The {@code reason} of a JSON body {@code {"reason": "…"}}, required for {@code act} (e.g. "a hold"). */
    private static String reason(byte[] body, String act) throws Refusal {
        try {
            com.fasterxml.jackson.databind.JsonNode n = JSON.readTree(body);
            if (n == null || !n.path("reason").isTextual() || n.path("reason").asText().isBlank()) {
                throw new Refusal(Reason.MALFORMED, act + " needs a JSON body {\"reason\": \"…\"}");
            }
            return n.path("reason").asText();
        } catch (java.io.IOException e) {
            throw new Refusal(Reason.MALFORMED, act + " needs a JSON body {\"reason\": \"…\"}");
        }
    }

    private static Reply reply(Refusal e, Exchange ex) {
        ex.refusedByGateway = true;
        Problem p = Problem.of(e.reason());
        LOG.info("client={} request={} refused: {} {}", ex.account(), ex.id, p.slug, safe(e.getMessage()));
        return Reply.problem(p, e.getMessage(), ex.id);
    }

    /** Every refusal is an audit event; the edge's own ones go to the gateway's hook, off the event loop. */
    private void auditEdgeRefusal(ChannelHandlerContext ctx, Exchange ex, Problem problem) {
        Caller client = ex.client;
        String source = String.valueOf(ctx.channel().remoteAddress());
        String path = safe(pathOf(ex.request.uri()));
        try {
            executor.execute(() -> gateway.refusedAtEdge(client, source, problem.slug, ex.request.method() + " " + path));
        } catch (RejectedExecutionException e) {
            LOG.warn("request={} refusal {} not audited: the executor is full", ex.id, problem.slug);
        }
    }

    /** Drops an unfinished upload (nothing kept). Only when no task of this channel runs. */
    private void discard(Exchange ex) {
        releasePermit(ex);
        MessageUpload upload = ex.upload;
        ex.upload = null;
        if (upload != null) {
            try {
                executor.execute(upload::close);
            } catch (RejectedExecutionException e) {
                upload.close(); // last resort, on this thread
            }
        }
    }

    // ---- the reply -------------------------------------------------------------------------------

    /**
     * Writes the reply. The connection stays open only if the client asked for keep-alive and the
     * request body was (or will be, being empty) read to its end; otherwise it is closed after the
     * write, so an unread body can never be taken for the next request.
     */
    private void respond(ChannelHandlerContext ctx, Exchange ex, Reply reply, boolean forceClose) {
        ex.responded = true;
        releasePermit(ex);
        if (ex.upload != null && reply.problem() != null) {
            discard(ex);
        }
        // Turned away for load: logged and counted, not audited (that would be a durable write per refusal,
        // the very cost the refusal is there to avoid); nothing of the request was read or kept.
        if (reply.problem() != null && !ex.refusedByGateway && reply.problem() != Problem.UNKNOWN_CLIENT
                && reply.problem() != Problem.UNAVAILABLE) {
            auditEdgeRefusal(ctx, ex, reply.problem());
        }
        boolean keepAlive = !forceClose && ex.keepAlive && (ex.bodyDone || ex.bodyEmpty || ex.dropBody);
        LOG.info("client={} request={} {} {} -> {} in {} ms", ex.account(), ex.id, ex.request.method(),
                safe(pathOf(ex.request.uri())), reply.status().code(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - ex.started));
        var future = ctx.writeAndFlush(Responses.toHttp(reply, ex.id, keepAlive));
        if (!keepAlive) {
            closed = true;
            cancelTimer();
            releaseQueue();
            if (ex.bodyDone || ex.bodyEmpty || !(ctx.channel() instanceof DuplexChannel)) {
                future.addListener(ChannelFutureListener.CLOSE);
            } else {
                future.addListener(f -> {
                    ctx.executor().schedule(() -> ctx.close(), LINGER.toMillis(), TimeUnit.MILLISECONDS);
                    ctx.channel().config().setAutoRead(true);
                });
            }
            return;
        }
        if (ex.bodyDone) {
            current = null;
        }
    }

    // ---- timeouts --------------------------------------------------------------------------------

    private void armTimer(ChannelHandlerContext ctx, Duration d) {
        cancelTimer();
        timer = ctx.executor().schedule(() -> timedOut(ctx), d.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void timedOut(ChannelHandlerContext ctx) {
        timer = null;
        if (closed || busy) {
            return;
        }
        Exchange ex = current;
        if (ex != null && !ex.responded) {
            LOG.info("client={} request={} body too slow, closing", ex.account(), ex.id);
            respond(ctx, ex, Reply.problem(Problem.REQUEST_TIMEOUT, "no request data for " + settings.readTimeout().toSeconds() + " s", ex.id), true);
        } else {
            LOG.debug("source={} idle, closing", ctx.channel().remoteAddress());
            closed = true;
            releaseQueue();
            if (ex != null) {
                discard(ex);
            }
            ctx.close();
        }
    }

    // ---- log hygiene -----------------------------------------------------------------------------

    private static String pathOf(String uri) {
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
    }

    /** Printable ASCII only, at most 200 characters: client-controlled text cannot forge log lines. */
    static String safe(String s) {
        if (s == null) {
            return "-";
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), 200));
        for (int i = 0; i < s.length() && b.length() < 200; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return b.toString();
    }
}
