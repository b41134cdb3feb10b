package org.treatyexchange.server.api;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;

/** Drives the HTTP handlers of the pipeline (everything after TLS) in an {@link EmbeddedChannel}, with raw bytes. */
final class Embedded {

    /** An executor whose tasks run when the test says so, on the test thread (EmbeddedChannel is single-threaded). */
    static final class Deferred implements Executor {
        final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

        @Override
        public void execute(Runnable r) {
            tasks.add(r);
        }

        /** Runs every task and every event-loop task they schedule, until nothing is left. */
        void runAll(EmbeddedChannel ch) {
            while (!tasks.isEmpty()) {
                tasks.poll().run();
                ch.runPendingTasks();
            }
            ch.runPendingTasks();
        }
    }

    record Response(int status, Map<String, String> headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private Embedded() {
    }

    static EmbeddedChannel channel(ApiSettings settings, RateLimiter limiter, TestGateway gateway, Executor executor, X509Certificate cert) {
        return channel(settings, limiter, Admission.of(settings), gateway, executor, cert);
    }

    /** A channel sharing {@code admission} with others, as the connections of one server do. */
    static EmbeddedChannel channel(ApiSettings settings, RateLimiter limiter, Admission admission, TestGateway gateway, Executor executor,
            X509Certificate cert) {
        EmbeddedChannel ch = new EmbeddedChannel(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel c) {
                PeerCertificate.set(c, cert);
                ApiServer.addHttpHandlers(c.pipeline(), settings, limiter, admission, gateway, executor);
            }
        });
        ch.freezeTime();
        return ch;
    }

    static ApiHandler handler(EmbeddedChannel ch) {
        return ch.pipeline().get(ApiHandler.class);
    }

    static ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }

    static void send(EmbeddedChannel ch, String raw) {
        ch.writeInbound(bytes(raw));
    }

    /** Every response written so far, in order (consumes the outbound buffers). */
    static List<Response> responses(EmbeddedChannel ch) {
        ByteBuf all = Unpooled.buffer();
        Object o;
        while ((o = ch.readOutbound()) != null) {
            ByteBuf b = (ByteBuf) o;
            all.writeBytes(b);
            b.release();
        }
        List<Response> out = new ArrayList<>();
        try {
            while (all.isReadable()) {
                int headEnd = indexOf(all, "\r\n\r\n");
                String head = all.readCharSequence(headEnd - all.readerIndex() + 4, StandardCharsets.ISO_8859_1).toString();
                String[] lines = head.split("\r\n");
                int status = Integer.parseInt(lines[0].split(" ")[1]);
                Map<String, String> headers = new LinkedHashMap<>();
                for (int i = 1; i < lines.length; i++) {
                    int c = lines[i].indexOf(':');
                    if (c > 0) {
                        headers.put(lines[i].substring(0, c).toLowerCase(Locale.ROOT), lines[i].substring(c + 1).strip());
                    }
                }
                int len = headers.containsKey("content-length") ? Integer.parseInt(headers.get("content-length")) : 0;
                byte[] body = new byte[len];
                all.readBytes(body);
                out.add(new Response(status, headers, body));
            }
        } finally {
            all.release();
        }
        return out;
    }

    static Response single(EmbeddedChannel ch) {
        List<Response> r = responses(ch);
        if (r.size() != 1) {
            throw new AssertionError("expected one response, got " + r);
        }
        return r.get(0);
    }

    private static int indexOf(ByteBuf b, String s) {
        byte[] needle = s.getBytes(StandardCharsets.ISO_8859_1);
        outer:
        for (int i = b.readerIndex(); i <= b.writerIndex() - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (b.getByte(i + j) != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("no end of response head");
    }
}
