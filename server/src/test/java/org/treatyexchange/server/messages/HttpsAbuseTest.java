package org.treatyexchange.server.messages;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.List;
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
import org.treatyexchange.server.Processes;
import org.treatyexchange.server.ServerProcess;
import org.treatyexchange.server.demo.DemoAccounts;

/**
 * Hostile HTTPS input against the real server in its own JVM with a small heap (128 MiB, exit on
 * out-of-memory): header, body and multipart bombs, an ASN.1 nesting bomb, an envelope stuffed with
 * certificates, a signed envelope of deeply nested JSON. Each gets a clean 4xx with a problem
 * document, nothing is filed, and the server keeps serving (it would have exited on running out of
 * memory).
 */
class HttpsAbuseTest {

    static final String CLIENT = "arcadia-system";
    static final Pattern STATUS = Pattern.compile("^HTTP/1\\.1 (\\d{3}) ");

    @TempDir
    static Path tmp;

    static ServerProcess server;
    static SSLContext tls;

    @BeforeAll
    static void start() throws Exception {
        server = ServerProcess.start(tmp.resolve("home"), "128m");
        KeyStore client = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(server.demo(CLIENT + "-api.p12"))) {
            client.load(in, DemoAccounts.DEMO_PKCS12_PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(client, DemoAccounts.DEMO_PKCS12_PASSWORD.toCharArray());
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(server.caCertificate())) {
            trust.setCertificateEntry("ca", (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        tls = SSLContext.getInstance("TLSv1.3");
        tls.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void aHeaderBombGets431() throws Exception {
        StringBuilder head = new StringBuilder("GET /api/v1/inbox HTTP/1.1\r\nHost: localhost\r\n");
        for (int i = 0; i < 20_000; i++) {
            head.append("X-Bomb-").append(i).append(": ").append("y".repeat(20)).append("\r\n");
        }
        head.append("\r\n");
        assertThat(exchange(head.toString().getBytes(StandardCharsets.US_ASCII))).isEqualTo(431);
        assertStillServing();
    }

    @Test
    void aDeclaredHugeBodyGets413BeforeItIsSent() throws Exception {
        String head = "POST /api/v1/messages HTTP/1.1\r\nHost: localhost\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                + "Content-Length: 1000000000000000\r\n\r\n";
        assertThat(exchange(head.getBytes(StandardCharsets.US_ASCII))).isEqualTo(413);
        assertStillServing();
    }

    @Test
    void anEndlessChunkedBodyIsCutOff() throws Exception {
        // 64 MiB of chunked envelope (far over the 64 KiB envelope limit and the 128 MiB heap's comfort)
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("POST /api/v1/messages HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/pkcs7-mime\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        byte[] chunk = ("4000\r\n" + "A".repeat(0x4000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        assertThat(exchange(body.toByteArray(), chunk, 4096)).isEqualTo(413);
        assertStillServing();
    }

    @Test
    void aMultipartBombOfManyUndeclaredPartsGets400AtTheFirstOne() throws Exception {
        byte[] doc = {'x'};
        Path envelope = signedEnvelope("{\"version\":1,\"messageId\":\"bomb-1\",\"type\":\"filing\",\"state\":\"ARC\","
                + "\"createdAt\":\"" + java.time.Instant.now() + "\",\"level\":\"secretariat\",\"reportType\":\"annual-report\","
                + "\"period\":\"2025\",\"title\":\"Bomb\",\"withheld\":false,\"documents\":[{\"name\":\"d0.pdf\",\"size\":1,"
                + "\"sha256\":\"" + java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(doc))
                + "\",\"mediaType\":\"application/pdf\"}]}");
        StringBuilder parts = new StringBuilder();
        for (int i = 0; i < 5_000; i++) {
            parts.append("--b\r\nContent-Disposition: form-data; name=\"document\"; filename=\"d").append(i)
                    .append(".pdf\"\r\nContent-Type: application/pdf\r\n\r\nx\r\n");
        }
        byte[] first = ("--b\r\nContent-Disposition: form-data; name=\"envelope\"\r\nContent-Type: application/pkcs7-mime\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(first);
        body.writeBytes(Files.readAllBytes(envelope));
        body.writeBytes(("\r\n" + parts + "--b--\r\n").getBytes(StandardCharsets.US_ASCII));
        int status = post("multipart/form-data; boundary=b", body.toByteArray());
        // the envelope declares one document (it cannot declare more than maxDocuments): the second part is refused as it arrives
        assertThat(status).isEqualTo(400);
        assertStillServing();
    }

    @Test
    void anAsn1NestingBombGets400() throws Exception {
        // 10 000 SEQUENCEs nested with consistent definite lengths (valid DER, ~40 KiB, under the envelope
        // limit): recursive parsers overflow their stack on this
        byte[] bomb = {0x30, 0x00};
        ByteArrayOutputStream der = new ByteArrayOutputStream();
        for (int i = 0; i < 10_000; i++) {
            der.reset();
            der.write(0x30);
            if (bomb.length < 128) {
                der.write(bomb.length);
            } else {
                der.write(0x82);
                der.write(bomb.length >> 8);
                der.write(bomb.length & 0xFF);
            }
            der.writeBytes(bomb);
            bomb = der.toByteArray();
        }
        assertThat(bomb.length).isLessThan(64 * 1024);
        assertThat(post("application/pkcs7-mime", bomb)).isEqualTo(400);
        // and the indefinite-length form (BER), which DER forbids
        byte[] ber = new byte[60_000];
        for (int i = 0; i < ber.length; i += 2) {
            ber[i] = 0x30;
            ber[i + 1] = (byte) 0x80;
        }
        assertThat(post("application/pkcs7-mime", ber)).isEqualTo(400);
        assertStillServing();
    }

    @Test
    void anEnvelopeStuffedWithCertificatesGets400() throws Exception {
        // a real signed envelope that also carries a "chain" of 50 certificates (-certfile)
        Path chain = tmp.resolve("many-certs.pem");
        StringBuilder pem = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            Path key = tmp.resolve("junk-" + i + ".key");
            Path cert = tmp.resolve("junk-" + i + ".pem");
            Processes.Result made = Processes.run(tmp, List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=junk " + i, "-days", "2", "-keyout", key.toString(),
                    "-out", cert.toString()));
            assertThat(made.exitCode()).as(made.output()).isZero();
            pem.append(Files.readString(cert));
        }
        Files.writeString(chain, pem);
        Path env = tmp.resolve("stuffed.json");
        Files.writeString(env, "{\"version\":1}");
        Path signed = tmp.resolve("stuffed.p7s");
        Processes.Result r = Processes.run(tmp, List.of("openssl", "cms", "-sign", "-binary", "-nodetach", "-outform", "DER",
                "-md", "sha256", "-in", env.toString(), "-signer", server.demo(CLIENT + "-api.cert.pem").toString(), "-inkey",
                server.demo(CLIENT + "-api.key.pem").toString(), "-certfile", chain.toString(), "-out", signed.toString()));
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(post("application/pkcs7-mime", Files.readAllBytes(signed))).isEqualTo(400);
        assertStillServing();
    }

    @Test
    void deeplyNestedAndHugeJsonInASignedEnvelopeGets400() throws Exception {
        assertThat(post("application/pkcs7-mime", Files.readAllBytes(signedEnvelope("[".repeat(10_000) + "]".repeat(10_000)))))
                .isEqualTo(400);
        assertThat(post("application/pkcs7-mime", Files.readAllBytes(signedEnvelope("{\"version\":1,\"title\":\""
                + "x".repeat(40_000) + "\"}")))).isEqualTo(400);
        assertStillServing();
    }

    // ---- helpers --------------------------------------------------------------------------

    static Path signedEnvelope(String json) throws Exception {
        Path env = Files.createTempFile(tmp, "env", ".json");
        Files.writeString(env, json);
        Path signed = Files.createTempFile(tmp, "env", ".p7s");
        Processes.Result r = Processes.run(tmp, List.of("openssl", "cms", "-sign", "-binary", "-nodetach", "-outform", "DER",
                "-md", "sha256", "-in", env.toString(), "-signer", server.demo(CLIENT + "-api.cert.pem").toString(), "-inkey",
                server.demo(CLIENT + "-api.key.pem").toString(), "-out", signed.toString()));
        assertThat(r.exitCode()).as(r.output()).isZero();
        return signed;
    }

    static int post(String contentType, byte[] body) throws IOException {
        ByteArrayOutputStream req = new ByteArrayOutputStream();
        req.writeBytes(("POST /api/v1/messages HTTP/1.1\r\nHost: localhost\r\nContent-Type: " + contentType + "\r\nContent-Length: "
                + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        req.writeBytes(body);
        return exchange(req.toByteArray());
    }

    static int exchange(byte[] request) throws IOException {
        return exchange(request, null, 0);
    }

    /**
     * Sends {@code request} (then {@code repeat} up to {@code times} times, stopping when the server
     * closes) and returns the status of the server's answer, or -1 if it closed without one.
     */
    static int exchange(byte[] request, byte[] repeat, int times) throws IOException {
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", server.apiPort())) {
            socket.setSoTimeout(60_000);
            socket.startHandshake();
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                for (int i = 0; i < times; i++) {
                    out.write(repeat);
                }
                out.flush();
            } catch (IOException closedWhileWriting) {
                // the server answered and closed before we were done: read what it said
            }
            String head = readHead(socket.getInputStream());
            Matcher m = STATUS.matcher(head);
            assertThat(server.isAlive()).as("server alive").isTrue();
            if (!m.find()) {
                return -1;
            }
            assertThat(head).as("a problem document, not an exception text").contains("application/problem+json");
            return Integer.parseInt(m.group(1));
        }
    }

    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        try {
            int b;
            while ((b = in.read()) >= 0) {
                head.write(b);
                if (head.size() >= 4 && head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                    break;
                }
            }
        } catch (IOException e) {
            // reset after the answer
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    static void assertStillServing() throws IOException {
        assertThat(server.isAlive()).isTrue();
        String get = "GET /api/v1/inbox HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", server.apiPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(get.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            assertThat(readHead(socket.getInputStream())).startsWith("HTTP/1.1 200 ");
        }
        // and nothing was filed or queued by any of the hostile requests
        java.io.StringWriter out = new java.io.StringWriter();
        int code = org.treatyexchange.server.admin.AdminCli.run(new String[] {"--home", server.home().toString(), "filings"},
                new java.io.PrintWriter(out, true), new java.io.PrintWriter(out, true));
        assertThat(code).as(out.toString()).isZero();
        assertThat(out.toString().lines().skip(1).filter(l -> !l.isBlank())).as(out.toString()).isEmpty();
    }
}
