package org.treatyexchange.server.messages;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.treatyexchange.sdk.ClientKeys;
import org.treatyexchange.sdk.CmsSigner;
import org.treatyexchange.sdk.ExchangeClient;
import org.treatyexchange.sdk.RetryPolicy;
import org.treatyexchange.sdk.SentMessage;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;
import org.treatyexchange.sdk.wire.Envelope;
import org.treatyexchange.sdk.wire.EnvelopeJson;
import org.treatyexchange.sdk.wire.MessageType;
import org.treatyexchange.server.TestDatabase;
import org.treatyexchange.server.TestExchange;
import org.treatyexchange.server.demo.DemoAccounts;

/**
 * Issue 22, item 4: a server with every admission permit and waiting place taken turns a new request
 * away from its head alone — 503 {@code unavailable} with {@code Retry-After}, before the client has
 * sent a byte of its body — and keeps nothing of it (every table of the database, on Derby and on
 * PostgreSQL, and the blob store unchanged, even after the client sends a complete signed message as
 * the body); the SDK, turned away the same way, retries after the Retry-After and its message is
 * accepted once there is room.
 *
 * <p>The server runs with one executor thread, so two requests in flight and 32 waiting; the test
 * fills them with requests whose bodies it never sends.
 */
@ParameterizedClass
@EnumSource(TestDatabase.Kind.class)
class OverloadTest {

    static final String CLIENT = "arcadia-system";
    /** One client holds at most a quarter of the permits (at least one): the second of two is another State's. */
    static final String OTHER_CLIENT = "borealia-system";
    static final int IN_FLIGHT = 2;
    static final int WAITING = 32;
    static final Pattern RESPONSES_503 = Pattern.compile("(?m)^exchange_api_responses_total\\{status=\"503\",?\\} ([0-9.E]+)$");

    @Parameter
    TestDatabase.Kind databaseKind;

    static TestDatabase database;
    static TestExchange exchange;
    static SSLContext tls;
    static SSLContext otherTls;

