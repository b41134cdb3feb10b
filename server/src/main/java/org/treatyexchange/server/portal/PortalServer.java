package org.treatyexchange.server.portal;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.security.PrivateKey;
import java.time.Clock;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.treatyexchange.server.crypto.HttpsServerContext;

/**
 * The browser portal's HTTPS listener: TLS with the server's certificate (the API's, issued by the local
 * CA), HTTP/1.1, pages and files from {@link PortalRoutes}. Client certificates are optional: a browser may
 * present one, accepted if valid now (like the API, without a CA: the registry pins certificates), and at
 * login a certificate registered to the account stands in for the TOTP code. Event loops only decode and
 * write; routes run on an executor of {@code executorThreads} with a bounded queue (full: 503). The States'
 * filing form is the one request not aggregated: {@link UploadHandler} streams it to the executor.
 */
public final class PortalServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PortalServer.class);
    static final int MAX_INITIAL_LINE = 8192;
    static final int QUEUE = 256;

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ThreadPoolExecutor executor;
    private final ChannelGroup channels;
    private final Channel serverChannel;

    private PortalServer(EventLoopGroup boss, EventLoopGroup workers, ThreadPoolExecutor executor, ChannelGroup channels,
            Channel serverChannel) {
        this.boss = boss;
        this.workers = workers;
        this.executor = executor;
        this.channels = channels;
        this.serverChannel = serverChannel;
    }

    /**
     * Binds and starts serving.
     *
     * @throws IllegalArgumentException if a configured cipher suite is not supported by this JDK
     * @throws Exception if the TLS context cannot be built or the address cannot be bound
     */
    public static PortalServer start(PortalSettings settings, PrivateKey serverKey, List<X509Certificate> serverChain, PortalDesks desks,
            byte[] receiptCertificatePem, FilingLimits limits, Clock clock) throws Exception {
        Objects.requireNonNull(desks, "desks");
        SslContext tls = HttpsServerContext.build(serverKey, serverChain, settings.tlsProtocols(), settings.cipherSuites(), ClientAuth.OPTIONAL, clock);
        PortalRoutes routes = new PortalRoutes(desks, receiptCertificatePem, limits.maxDocuments());
        long maxUploadBody = limits.maxBody();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(settings.executorThreads(), settings.executorThreads(), 0,
                TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE), new DefaultThreadFactory("portal-worker", true),
                new ThreadPoolExecutor.AbortPolicy());
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("portal-accept", true), NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory("portal-io", true), NioIoHandler.newFactory());
        ChannelGroup channels = new DefaultChannelGroup("portal", GlobalEventExecutor.INSTANCE);
        try {
            ServerBootstrap b = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 128)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            channels.add(ch);
                            SslHandler ssl = tls.newHandler(ch.alloc());
                            ssl.setHandshakeTimeout(settings.readTimeout().toMillis(), TimeUnit.MILLISECONDS);
                            ch.pipeline().addLast("tls", ssl);
                            ch.pipeline().addLast("timeout", new ReadTimeoutHandler(settings.readTimeout().toMillis(), TimeUnit.MILLISECONDS));
                            ch.pipeline().addLast("http", new HttpServerCodec(new HttpDecoderConfig()
                                    .setMaxInitialLineLength(MAX_INITIAL_LINE)
                                    .setMaxHeaderSize(settings.maxHeaderBytes())));
                            // the filing form streams past the aggregator; every other request is aggregated (small)
                            ch.pipeline().addLast("upload", new UploadHandler(routes, executor, maxUploadBody));
                            ch.pipeline().addLast("aggregate", new HttpObjectAggregator(settings.maxFormBytes()));
                            ch.pipeline().addLast("portal", new PortalHandler(routes, executor));
                        }
                    });
            Channel server = b.bind(settings.bind(), settings.port()).sync().channel();
            PortalServer portal = new PortalServer(boss, workers, executor, channels, server);
            LOG.info("listening on https://{}:{}/ (browser portal, protocols {})", settings.bind(), portal.port(), settings.tlsProtocols());
            return portal;
        } catch (Exception | Error e) {
            boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            executor.shutdownNow();
            throw e;
        }
    }

    /**
     * The filing form's limits, as on the other channels.
     *
     * @param maxFileSize the largest document (the layer refuses a larger one as it streams in)
     * @param maxDocuments most documents in one filing form
     */
    public record FilingLimits(long maxFileSize, int maxDocuments) {
        /** The largest filing form body: every document at its largest, plus the form's fields and part headers. */
        long maxBody() {
            return maxDocuments * (maxFileSize + MultipartParser.MAX_HEADER_BYTES + 256) + 2L * FilingUpload.MAX_PARTS
                    * (FilingUpload.MAX_FIELD_BYTES + MultipartParser.MAX_HEADER_BYTES);
        }
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** First step of a graceful stop: the listening socket closes; requests in progress go on. */
    public void stopAccepting() {
        serverChannel.close().awaitUninterruptibly();
    }

    @Override
    public void close() {
        serverChannel.close().awaitUninterruptibly();
        channels.close().awaitUninterruptibly();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        executor.shutdown();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        LOG.info("stopped");
    }
}
