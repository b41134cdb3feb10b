package org.treatyexchange.server.portal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.treatyexchange.server.crypto.LocalCertificateAuthority;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One per connection. On the event loop it only copies the request ({@link PageRequest}); the route runs
 * on the portal's executor, and the answer goes back through the channel context. A document is streamed
 * from the executor a segment at a time, each write awaited, so a slow browser holds back the reading
 * and a document is never whole in memory.
 */
final class PortalHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(PortalHandler.class);
    static final int DOWNLOAD_CHUNK = 64 * 1024;

    private final PortalRoutes routes;
    private final Executor executor;

    PortalHandler(PortalRoutes routes, Executor executor) {
        this.routes = routes;
        this.executor = executor;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (!request.decoderResult().isSuccess()) {
            write(ctx, PageResponse.bytes("text/plain; charset=utf-8", "bad request\n".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    "no-store"), HttpResponseStatus.BAD_REQUEST, false, false);
            return;
        }
        String source = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : "-";
        boolean head = request.method().name().equals("HEAD");
        PageRequest page;
        try {
            byte[] body = null;
            if (request.content().isReadable()) {
                body = new byte[request.content().readableBytes()];
                request.content().getBytes(request.content().readerIndex(), body);
            }
            page = PageRequest.of(request.method().name(), request.uri(), request.headers(), body, clientCertificate(ctx), source);
        } catch (IllegalArgumentException e) {
            // a malformed %-escape in the query: answered with a page, not a dropped connection
            try {
                executor.execute(() -> write(ctx, routes.badRequest(), HttpResponseStatus.BAD_REQUEST, keepAlive, head));
            } catch (RejectedExecutionException full) {
                write(ctx, routes.busy(), HttpResponseStatus.SERVICE_UNAVAILABLE, false, head);
            }
            return;
        }
        try {
            executor.execute(() -> {
                PageResponse response = routes.handle(page);
                if (response.document() != null) {
                    stream(ctx, response, keepAlive, head);
                } else {
                    write(ctx, response, response.status(), keepAlive, head);
                }
            });
        } catch (RejectedExecutionException e) {
            write(ctx, routes.busy(), HttpResponseStatus.SERVICE_UNAVAILABLE, false, head);
        }
    }

    /** The SHA-256 of the certificate the browser presented (optional on this listener), or null. */
    private static String clientCertificate(ChannelHandlerContext ctx) {
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        if (ssl == null) {
            return null;
        }
        try {
            java.security.cert.Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate leaf ? LocalCertificateAuthority.fingerprint(leaf) : null;
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }

    static void write(ChannelHandlerContext ctx, PageResponse r, HttpResponseStatus status, boolean keepAlive, boolean head) {
        ByteBuf body = head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(r.body());
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        r.headers().forEach(res.headers()::set);
        r.cookies().forEach(c -> res.headers().add(HttpHeaderNames.SET_COOKIE, c));
        SecurityHeaders.apply(res.headers());
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
        if (!keepAlive) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        ChannelFuture f = ctx.writeAndFlush(res);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static void stream(ChannelHandlerContext ctx, PageResponse r, boolean keepAlive, boolean head) {
        try (SeekableByteChannel doc = r.document()) {
            HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, r.status());
            r.headers().forEach(res.headers()::set);
            r.cookies().forEach(c -> res.headers().add(HttpHeaderNames.SET_COOKIE, c));
            SecurityHeaders.apply(res.headers());
            HttpUtil.setContentLength(res, r.documentSize());
            if (!keepAlive) {
                res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            ctx.write(res);
            long sent = 0;
            if (!head) {
                ByteBuffer chunk = ByteBuffer.allocate(DOWNLOAD_CHUNK);
                while (sent < r.documentSize()) {
                    chunk.clear();
                    int n = doc.read(chunk);
                    if (n < 0) {
                        break;
                    }
                    chunk.flip();
                    sent += n;
                    if (!ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(chunk))).awaitUninterruptibly().isSuccess()) {
                        return; // the browser went away
                    }
                }
            }
            if (!head && sent != r.documentSize()) {
                LOG.error("download ended after {} of {} bytes; closing the connection", sent, r.documentSize());
                ctx.close();
                return;
            }
            ChannelFuture done = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            if (!keepAlive) {
                done.addListener(ChannelFutureListener.CLOSE);
            }
        } catch (IOException | RuntimeException e) {
            // the response has begun: the only honest signal left is to cut the connection (the length will not match)
            LOG.error("download failed: {}", e.toString());
            ctx.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("connection {}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