    @TempDir
    static Path root;
    static Path tmp;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase.Kind kind) throws Exception {
        tmp = Files.createDirectories(root.resolve(kind.name().toLowerCase(Locale.ROOT)));
        database = TestDatabase.create(kind);
        // one executor thread: 2 requests in flight, 32 waiting; a wait for admission (the read timeout) far longer than the test
        exchange = TestExchange.start(tmp.resolve("home"), database, c -> {
            org.treatyexchange.server.config.ServerConfig d = c.withApiPort(0).withPortalPort(0);
            return d.withApi(d.api().withExecutorThreads(1).withSlowClientLimits(Duration.ofMinutes(10), d.api().minDataRate(), 100));
        });
        tls = tls(CLIENT);
        otherTls = tls(OTHER_CLIENT);
    }

    static SSLContext tls(String account) throws Exception {
        KeyStore client = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(demo(account + "-api.p12"))) {
            client.load(in, DemoAccounts.DEMO_PKCS12_PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(client, DemoAccounts.DEMO_PKCS12_PASSWORD.toCharArray());
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", certificate(exchange.server().caCertificate()));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }

    @AfterParameterizedClassInvocation
    static void stop() throws Exception {
        try {
            exchange.close();
        } finally {
            database.close();
        }
    }

    @Test
    void aRequestTurnedAwayAtItsHeadGets503WithRetryAfterAndLeavesNothingAndTheSdksRetryIsAccepted() throws Exception {
        byte[] document = "an annual report".getBytes(StandardCharsets.UTF_8);
        Path documentFile = Files.write(tmp.resolve("report.pdf"), document);
        List<SSLSocket> held = new ArrayList<>();
        try {
            // every permit and waiting place taken by a request whose body never comes
            for (int i = 0; i < IN_FLIGHT + WAITING; i++) {
                SSLSocket s = connect(i == 0 ? otherTls : tls);
                s.getOutputStream().write(head("/api/v1/messages", "multipart/form-data; boundary=b", 100_000));
                s.getOutputStream().flush();
                held.add(s);
            }
            await(() -> exchange.server().apiRequestsActive() == IN_FLIGHT && exchange.server().apiRequestsWaiting() == WAITING);
            Map<String, Long> rowsBefore = rowsOfEveryTable();
            long blobsBefore = storedBlobs();
            double busyBefore = responses503();

            byte[] body = multipart(signedEnvelope("overload-turned-away", document), document);
            try (SSLSocket s = connect(tls)) {
                OutputStream out = s.getOutputStream();
                out.write(head("/api/v1/messages", "multipart/form-data; boundary=b", body.length));
                out.flush();
                // answered from the head alone: not a byte of the body has been sent yet
                Response r = read(s.getInputStream());
                assertThat(r.status).isEqualTo(503);
                assertThat(r.headers.get("retry-after")).matches("[1-9][0-9]*");
                assertThat(r.headers.get("content-type")).startsWith("application/problem+json");
                assertThat(r.body).contains("urn:treaty-exchange:problem:unavailable").contains("nothing of this request was read or kept");
                assertThat(r.headers.get("connection")).isNotEqualTo("close");
                // a complete, valid signed message sent now is dropped unread, never taken for a request
                out.write(body);
                out.write(head("/api/v1/inbox", null, 0));
                out.flush();
                assertThat(read(s.getInputStream()).status).isEqualTo(503); // still full: the next request is turned away too
            }
            assertThat(responses503()).isEqualTo(busyBefore + 2);
            assertThat(rowsOfEveryTable()).isEqualTo(rowsBefore);
            assertThat(storedBlobs()).isEqualTo(blobsBefore);

            // the SDK is turned away the same way, waits its Retry-After, and gets in once there is room
            ExchangeClient sdk = ExchangeClient.builder().account(CLIENT)
                    .api(URI.create("https://127.0.0.1:" + exchange.server().apiPort() + "/"),
                            ClientKeys.fromPem(demo(CLIENT + "-api.key.pem"), demo(CLIENT + "-api.cert.pem")),
                            certificate(exchange.server().caCertificate()))
                    .receiptCertificate(certificate(exchange.server().receiptCertificate()))
                    .retryPolicy(new RetryPolicy(100, Duration.ofSeconds(1), Duration.ofSeconds(2)))
                    .build();
            Envelope envelope = envelope("overload-sdk", document);
            CompletableFuture<SentMessage> sent = CompletableFuture.supplyAsync(() -> {
                try {
                    return sdk.send(envelope, Map.of("report.pdf", documentFile));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            await(() -> responses503() >= busyBefore + 3);
            assertThat(sent).isNotDone();
            for (SSLSocket s : held) {
                s.close();
            }
            held.clear();
            SentMessage receipt = sent.get(120, TimeUnit.SECONDS);
            assertThat(receipt.receipt().messageId()).isEqualTo("overload-sdk");
            assertThat(receipt.receipt().documents()).hasSize(1);
            assertThat(rowsOfEveryTable().get("MESSAGE")).isEqualTo(rowsBefore.get("MESSAGE") + 1);
        } finally {
            for (SSLSocket s : held) {
                s.close();
            }
        }
    }

    // ---- the wire ------------------------------------------------------------------------------------

    record Response(int status, Map<String, String> headers, String body) {
    }

    static SSLSocket connect(SSLContext context) throws IOException {
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", exchange.server().apiPort());
        s.setSoTimeout(60_000);
        s.startHandshake();
        return s;
    }

    static byte[] head(String path, String contentType, long contentLength) {
        String method = contentType == null ? "GET" : "POST";
        return (method + " " + path + " HTTP/1.1\r\nHost: localhost\r\n"
                + (contentType == null ? "" : "Content-Type: " + contentType + "\r\nContent-Length: " + contentLength + "\r\n")
                + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** One response: status line, headers (names in lower case), a body of Content-Length bytes. */
    static Response read(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed in a response head: " + head);
            }
            head.write(b);
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int c = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT), lines[i].substring(c + 1).trim());
        }
        byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
        return new Response(Integer.parseInt(lines[0].split(" ")[1]), headers, new String(body, StandardCharsets.UTF_8));
    }

    static Envelope envelope(String messageId, byte[] document) throws Exception {
        return Envelope.builder().messageId(messageId).type(MessageType.FILING).state("ARC").level(ConfidentialityLevel.STATES_PARTIES)
                .reportType("annual-report").period("2025").title("Overload")
                .document("report.pdf", document.length, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(document)),
                        "application/pdf")
                .build();
    }

    static byte[] signedEnvelope(String messageId, byte[] document) throws Exception {
        return CmsSigner.sign(EnvelopeJson.toBytes(envelope(messageId, document)),
                ClientKeys.fromPem(demo(CLIENT + "-api.key.pem"), demo(CLIENT + "-api.cert.pem")));
    }

    static byte[] multipart(byte[] signedEnvelope, byte[] document) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(("--b\r\nContent-Disposition: form-data; name=\"envelope\"; filename=\"envelope.p7s\"\r\n"
                + "Content-Type: application/pkcs7-mime\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        b.writeBytes(signedEnvelope);
        b.writeBytes(("\r\n--b\r\nContent-Disposition: form-data; name=\"document\"; filename=\"report.pdf\"\r\n"
                + "Content-Type: application/pdf\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        b.writeBytes(document);
        b.writeBytes("\r\n--b--\r\n".getBytes(StandardCharsets.US_ASCII));
        return b.toByteArray();
    }

    // ---- what the server kept --------------------------------------------------------------------------

    /** Rows of every table of the server's database (upper-case names), through a second connection. */
    static Map<String, Long> rowsOfEveryTable() throws Exception {
        Map<String, Long> rows = new TreeMap<>();
        try (Connection c = database.connect(exchange.home().resolve("db").resolve("exchange"))) {
            DatabaseMetaData meta = c.getMetaData();
            List<String[]> tables = new ArrayList<>();
            try (ResultSet t = meta.getTables(null, null, "%", new String[] {"TABLE"})) {
                while (t.next()) {
                    String schema = t.getString("TABLE_SCHEM");
                    if (schema != null && (schema.startsWith("SYS") || schema.equals("pg_catalog") || schema.equals("information_schema"))) {
                        continue;
                    }
                    tables.add(new String[] {schema, t.getString("TABLE_NAME")});
                }
            }
            try (Statement st = c.createStatement()) {
                for (String[] t : tables) {
                    try (ResultSet r = st.executeQuery("SELECT COUNT(*) FROM " + (t[0] == null ? "" : "\"" + t[0] + "\".") + "\"" + t[1] + "\"")) {
                        r.next();
                        rows.put(t[1].toUpperCase(Locale.ROOT), r.getLong(1));
                    }
                }
            }
        }
        assertThat(rows).containsKeys("MESSAGE", "FILING", "AUDIT_EVENT");
        return rows;
    }

    /** Every file of the blob store, temporary ones included. */
    static long storedBlobs() throws IOException {
        try (var all = Files.walk(exchange.home().resolve("blobs"))) {
            return all.filter(Files::isRegularFile).count();
        }
    }

    static double responses503() {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + exchange.server().monitoringPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            Matcher m = RESPONSES_503.matcher(r.body());
            return m.find() ? Double.parseDouble(m.group(1)) : 0;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    static Path demo(String file) {
        return exchange.home().resolve("demo").resolve(file);
    }

    static X509Certificate certificate(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    /** Waits for a state the server reaches by itself (no assertion on how long it takes; gives up after a minute). */
    static void await(BooleanSupplier condition) throws InterruptedException {
        long giveUp = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > giveUp) {
                throw new AssertionError("the server did not reach the expected state");
            }
            Thread.sleep(20);
        }
    }
}
