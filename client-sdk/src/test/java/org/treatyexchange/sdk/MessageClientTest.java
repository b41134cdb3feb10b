package org.treatyexchange.sdk;

import org.treatyexchange.sdk.wire.InboxEntry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.sdk.TestPki.Identity;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;
import org.treatyexchange.sdk.wire.DocumentInfo;
import org.treatyexchange.sdk.wire.Envelope;
import org.treatyexchange.sdk.wire.EnvelopeJson;
import org.treatyexchange.sdk.wire.InboxItem;
import org.treatyexchange.sdk.wire.InboxItemJson;
import org.treatyexchange.sdk.wire.MessageReceipt;
import org.treatyexchange.sdk.wire.MessageReceiptJson;
import org.treatyexchange.sdk.wire.MessageType;

/** The client against a real HTTPS server with mutual TLS (the JDK's), which records what it receives. */
class MessageClientTest {

    interface Handler {
        void handle(HttpExchange exchange, byte[] body) throws Exception;
    }

    record Recorded(String method, String uri, Map<String, List<String>> headers, byte[] body, X509Certificate clientCertificate) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    record Part(Map<String, String> headers, byte[] body) {
    }

    @TempDir
    static Path dir;
    static Identity exchangeCa;
    static Identity serverTls;
    static Identity nationalCa;
    static Identity client;
    static Identity receiptSigner;
    static HttpsServer server;
    static volatile Handler handler;
    static final List<Recorded> requests = new ArrayList<>();
    static MessageClient messageClient;

