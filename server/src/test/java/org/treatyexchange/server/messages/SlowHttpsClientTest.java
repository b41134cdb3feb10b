package org.treatyexchange.server.messages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.server.TestExchange;
import org.treatyexchange.server.demo.DemoAccounts;

/**
 * Pen-test finding 3: the read timeout ran between body chunks only, so a registered certificate sending
 * one byte every 10 s kept 50 connections open for minutes. Against the real server with a 2 s read
 * timeout (the grace), a minimum body rate of 1 KiB/s and at most 3 connections per certificate, with
 * a hand-driven TLS client that trickles.
 */
class SlowHttpsClientTest {

    static final Pattern STATUS = Pattern.compile("^HTTP/1\\.1 (\\d{3}) ");
    static final Pattern LENGTH = Pattern.compile("(?i)\r\ncontent-length: *(\\d+)");

    @TempDir
    static Path tmp;

    static TestExchange exchange;

    @BeforeAll
    static void start() throws Exception {
        exchange = TestExchange.start(tmp.resolve("home"), c -> c.withApi(c.api().withSlowClientLimits(Duration.ofSeconds(2), 1024, 3)));
    }

    @AfterAll
    static void stop() throws Exception {
        exchange.close();
    }

    @Test
    void aBodyTrickledAByteEveryHalfSecondIsAnswered408OnceItFallsBelowTheMinimumRate() throws Exception {
        try (SSLSocket socket = connect("sylvania-system")) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v1/messages HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/pkcs7-mime\r\n"
                    + "Content-Length: 10000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long started = System.nanoTime();
            AtomicBoolean stop = new AtomicBoolean();
            Thread trickle = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        out.write('x'); // well within the 2 s read timeout between bytes
                        out.flush();
                        Thread.sleep(500);
                    }
                } catch (IOException | InterruptedException e) {
                    // the server closed the connection
                }
            });
            trickle.start();
            try {
                socket.setSoTimeout(30_000);
                Response r = read(socket.getInputStream());
                double seconds = (System.nanoTime() - started) / 1e9;
                assertThat(r.status).as(r.head).isEqualTo(408);
                assertThat(r.body).contains("urn:treaty-exchange:problem:request-timeout").contains("too slowly");
                // 2 s of grace plus 1 s per KiB received (a few bytes): well under 10 s, not minutes
                assertThat(seconds).as("seconds until the answer").isBetween(1.5, 10.0);
                assertThat(socket.getInputStream().read()).as("the connection is closed after the answer").isEqualTo(-1);
            } finally {
                stop.set(true);
                trickle.join(5_000);
            }
        }
    }

    @Test
    void aBodyThatKeepsTheMinimumRateGoesOnPastTheGrace() throws Exception {
        try (SSLSocket socket = connect("sylvania-system")) {
            OutputStream out = socket.getOutputStream();
            int size = 8 * 1024;
            out.write(("POST /api/v1/messages HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/pkcs7-mime\r\n"
                    + "Content-Length: " + size + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            long started = System.nanoTime();
            byte[] slice = new byte[512];
            for (int sent = 0; sent < size; sent += slice.length) {
                out.write(slice); // 2 KiB/s: twice the minimum, for 4 s, twice the grace
                out.flush();
                Thread.sleep(250);
            }
            socket.setSoTimeout(30_000);
            Response r = read(socket.getInputStream());
            assertThat((System.nanoTime() - started) / 1e9).as("seconds the body took").isGreaterThan(3.5);
            // The body arrived whole and was judged on its content (zeros are no signed envelope), not timed out.
            assertThat(r.status).as(r.head + r.body).isEqualTo(400);
            assertThat(r.body).contains("urn:treaty-exchange:problem:");
        }
    }

    @Test
    void aCertificateHoldsAtMostItsCapOfConnectionsAndOthersAreNotAffected() throws Exception {
        List<SSLSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                SSLSocket s = connect("arcadia-system");
                held.add(s);
                assertThat(get(s, true).status).as("connection %d of 3", i + 1).isEqualTo(200);
            }
            try (SSLSocket fourth = connect("arcadia-system")) {
                Response r = get(fourth, true);
                assertThat(r.status).as(r.head).isEqualTo(429);
                assertThat(r.head.toLowerCase(Locale.ROOT)).contains("retry-after: 1");
                assertThat(r.body).contains("urn:treaty-exchange:problem:rate-limited").contains("too many connections");
                assertThat(fourth.getInputStream().read()).as("closed after the answer").isEqualTo(-1);
            }
            try (SSLSocket other = connect("borealia-system")) {
                assertThat(get(other, false).status).as("another State's certificate").isEqualTo(200);
            }
            // The held connections still work, and closing one frees a place.
            assertThat(get(held.get(0), true).status).isEqualTo(200);
            held.remove(2).close();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                try (SSLSocket again = connect("arcadia-system")) {
                    assertThat(get(again, false).status).isEqualTo(200);
                }
            });
        } finally {
            for (SSLSocket s : held) {
                s.close();
            }
        }
    }

    record Response(int status, String head, String body) {
    }

    static Response get(SSLSocket socket, boolean keepAlive) throws IOException {
        socket.getOutputStream().write(("GET /api/v1/inbox HTTP/1.1\r\nHost: localhost\r\n" + (keepAlive ? "" : "Connection: close\r\n")
                + "\r\n").getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return read(socket.getInputStream());
    }

    static Response read(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            if (head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                break;
            }
        }
        String h = head.toString(StandardCharsets.ISO_8859_1);
        Matcher status = STATUS.matcher(h);
        assertThat(status.find()).as("an HTTP response, got: " + h).isTrue();
        Matcher length = LENGTH.matcher(h);
        byte[] body = length.find() ? in.readNBytes(Integer.parseInt(length.group(1))) : new byte[0];
        return new Response(Integer.parseInt(status.group(1)), h, new String(body, StandardCharsets.UTF_8));
    }

    static SSLSocket connect(String account) throws Exception {
        Path demo = exchange.home().resolve("demo");
        KeyStore client = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(demo.resolve(account + "-api.p12"))) {
            client.load(in, DemoAccounts.DEMO_PKCS12_PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(client, DemoAccounts.DEMO_PKCS12_PASSWORD.toCharArray());
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(exchange.server().caCertificate())) {
            trust.setCertificateEntry("ca", (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLSv1.3");
        tls.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", exchange.server().apiPort());
        socket.setSoTimeout(30_000);
        socket.startHandshake();
        return socket;
    }
}
