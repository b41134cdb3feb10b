package org.treatyexchange.server.api;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.treatyexchange.server.application.AuditTrail;
import org.treatyexchange.server.application.Callers;
import org.treatyexchange.server.application.SecretariatDesk;
import org.treatyexchange.server.application.StateDesk;
import org.treatyexchange.server.crypto.HttpsServerContext;
import org.slf4j.LoggerFactory;

/**
 * The HTTPS edge of the signed-message channel: mutual TLS, HTTP/1.1, the {@code /api/v1} endpoints
 * (see {@code api/openapi.yaml}), in front of a {@link ApiGateway}. Start it with
 * {@link #start}; {@link #close()} stops it gracefully.
 */
public final class ApiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    /** TLS chunk of HTTP body handed to the handler at a time; the unit of backpressure. */
    static final int MAX_CHUNK_BYTES = 8192;
    static final int MAX_INITIAL_LINE = 4096;
    static final int RATE_LIMITER_MAX_KEYS = 10_000;

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ThreadPoolExecutor executor;
    private final ChannelGroup channels;
    private final Channel serverChannel;
    private final Admission admission;

    private ApiServer(EventLoopGroup boss, EventLoopGroup workers, ThreadPoolExecutor executor, ChannelGroup channels, Channel serverChannel,
            Admission admission) {
        this.admission = admission;
        this.boss = boss;
        this.workers = workers;
        this.executor = executor;
        this.channels = channels;
        this.serverChannel = serverChannel;
    }

    /**
     * Binds and starts serving.
     *
     * @param settings limits and TLS parameters
     * @param serverKey the private key of the server's TLS certificate
     * @param serverChain the server's certificate first, then its issuers (if any)
     * @param callers, states, secretariat, audit the application layer the endpoints call; every call runs
     *     on the edge's own executor
     * @throws IllegalArgumentException if a configured cipher suite is not supported by this JDK
     * @throws Exception if the TLS context cannot be built or the address cannot be bound
     */
    public static ApiServer start(ApiSettings settings, PrivateKey serverKey, List<X509Certificate> serverChain, Callers callers,
            StateDesk states, SecretariatDesk secretariat, AuditTrail audit) throws Exception {
        return start(settings, serverKey, serverChain, new DeskGateway(callers, states, secretariat, audit), Clock.systemUTC(), status -> { });
    }

    /** As above; {@code responses} sees the status of every response sent (the metrics), on an event loop: it must be quick. */
    public static ApiServer start(ApiSettings settings, PrivateKey serverKey, List<X509Certificate> serverChain, Callers callers,
            StateDesk states, SecretariatDesk secretariat, AuditTrail audit, java.util.function.IntConsumer responses) throws Exception {
        return start(settings, serverKey, serverChain, new DeskGateway(callers, states, secretariat, audit), Clock.systemUTC(), responses);
    }

    /** As above, in front of any gateway (a test double). */
    static ApiServer start(ApiSettings settings, PrivateKey serverKey, List<X509Certificate> serverChain,
            ApiGateway gateway) throws Exception {
        return start(settings, serverKey, serverChain, gateway, Clock.systemUTC());
    }

    static ApiServer start(ApiSettings settings, PrivateKey serverKey, List<X509Certificate> serverChain,
            ApiGateway gateway, Clock clock) throws Exception {
        return start(settings, serverKey, serverChain, gateway, clock, status -> { });
    }

    static ApiServer start(ApiSettings settings, PrivateKey serverKey, List<X509Certificate> serverChain,
            ApiGateway gateway, Clock clock, java.util.function.IntConsumer responses) throws Exception {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(responses, "responses");
        Objects.requireNonNull(gateway, "gateway");
        SslContext tls = HttpsServerContext.build(serverKey, serverChain, settings.tlsProtocols(), settings.cipherSuites(), ClientAuth.REQUIRE, clock);
        RateLimiter limiter = new RateLimiter(settings.requestsPerMinutePerClient(), System::nanoTime, RATE_LIMITER_MAX_KEYS);
        ClientConnections.Counter connections = new ClientConnections.Counter(settings.maxConnectionsPerClient());
        Admission admission = Admission.of(settings);
        ThreadPoolExecutor executor = new ThreadPoolExecutor(settings.executorThreads(), settings.executorThreads(), 0,
                TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(settings.executorQueueCapacity()),
                new DefaultThreadFactory("api-worker", true), new ThreadPoolExecutor.AbortPolicy());
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("api-accept", true), NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory("api-io", true), NioIoHandler.newFactory());
        ChannelGroup channels = new DefaultChannelGroup("api", GlobalEventExecutor.INSTANCE);
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
                            addHttpHandlers(ch.pipeline(), settings, limiter, admission, gateway, executor);
                            ch.pipeline().addAfter("http", "connections", new ClientConnections.Handler(connections, settings));
                            ch.pipeline().addAfter("http", "responses", new ResponseCounter(responses)); // sees every handler's answers
                        }
                    });
            Channel server = b.bind(settings.bind(), settings.port()).sync().channel();
            ApiServer api = new ApiServer(boss, workers, executor, channels, server, admission);
            LOG.info("listening on https://{}:{}/api/v1 (protocols {}, client certificates required)", settings.bind(), api.port(),
                    settings.tlsProtocols());
            return api;
        } catch (Exception | Error e) {
            boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            executor.shutdownNow();
            throw e;
        }
    }

    /** The handlers after TLS: shared with tests that drive them in an {@code EmbeddedChannel}. */
    static void addHttpHandlers(ChannelPipeline p, ApiSettings settings, RateLimiter limiter, ApiGateway gateway, Executor executor) {
        addHttpHandlers(p, settings, limiter, Admission.of(settings), gateway, executor);
    }

    static void addHttpHandlers(ChannelPipeline p, ApiSettings settings, RateLimiter limiter, Admission admission, ApiGateway gateway,
            Executor executor) {
        HttpDecoderConfig http = new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_INITIAL_LINE)
                .setMaxHeaderSize(settings.maxHeaderBytes())
                .setMaxChunkSize(MAX_CHUNK_BYTES);
        p.addLast("http", new HttpServerCodec(http));
        p.addLast("deadline", new RequestDeadline(settings));
        p.addLast("rate", new RateLimitHandler(limiter));
        p.addLast("api", new ApiHandler(settings, admission, gateway, executor));
    }

    /** Requests admitted and not yet answered ({@link Admission}). */
    public int requestsActive() {
        return admission.active();
    }

    /** Requests waiting for admission, reading paused. */
    public int requestsWaiting() {
        return admission.waiting();
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /**
     * Stops accepting, closes every connection (uploads in progress are discarded: nothing is kept),
     * stops the event loops, then lets running gateway calls finish (up to 10 s) before stopping the
     * executor.
     */
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
                LOG.warn("gateway calls still running after 10 s; interrupting {} of them", executor.shutdownNow().size());
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        LOG.info("stopped");
    }

    @Override
    public String toString() {
        return "ApiServer" + Arrays.asList(serverChannel.localAddress());
    }
}