    @BeforeAll
    static void start() throws Exception {
        exchangeCa = TestPki.ca("exchange-ca");
        serverTls = TestPki.leaf(exchangeCa, "exchange", "localhost");
        nationalCa = TestPki.ca("arcadia-ca");
        client = TestPki.leaf(nationalCa, "arcadia-system", null);
        receiptSigner = TestPki.selfSigned("exchange-receipts");

        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        SSLContext serverContext = context(serverTls, nationalCa.certificate());
        server.setHttpsConfigurator(new HttpsConfigurator(serverContext) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = serverContext.getDefaultSSLParameters();
                p.setNeedClientAuth(true);
                params.setSSLParameters(p);
            }
        });
        server.createContext("/", exchange -> {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                X509Certificate peer = (X509Certificate) ((HttpsExchange) exchange).getSSLSession().getPeerCertificates()[0];
                synchronized (requests) {
                    requests.add(new Recorded(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                            Map.copyOf(exchange.getRequestHeaders()), body, peer));
                }
                handler.handle(exchange, body);
            } catch (Exception e) {
                exchange.sendResponseHeaders(599, -1);
            }
        });
        server.start();
        messageClient = clientTrusting(exchangeCa.certificate());
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    @BeforeEach
    void reset() {
        synchronized (requests) {
            requests.clear();
        }
        handler = MessageClientTest::acceptMessage;
    }

    static MessageClient clientTrusting(X509Certificate ca) throws Exception {
        return MessageClient.builder()
                .baseUri(URI.create("https://localhost:" + server.getAddress().getPort() + "/"))
                .clientKeys(client.clientKeys())
                .trustedServerCa(ca)
                .receiptCertificate(receiptSigner.certificate())
                .connectTimeout(Duration.ofSeconds(5))
                .requestTimeout(Duration.ofSeconds(30))
                .build();
    }

    static SSLContext context(Identity identity, X509Certificate trusted) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("k", identity.key(), "pw".toCharArray(), identity.chain().toArray(new Certificate[0]));
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("ca", trusted);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "pw".toCharArray());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(ts);
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return c;
    }

    // ---- the fake exchange ----

    /** Verifies the envelope part like the server would and answers with a receipt signed by the receipt key. */
    static void acceptMessage(HttpExchange exchange, byte[] body) throws Exception {
        Envelope envelope = receivedEnvelope(body, exchange.getRequestHeaders().getFirst("Content-Type"));
        byte[] json = ReceiptVerifier.verify(parts(body, exchange.getRequestHeaders().getFirst("Content-Type")).get(0).body(),
                client.certificate());
        respond(exchange, 200, "application/pkcs7-mime", sign(receiptFor(envelope, sha256(json))));
    }

    static MessageReceipt receiptFor(Envelope envelope, String envelopeSha256) throws Exception {
        List<MessageReceipt.FiledDocument> docs = new ArrayList<>();
        int i = 0;
        for (DocumentInfo d : envelope.documents()) {
            docs.add(new MessageReceipt.FiledDocument("F-" + i++, d.name(), d.size(), d.sha256()));
        }
        return new MessageReceipt(1, MessageReceipt.Kind.MESSAGE, envelope.messageId(), envelope.state(), "arcadia-system",
                ClientKeys.fingerprint(client.certificate()), envelopeSha256, Instant.parse("2026-11-23T03:16:11Z"),
                envelope.level(), envelope.reportType(), envelope.period(), docs, List.of());
    }

    static Envelope receivedEnvelope(byte[] body, String contentType) throws Exception {
        byte[] cms = parts(body, contentType).get(0).body();
        return EnvelopeJson.fromBytes(ReceiptVerifier.verify(cms, client.certificate()));
    }

    static byte[] sign(MessageReceipt receipt) throws Exception {
        return CmsSigner.sign(MessageReceiptJson.toBytes(receipt), receiptSigner.clientKeys());
    }

    static void respond(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        if (type != null) {
            exchange.getResponseHeaders().set("Content-Type", type);
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
    }

    static String sha256(byte[] b) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
    }

    /** A strict multipart/form-data parser for the test's assertions. */
    static List<Part> parts(byte[] body, String contentType) {
        assertThat(contentType).startsWith("multipart/form-data; boundary=");
        byte[] delimiter = ("\r\n--" + contentType.substring("multipart/form-data; boundary=".length())).getBytes(StandardCharsets.US_ASCII);
        List<Part> parts = new ArrayList<>();
        // The body starts with the delimiter minus its leading CRLF.
        assertThat(startsWith(body, 0, java.util.Arrays.copyOfRange(delimiter, 2, delimiter.length))).isTrue();
        int pos = delimiter.length - 2;
        while (true) {
            if (body[pos] == '-' && body[pos + 1] == '-') {
                assertThat(new String(body, pos, body.length - pos, StandardCharsets.US_ASCII)).isEqualTo("--\r\n");
                return parts;
            }
            assertThat(body[pos]).isEqualTo((byte) '\r');
            pos += 2;
            int headerEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), pos);
            Map<String, String> headers = new LinkedHashMap<>();
            for (String line : new String(body, pos, headerEnd - pos, StandardCharsets.UTF_8).split("\r\n")) {
                String[] kv = line.split(": ", 2);
                headers.put(kv[0], kv[1]);
            }
            int contentStart = headerEnd + 4;
            int next = indexOf(body, delimiter, contentStart);
            parts.add(new Part(headers, java.util.Arrays.copyOfRange(body, contentStart, next)));
            pos = next + delimiter.length;
        }
    }

    static boolean startsWith(byte[] b, int at, byte[] prefix) {
        return b.length - at >= prefix.length && java.util.Arrays.equals(b, at, at + prefix.length, prefix, 0, prefix.length);
    }

    static int indexOf(byte[] b, byte[] needle, int from) {
        for (int i = from; i <= b.length - needle.length; i++) {
            if (startsWith(b, i, needle)) {
                return i;
            }
        }
        throw new AssertionError("delimiter not found");
    }

    static Recorded onlyRequest() {
        synchronized (requests) {
            assertThat(requests).hasSize(1);
            return requests.get(0);
        }
    }

    // ---- tests ----

    @Test
    void sendsASignedEnvelopeAndStreamedDocumentsAndReturnsTheVerifiedReceipt() throws Exception {
        byte[] pdf = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(pdf);
        Path report = Files.write(dir.resolve("report.bin"), pdf);
        Path annex = Files.writeString(dir.resolve("annex.csv"), "a,b\r\n1,2\r\n");
        Envelope.Builder b = Envelope.builder().messageId("ARC-2026-7").type(MessageType.FILING).state("ARC")
                .level(ConfidentialityLevel.STATES_PARTIES).reportType("annual-report").period("2025")
                .title("Annual report").document("rapport \"final\" é.pdf", report, "application/pdf")
                .document("annex.csv", annex, "text/csv");
        Envelope envelope = b.build();

        MessageReceipt receipt = messageClient.send(envelope, b.files());

        assertThat(receipt.messageId()).isEqualTo("ARC-2026-7");
        assertThat(receipt.envelopeSha256()).isEqualTo(envelope.digest());
        assertThat(receipt.documents()).extracting(MessageReceipt.FiledDocument::filingId).containsExactly("F-0", "F-1");
        Recorded r = onlyRequest();
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.uri()).isEqualTo("/api/v1/messages");
        assertThat(r.clientCertificate()).isEqualTo(client.certificate());
        assertThat(r.header("Content-Length")).isEqualTo(Integer.toString(r.body().length));
        assertThat(r.header("Transfer-Encoding")).isNull();
        List<Part> parts = parts(r.body(), r.header("Content-Type"));
        assertThat(parts).hasSize(3);
        assertThat(parts.get(0).headers()).containsExactly(
                Map.entry("Content-Disposition", "form-data; name=\"envelope\"; filename=\"envelope.p7s\""),
                Map.entry("Content-Type", "application/pkcs7-mime"));
        assertThat(ReceiptVerifier.verify(parts.get(0).body(), client.certificate())).isEqualTo(EnvelopeJson.toBytes(envelope));
        assertThat(parts.get(1).headers()).containsExactly(
                Map.entry("Content-Disposition", "form-data; name=\"document\"; filename=\"rapport %22final%22 é.pdf\""),
                Map.entry("Content-Type", "application/pdf"));
        assertThat(parts.get(1).body()).isEqualTo(pdf);
        assertThat(parts.get(2).headers()).containsEntry("Content-Type", "text/csv");
        assertThat(parts.get(2).body()).isEqualTo(Files.readAllBytes(annex));
    }

    @Test
    void sendsAMessageWithoutDocuments() throws Exception {
        Envelope envelope = Envelope.builder().messageId("c-1").type(MessageType.CORRESPONDENCE).state("ARC").title("Hello").build();
        assertThat(messageClient.send(envelope, Map.of()).documents()).isEmpty();
        assertThat(parts(onlyRequest().body(), onlyRequest().header("Content-Type"))).hasSize(1);
    }

    @Test
    void refusalsBecomeExchangeExceptionsWithTheProblemSlug() throws Exception {
        handler = (exchange, body) -> respond(exchange, 409, "application/problem+json",
                ("{\"type\":\"urn:treaty-exchange:problem:duplicate-id\",\"title\":\"Duplicate\",\"status\":409,"
                        + "\"detail\":\"message id already used\\u0007 for other content\"}").getBytes(StandardCharsets.UTF_8));
        Envelope envelope = Envelope.builder().messageId("c-2").type(MessageType.CORRESPONDENCE).state("ARC").title("x").build();
        assertThatThrownBy(() -> messageClient.send(envelope, Map.of())).isInstanceOfSatisfying(ExchangeException.class, e -> {
            assertThat(e.status()).isEqualTo(409);
            assertThat(e.problemType()).isEqualTo("duplicate-id");
            assertThat(e.detail()).isEqualTo("message id already used for other content");
        });
        handler = (exchange, body) -> respond(exchange, 502, "text/html", "<html>bad gateway</html>".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> messageClient.send(envelope, Map.of())).isInstanceOfSatisfying(ExchangeException.class, e -> {
            assertThat(e.status()).isEqualTo(502);
            assertThat(e.problemType()).isEqualTo(ExchangeException.UNEXPECTED_RESPONSE);
        });
        handler = (exchange, body) -> respond(exchange, 200, "application/json", "{}".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> messageClient.send(envelope, Map.of())).isInstanceOf(ExchangeException.class)
                .hasMessage("HTTP 200 unexpected-response: the response is not application/pkcs7-mime");
    }

    @Test
    void receiptsFromAnotherKeyOrForAnotherEnvelopeAreNotBelieved() throws Exception {
        Envelope envelope = Envelope.builder().messageId("c-3").type(MessageType.CORRESPONDENCE).state("ARC").title("x").build();
        Identity impostor = TestPki.selfSigned("exchange-receipts");
        handler = (exchange, body) -> {
            Envelope e = receivedEnvelope(body, exchange.getRequestHeaders().getFirst("Content-Type"));
            byte[] receipt = MessageReceiptJson.toBytes(receiptFor(e, e.digest()));
            respond(exchange, 200, "application/pkcs7-mime", CmsSigner.sign(receipt, impostor.clientKeys()));
        };
        CryptoTest.assertReason(() -> messageClient.send(envelope, Map.of()), VerificationException.Reason.WRONG_SIGNER,
                "not signed by the trusted certificate");
        handler = (exchange, body) -> respond(exchange, 200, "application/pkcs7-mime", sign(receiptFor(
                receivedEnvelope(body, exchange.getRequestHeaders().getFirst("Content-Type")), "00".repeat(32))));
        CryptoTest.assertReason(() -> messageClient.send(envelope, Map.of()), VerificationException.Reason.CONTENT,
                "the receipt names another envelope");
        handler = (exchange, body) -> {
            Envelope e = receivedEnvelope(body, exchange.getRequestHeaders().getFirst("Content-Type"));
            MessageReceipt good = receiptFor(e, e.digest());
            respond(exchange, 200, "application/pkcs7-mime", sign(new MessageReceipt(1, good.kind(), "other-id", good.state(),
                    good.account(), good.signerFingerprint(), good.envelopeSha256(), good.receivedAt(), good.level(),
                    null, null, List.of(), List.of())));
        };
        CryptoTest.assertReason(() -> messageClient.send(envelope, Map.of()), VerificationException.Reason.CONTENT,
                "the receipt is not for this message");
    }

    @Test
    void aReceiptThatDropsADocumentIsNotBelieved() throws Exception {
        Path file = Files.writeString(dir.resolve("d1.txt"), "one");
        Envelope.Builder b = Envelope.builder().messageId("c-4").type(MessageType.CORRESPONDENCE).state("ARC").title("x")
                .document("d1.txt", file, "text/plain");
        handler = (exchange, body) -> {
            Envelope e = receivedEnvelope(body, exchange.getRequestHeaders().getFirst("Content-Type"));
            MessageReceipt good = receiptFor(e, e.digest());
            respond(exchange, 200, "application/pkcs7-mime", sign(new MessageReceipt(1, good.kind(), good.messageId(), good.state(),
                    good.account(), good.signerFingerprint(), good.envelopeSha256(), good.receivedAt(), good.level(),
                    null, null, List.of(), List.of())));
        };
        CryptoTest.assertReason(() -> messageClient.send(b.build(), b.files()), VerificationException.Reason.CONTENT,
                "the receipt does not list the documents sent");
    }

    @Test
    void filesAreCheckedAgainstTheEnvelopeBeforeConnecting() throws Exception {
        Path file = Files.writeString(dir.resolve("grow.txt"), "v1");
        Envelope.Builder b = Envelope.builder().messageId("c-5").type(MessageType.CORRESPONDENCE).state("ARC").title("x")
                .document("grow.txt", file, "text/plain");
        Envelope envelope = b.build();
        assertThatThrownBy(() -> messageClient.send(envelope, Map.of()))
                .hasMessage("the files must be exactly the documents the envelope announces, by name");
        assertThatThrownBy(() -> messageClient.send(envelope, Map.of("grow.txt", file, "extra", file)))
                .hasMessage("the files must be exactly the documents the envelope announces, by name");
        Files.writeString(file, "v2 longer");
        assertThatThrownBy(() -> messageClient.send(envelope, b.files()))
                .hasMessage("document 'grow.txt' changed size since the envelope was built");
        Envelope secretariat = Envelope.builder().messageId("s").type(MessageType.SECRETARIAT_MESSAGE).title("x").allStatesParties().build();
        assertThatThrownBy(() -> messageClient.send(secretariat, Map.of()))
                .hasMessage("a secretariat-message is sent with sendSecretariatMessage");
        synchronized (requests) {
            assertThat(requests).isEmpty();
        }
    }

    @Test
    void theStreamFailsWhenAFileChangesSizeWhileBeingSent() throws Exception {
        Path file = Files.writeString(dir.resolve("shrink.txt"), "twelve bytes");
        DocumentInfo doc = new DocumentInfo("shrink.txt", 12, "00".repeat(32), "text/plain");
        MultipartBody body = new MultipartBody(new byte[] {1, 2, 3}, List.of(doc), List.of(file));
        Files.writeString(file, "short");
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        body.publisher().subscribe(new java.util.concurrent.Flow.Subscriber<>() {
            @Override
            public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(java.nio.ByteBuffer item) {
            }

            @Override
            public void onError(Throwable t) {
                failure.set(t);
                done.countDown();
            }

            @Override
            public void onComplete() {
                done.countDown();
            }
        });
        assertThat(done.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(failure.get()).isNotNull();
        Throwable root = failure.get();
        while (root.getCause() != null && !(root instanceof IOException && root.getMessage() != null
                && root.getMessage().contains("changed size"))) {
            root = root.getCause();
        }
        assertThat(root).hasMessage("document 'shrink.txt' changed size since the envelope was built");
    }

    @Test
    void listsFetchesAndAcknowledgesTheInbox() throws Exception {
        InboxItem item = new InboxItem(1, InboxItem.Kind.DISTRIBUTION, "D-9", "ARC", Instant.parse("2026-11-23T03:16:11Z"),
                "Report of BOR", null, List.of(new DocumentInfo("bor.pdf", 10, "ab".repeat(32), "application/pdf")),
                "20261123T031611042Z-7KQ2M9XW4D", ConfidentialityLevel.STATES_PARTIES);
        handler = (exchange, body) -> {
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/api/v1/inbox")) {
                respond(exchange, 200, "application/json; charset=utf-8", ("{\"entries\":[{\"seq\":41,\"kind\":\"distribution\","
                        + "\"id\":\"D-9\",\"title\":\"Report of BOR\",\"createdAt\":\"2026-11-23T03:16:11Z\",\"acknowledged\":false}]}")
                        .getBytes(StandardCharsets.UTF_8));
            } else if (path.equals("/api/v1/inbox/41")) {
                respond(exchange, 200, "application/pkcs7-mime", CmsSigner.sign(InboxItemJson.toBytes(item), receiptSigner.clientKeys()));
            } else if (path.equals("/api/v1/inbox/41/ack") && exchange.getRequestMethod().equals("POST")) {
                respond(exchange, 204, null, new byte[0]);
            } else {
                respond(exchange, 404, "application/problem+json",
                        "{\"type\":\"urn:treaty-exchange:problem:not-found\",\"status\":404}".getBytes(StandardCharsets.UTF_8));
            }
        };
        assertThat(messageClient.inbox(40, 10)).containsExactly(
                new InboxEntry(41, "distribution", "D-9", "Report of BOR", Instant.parse("2026-11-23T03:16:11Z")));
        assertThat(onlyRequest().uri()).isEqualTo("/api/v1/inbox?after=40&limit=10");
        assertThat(messageClient.fetch(41)).isEqualTo(item);
        messageClient.acknowledge(41);
        assertThatThrownBy(() -> messageClient.fetch(42)).isInstanceOfSatisfying(ExchangeException.class,
                e -> assertThat(e.problemType()).isEqualTo("not-found"));
        assertThatThrownBy(() -> messageClient.inbox(0, 0)).hasMessage("limit must be 1 to 1000");
    }

    @Test
    void anInboxItemSignedByAnotherKeyIsRefused() throws Exception {
        InboxItem item = new InboxItem(1, InboxItem.Kind.SECRETARIAT_MESSAGE, "S-1", "ARC", Instant.parse("2026-11-23T03:16:11Z"),
                "Note", "Body", List.of(), null, null);
        handler = (exchange, body) -> respond(exchange, 200, "application/pkcs7-mime",
                CmsSigner.sign(InboxItemJson.toBytes(item), client.clientKeys()));
        CryptoTest.assertReason(() -> messageClient.fetch(1), VerificationException.Reason.WRONG_SIGNER,
                "not signed by the trusted certificate");
    }

    @Test
    void theSecretariatSendsASignedEnvelopeAsTheBody() throws Exception {
        Envelope envelope = Envelope.builder().messageId("SEC-1").type(MessageType.SECRETARIAT_MESSAGE).title("Circular")
                .recipients("ARC", "BOR").body("Text").build();
        handler = (exchange, body) -> {
            byte[] json = ReceiptVerifier.verify(body, client.certificate());
            Envelope e = EnvelopeJson.fromBytes(json);
            respond(exchange, 200, "application/pkcs7-mime", sign(new MessageReceipt(1, MessageReceipt.Kind.SECRETARIAT_MESSAGE,
                    e.messageId(), null, "secretariat", ClientKeys.fingerprint(client.certificate()), sha256(json),
                    Instant.parse("2026-11-23T03:16:11Z"), null, null, null, List.of(), e.recipients())));
        };
        MessageReceipt receipt = messageClient.sendSecretariatMessage(envelope);
        assertThat(receipt.recipients()).containsExactly("ARC", "BOR");
        assertThat(onlyRequest().uri()).isEqualTo("/api/v1/secretariat/messages");
        assertThat(onlyRequest().header("Content-Type")).isEqualTo("application/pkcs7-mime");
    }

    @Test
    void aServerNotIssuedByTheTrustedCaIsRefused() throws Exception {
        MessageClient wary = clientTrusting(TestPki.ca("exchange-ca").certificate());
        assertThatThrownBy(() -> wary.inbox(0, 1)).isInstanceOf(SSLHandshakeException.class);
        synchronized (requests) {
            assertThat(requests).isEmpty();
        }
    }

    @Test
    void theBuilderFailsFast() {
        assertThatThrownBy(() -> MessageClient.builder().baseUri(URI.create("http://localhost/")))
                .hasMessage("baseUri must be an absolute https URI with a host and no query or fragment");
        assertThatThrownBy(() -> MessageClient.builder().connectTimeout(Duration.ZERO)).hasMessage("connectTimeout must be positive");
        assertThatThrownBy(() -> MessageClient.builder().baseUri(URI.create("https://localhost/")).build())
                .hasMessage("clientKeys is required");
    }
}
