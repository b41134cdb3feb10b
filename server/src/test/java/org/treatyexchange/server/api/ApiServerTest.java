package org.treatyexchange.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.server.Processes;

/** The real server on port 0 over real TLS, driven by the stock {@code curl} and {@code openssl s_client}. */
class ApiServerTest {

    @TempDir
    static Path dir;
    static TestPki pki;
    static TestGateway gateway;
    static ApiServer server;
    static Path caPem;
    static Path[] state;
    static Path[] secretariat;
    static Path[] stranger;
    static Path[] expired;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        pki = new TestPki();
        gateway = new TestGateway();
        TestPki.Identity stateId = TestPki.client("FR national system");
        TestPki.Identity secretariatId = TestPki.client("Secretariat");
        TestPki.Identity expiredId = TestPki.client("Expired", Instant.now().minus(Duration.ofDays(30)), Instant.now().minus(Duration.ofDays(1)));
        gateway.register(stateId.certificate(), "fr-api", "FRA", false);
        gateway.register(secretariatId.certificate(), "secretariat", null, true);
        gateway.register(expiredId.certificate(), "expired", "DEU", false);
        caPem = dir.resolve("ca.pem");
        Files.writeString(caPem, TestPki.pem(pki.ca.certificate()));
        state = stateId.write(dir, "state");
        secretariat = secretariatId.write(dir, "secretariat");
        stranger = TestPki.client("Not registered").write(dir, "stranger");
        expired = expiredId.write(dir, "expired");
        ApiSettings s = new ApiSettings("127.0.0.1", 0, 8192, 64 * 1024, 5, 16L * 1024 * 1024, 10_000,
                Duration.ofSeconds(3), Duration.ofSeconds(10), 4, ApiSettings.DEFAULT_PROTOCOLS, ApiSettings.DEFAULT_CIPHER_SUITES);
        server = ApiServer.start(s, pki.server.key(), List.of(pki.server.certificate(), pki.ca.certificate()), gateway);
        base = "https://localhost:" + server.port() + "/api/v1";
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    record Http(int curlExit, int status, String headers, byte[] body, String log) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        JsonNode json() throws Exception {
            return new ObjectMapper().readTree(body);
        }
    }

    static Http curl(Path[] client, String... args) throws Exception {
        Path out = Files.createTempFile(dir, "body", ".out");
        Path headers = Files.createTempFile(dir, "headers", ".out");
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "60", "--cacert", caPem.toString(),
                "-o", out.toString(), "-D", headers.toString(), "-w", "%{http_code}"));
        if (client != null) {
            cmd.addAll(List.of("--cert", client[0].toString(), "--key", client[1].toString()));
        }
        cmd.addAll(List.of(args));
        Processes.Result r = Processes.run(dir, cmd);
        String log = r.output();
        String code = log.length() >= 3 ? log.substring(log.length() - 3) : "000";
        return new Http(r.exitCode(), code.chars().allMatch(Character::isDigit) ? Integer.parseInt(code) : 0,
                Files.readString(headers), Files.readAllBytes(out), log);
    }

    static Processes.Result sClient(Path[] client, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + server.port(),
                "-servername", "localhost", "-CAfile", caPem.toString(), "-brief"));
        if (client != null) {
            cmd.addAll(List.of("-cert", client[0].toString(), "-key", client[1].toString()));
        }
        cmd.addAll(List.of(args));
        return Processes.run(dir, cmd);
    }

    @Test
    void multipartMessageWithTwoDocumentsReachesTheGatewayByteExact() throws Exception {
        Random random = new Random(7);
        byte[] report = new byte[300_000];
        byte[] annex = new byte[1_100_000];
        random.nextBytes(report);
        random.nextBytes(annex);
        Path envelopeFile = dir.resolve("envelope.p7s");
        Files.writeString(envelopeFile, "ENVELOPE-two-docs");
        Files.write(dir.resolve("report.pdf"), report);
        Files.write(dir.resolve("annex.bin"), annex);
        int before = gateway.intakes.size();

        Http r = curl(state, base + "/messages", "-F", "envelope=@" + envelopeFile + ";type=application/pkcs7-mime",
                "-F", "document=@" + dir.resolve("report.pdf") + ";type=application/pdf",
                "-F", "document=@" + dir.resolve("annex.bin"));

        assertThat(r.status()).as(r.log()).isEqualTo(200);
        assertThat(r.headers()).containsIgnoringCase("content-type: application/pkcs7-mime");
        assertThat(r.text()).isEqualTo("RECEIPT:ENVELOPE-two-docs:report.pdf,annex.bin");
        assertThat(gateway.intakes).hasSize(before + 1);
        TestGateway.Intake intake = gateway.lastIntake();
        assertThat(intake.client.account()).isEqualTo("fr-api");
        assertThat(intake.bytesOf("report.pdf")).isEqualTo(report);
        assertThat(intake.bytesOf("annex.bin")).isEqualTo(annex);
        assertThat(intake.completed).isTrue();
        // Every gateway call ran on the edge's executor, never on an event loop.
        assertThat(gateway.threads).isNotEmpty().allMatch(t -> t.startsWith("api-worker"));
    }

    @Test
    void replayReturnsTheOriginalReceiptAndStoresNothing() throws Exception {
        Path envelopeFile = dir.resolve("replay.p7s");
        Files.writeString(envelopeFile, "REPLAY of m-1");
        Path doc = dir.resolve("big.bin");
        Files.write(doc, new byte[3_000_000]);
        int before = gateway.intakes.size();

        Http r = curl(state, base + "/messages", "-F", "envelope=@" + envelopeFile, "-F", "document=@" + doc);

        assertThat(r.status()).as(r.log()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(TestGateway.REPLAY_RECEIPT);
        assertThat(gateway.intakes).hasSize(before);
    }

    @Test
    void bareEnvelopeInboxItemAckAndSecretariat() throws Exception {
        Path envelopeFile = dir.resolve("bare.p7s");
        Files.writeString(envelopeFile, "ENVELOPE-bare");
        Http sent = curl(state, base + "/messages", "-H", "Content-Type: application/pkcs7-mime", "--data-binary", "@" + envelopeFile);
        assertThat(sent.status()).as(sent.log()).isEqualTo(200);
        assertThat(sent.text()).isEqualTo("RECEIPT:ENVELOPE-bare:");

        Http inbox = curl(state, base + "/inbox?after=5&limit=10");
        assertThat(inbox.status()).isEqualTo(200);
        assertThat(inbox.headers()).containsIgnoringCase("content-type: application/json");
        JsonNode entries = inbox.json().get("entries");
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).get("seq").asLong()).isEqualTo(7);
        assertThat(entries.get(0).get("createdAt").asText()).isEqualTo("2026-06-01T09:00:00Z");

        Http item = curl(state, base + "/inbox/7");
        assertThat(item.status()).isEqualTo(200);
        assertThat(item.text()).isEqualTo("ITEM-7-FOR-fr-api");

        Http ack = curl(state, "-X", "POST", base + "/inbox/7/ack");
        assertThat(ack.status()).isEqualTo(204);
        assertThat(gateway.acknowledged).contains(7L);

        Http missing = curl(state, base + "/inbox/8");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().get("type").asText()).isEqualTo("urn:treaty-exchange:problem:not-found");

        Http forbidden = curl(state, base + "/secretariat/messages", "-H", "Content-Type: application/pkcs7-mime", "--data-binary", "X");
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(forbidden.json().get("type").asText()).isEqualTo("urn:treaty-exchange:problem:forbidden");

        Http bySecretariat = curl(secretariat, base + "/secretariat/messages", "-H", "Content-Type: application/pkcs7-mime",
                "--data-binary", "CIRCULAR-1");
        assertThat(bySecretariat.status()).isEqualTo(200);
        assertThat(bySecretariat.text()).isEqualTo("SENT:CIRCULAR-1");
    }

    @Test
    void unregisteredCertificateGets403UnknownClient() throws Exception {
        Http r = curl(stranger, base + "/inbox");
        assertThat(r.status()).as(r.log()).isEqualTo(403);
        assertThat(r.headers()).containsIgnoringCase("content-type: application/problem+json");
        JsonNode p = r.json();
        assertThat(p.get("type").asText()).isEqualTo("urn:treaty-exchange:problem:unknown-client");
        assertThat(p.get("status").asInt()).isEqualTo(403);
        assertThat(p.get("instance").asText()).startsWith("urn:treaty-exchange:request:");
    }

    @Test
    void revocationAppliesToTheNextRequestOnTheSameConnection() throws Exception {
        TestPki.Identity temp = TestPki.client("Soon revoked");
        gateway.register(temp.certificate(), "temp", "ITA", false);
        String fp = PeerCertificate.of(temp.certificate()).fingerprint();
        try (SSLSocket socket = connect(temp)) {
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            String request = "GET /api/v1/inbox/7 HTTP/1.1\r\nHost: localhost\r\n\r\n";
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(readResponse(in)).startsWith("HTTP/1.1 200").endsWith("ITEM-7-FOR-temp");
            gateway.registered.remove(fp); // the registry is reloaded without this certificate
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(readResponse(in)).startsWith("HTTP/1.1 403").contains("urn:treaty-exchange:problem:unknown-client");
        }
    }

    @Test
    void aClientThatStopsSendingIsClosed() throws Exception {
        try (SSLSocket socket = connect(TestPki.client("slow"))) {
            socket.getOutputStream().write("GET /api/v1/inbox HTTP/1.1\r\nHost: local".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            socket.setSoTimeout(60_000);
            long t0 = System.nanoTime();
            assertThat(socket.getInputStream().read()).isEqualTo(-1); // closed by the server, no response
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(30));
        }
    }

    /** One raw TLS connection with a client certificate, trusting the test CA. */
    static SSLSocket connect(TestPki.Identity client) throws Exception {
        return connectTo(client, server.port());
    }

    static SSLSocket connectTo(TestPki.Identity client, int port) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("c", client.key(), new char[0], new java.security.cert.Certificate[] {client.certificate()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("ca", pki.ca.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        SSLSocket socket = (SSLSocket) ctx.getSocketFactory().createSocket("localhost", port);
        socket.setSoTimeout(20_000);
        socket.startHandshake();
        return socket;
    }

    /** Reads one response with a Content-Length body; returns head and body as text. */
    static String readResponse(InputStream in) throws Exception {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new AssertionError("connection closed after " + head);
            }
            head.append((char) c);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).strip());
            }
        }
        return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    @Test
    void noClientCertificateIsRefusedInTheHandshake() throws Exception {
        int before = gateway.identifyCalls.get();
        Http r = curl(null, base + "/inbox");
        assertThat(r.curlExit()).as(r.log()).isNotZero();
        assertThat(r.status()).isZero();
        assertThat(gateway.identifyCalls.get()).isEqualTo(before);
    }

    @Test
    void expiredClientCertificateIsRefusedInTheHandshake() throws Exception {
        int before = gateway.identifyCalls.get();
        Http r = curl(expired, base + "/inbox");
        assertThat(r.curlExit()).as(r.log()).isNotZero();
        assertThat(r.status()).isZero();
        assertThat(gateway.identifyCalls.get()).isEqualTo(before);
    }

    @Test
    void tls11IsRefusedWhileTls12AndTls13Work() throws Exception {
        Processes.Result tls11 = sClient(state, "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0");
        assertThat(tls11.exitCode()).as(tls11.output()).isNotZero();
        assertThat(tls11.output()).doesNotContain("Protocol version: TLSv1.1");
        Processes.Result tls12 = sClient(state, "-tls1_2");
        assertThat(tls12.output()).contains("Protocol version: TLSv1.2");
        Processes.Result tls13 = sClient(state, "-tls1_3");
        assertThat(tls13.output()).contains("Protocol version: TLSv1.3");

        Http viaCurl = curl(state, "--tlsv1.0", "--tls-max", "1.1", base + "/inbox");
        assertThat(viaCurl.curlExit()).isNotZero();
        assertThat(viaCurl.status()).isZero();
    }

    @Test
    void weakCiphersAreRefused() throws Exception {
        for (String weak : List.of("AES128-SHA", "ECDHE-ECDSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA384", "AES256-GCM-SHA384")) {
            Processes.Result r = sClient(state, "-tls1_2", "-cipher", weak);
            assertThat(r.exitCode()).as(weak + ": " + r.output()).isNotZero();
            assertThat(r.output()).doesNotContain("Ciphersuite: " + weak);
        }
        Processes.Result strong = sClient(state, "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256");
        assertThat(strong.output()).contains("Ciphersuite: ECDHE-ECDSA-AES128-GCM-SHA256");
    }

    @Test
    void closeStopsAcceptingAndClosesOpenConnections() throws Exception {
        ApiServer second = ApiServer.start(ApiSettings.defaults().withListener("127.0.0.1", 0), pki.server.key(),
                List.of(pki.server.certificate()), gateway);
        int port = second.port();
        try (SSLSocket open = connectTo(TestPki.client("open"), port)) {
            second.close();
            open.setSoTimeout(10_000);
            assertThat(open.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(Processes.run(dir, List.of("curl", "-sS", "-k", "https://127.0.0.1:" + port + "/api/v1/inbox")).exitCode())
                .isEqualTo(7); // connection refused
    }

    @Test
    void unknownPathAndWrongMethod() throws Exception {
        Http none = curl(state, base + "/nothing");
        assertThat(none.status()).isEqualTo(404);
        Http wrong = curl(state, "-X", "DELETE", base + "/inbox");
        assertThat(wrong.status()).isEqualTo(405);
        assertThat(wrong.headers()).containsIgnoringCase("allow: GET");
        assertThat(wrong.json().get("type").asText()).isEqualTo("urn:treaty-exchange:problem:method-not-allowed");
    }
}
