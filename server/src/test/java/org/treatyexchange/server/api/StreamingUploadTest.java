package org.treatyexchange.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ResourceLeakDetector;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A 64 MiB document through the handlers in small chunks: every chunk is released before the next is
 * read, reading pauses while a chunk is on the executor and resumes after, the gateway gets every
 * byte in order. Runs with Netty's paranoid leak detection and fails if it reports anything.
 */
class StreamingUploadTest {

    static final long SIZE = 64L * 1024 * 1024;
    static final int CHUNK = 4096;
    static final String B = "StreamBoundary42";
    static ResourceLeakDetector.Level previous;
    static ListAppender<ILoggingEvent> leaks = new ListAppender<>();

    @BeforeAll
    static void paranoid() {
        previous = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        leaks.start();
        ((Logger) LoggerFactory.getLogger(ResourceLeakDetector.class)).addAppender(leaks);
    }

    @AfterAll
    static void noLeaks() throws InterruptedException {
        // Leaks are reported when a leaked buffer has been collected and another one is allocated.
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(50);
            for (int j = 0; j < 100; j++) {
                Unpooled.buffer(16).release();
            }
        }
        ((Logger) LoggerFactory.getLogger(ResourceLeakDetector.class)).detachAppender(leaks);
        ResourceLeakDetector.setLevel(previous);
        assertThat(leaks.list).as("Netty leak reports").isEmpty();
    }

    @Test
    void sixtyFourMebibytesInFourKibibyteChunks() throws Exception {
        TestGateway gateway = new TestGateway();
        var cert = TestPki.client("streamer").certificate();
        gateway.register(cert, "fr-api", "FRA", false);
        ApiSettings s = new ApiSettings("127.0.0.1", 0, 8192, 1024, 2, SIZE, 1000, Duration.ofSeconds(60), Duration.ofSeconds(5), 2,
                ApiSettings.DEFAULT_PROTOCOLS, ApiSettings.DEFAULT_CIPHER_SUITES);
        Embedded.Deferred executor = new Embedded.Deferred();
        EmbeddedChannel ch = Embedded.channel(s, new RateLimiter(1000, System::nanoTime, 10), gateway, executor, cert);

        byte[] head = ("--" + B + "\r\nContent-Disposition: form-data; name=\"envelope\"\r\n\r\nCOUNT-ENVELOPE\r\n--" + B
                + "\r\nContent-Disposition: form-data; name=\"document\"; filename=\"huge.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] tail = ("\r\n--" + B + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        long total = head.length + SIZE + tail.length;
        Embedded.send(ch, "POST /api/v1/messages HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=" + B
                + "\r\nContent-Length: " + total + "\r\n\r\n");
        executor.runAll(ch); // identify
        assertThat(ch.config().isAutoRead()).isTrue();

        MessageDigest expected = MessageDigest.getInstance("SHA-256");
        Random random = new Random(1);
        byte[] chunk = new byte[CHUNK];
        long sent = 0;
        int pausedAfterChunk = 0;
        feed(ch, executor, head);
        while (sent < SIZE) {
            random.nextBytes(chunk);
            int n = (int) Math.min(CHUNK, SIZE - sent);
            expected.update(chunk, 0, n);
            ByteBuf buf = Unpooled.copiedBuffer(chunk, 0, n);
            ch.writeInbound(buf);
            if (!ch.config().isAutoRead()) {
                pausedAfterChunk++;
            }
            // One task at a time per channel: the next chunk is not read before this one is done.
            assertThat(executor.tasks).hasSizeLessThanOrEqualTo(1);
            executor.runAll(ch);
            assertThat(buf.refCnt()).as("chunk released once its bytes are in the gateway").isZero();
            assertThat(ch.config().isAutoRead()).as("reading resumes after the chunk").isTrue();
            sent += n;
        }
        feed(ch, executor, tail);

        Embedded.Response r = Embedded.single(ch);
        assertThat(r.status()).isEqualTo(200);
        TestGateway.Intake intake = gateway.lastIntake();
        assertThat(intake.completed).isTrue();
        assertThat(intake.bytes.get()).isEqualTo(SIZE);
        assertThat(intake.sha256.get("huge.bin")).isEqualTo(HexFormat.of().formatHex(expected.digest()));
        assertThat(pausedAfterChunk).as("autoRead was off while chunks were on the executor").isGreaterThan(16_000);
        assertThat(Embedded.handler(ch).queueHighWater()).isLessThanOrEqualTo(2);
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    private static void feed(EmbeddedChannel ch, Embedded.Deferred executor, byte[] bytes) {
        ByteBuf buf = Unpooled.copiedBuffer(bytes);
        ch.writeInbound(buf);
        executor.runAll(ch);
        assertThat(buf.refCnt()).isZero();
    }
}
