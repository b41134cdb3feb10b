package org.treatyexchange.server.messages;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.sdk.wire.InboxItem;
import org.treatyexchange.sdk.wire.InboxItemJson;
import org.treatyexchange.sdk.wire.MessageReceipt;
import org.treatyexchange.sdk.wire.MessageReceiptJson;
import org.treatyexchange.server.Processes;
import org.treatyexchange.server.TestDatabase;
import org.treatyexchange.server.TestExchange;

/**
 * The signed-message channel as a national system without our SDK uses it: envelopes signed with
 * {@code openssl cms -sign}, sent with {@code curl} over mutual TLS, receipts checked with
 * {@code openssl cms -verify}.
 */
@ParameterizedClass
@EnumSource(TestDatabase.Kind.class)
class SignedMessageTest {

    /** The database this run of the class stores its metadata in (a fresh one on PostgreSQL). */
    @Parameter
    TestDatabase.Kind databaseKind;

    static TestDatabase database;

    @TempDir
    static Path root;
    /** This run's own folder under {@link #root} (one per database). */
    static Path tmp;

    static Path registry;
    static TestExchange exchange;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase.Kind kind) throws Exception {
        tmp = java.nio.file.Files.createDirectories(root.resolve(kind.name().toLowerCase(java.util.Locale.ROOT)));
        database = TestDatabase.create(kind);
        registry = tmp.resolve("registry.yaml");
        Files.copy(TestExchange.REPO.resolve("config/registry.yaml"), registry, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        exchange = TestExchange.start(tmp.resolve("home"), database, c -> TestExchange.withRegistry(c, registry).withApiPort(0).withPortalPort(0));
    }

    @AfterParameterizedClassInvocation
    static void stop() throws Exception {
        try {
            exchange.close();
        } finally {
            database.close();
        }
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    static Path demo(String file) {
        return exchange.home().resolve("demo").resolve(file);
    }

    static int counter;

    /** Writes an envelope for one document and signs it with openssl as {@code signer}; returns the .p7s. */
    static Path envelope(String signer, String json) throws Exception {
        int n = ++counter;
        Path env = tmp.resolve("envelope-" + n + ".json");
        Files.writeString(env, json);
        Path signed = tmp.resolve("envelope-" + n + ".p7s");
        Processes.Result r = Processes.run(tmp, List.of("openssl", "cms", "-sign", "-binary", "-nodetach", "-outform", "DER", "-md", "sha256",
                "-in", env.toString(), "-signer", demo(signer + "-api.cert.pem").toString(), "-inkey", demo(signer + "-api.key.pem").toString(),
                "-out", signed.toString()));
        assertThat(r.exitCode()).as(r.output()).isZero();
        return signed;
    }

    static String filingEnvelope(String messageId, String state, Instant createdAt, String docName, byte[] doc) throws Exception {
        return "{\"version\":1,\"messageId\":\"" + messageId + "\",\"type\":\"filing\",\"state\":\"" + state + "\",\"createdAt\":\""
                + createdAt + "\",\"level\":\"states-parties\",\"reportType\":\"annual-report\",\"period\":\"2025\","
                + "\"title\":\"Annual report 2025\",\"withheld\":false,\"documents\":[{\"name\":\"" + docName + "\",\"size\":" + doc.length
                + ",\"sha256\":\"" + sha256(doc) + "\",\"mediaType\":\"application/pdf\"}]}";
    }

    /** curl with the client's API certificate; returns "<http status>\n<body file>". */
    static Processes.Result curl(String client, List<String> args, Path out) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--cacert", exchange.server().caCertificate().toString(), "--cert",
                demo(client + "-api.cert.pem").toString(), "--key", demo(client + "-api.key.pem").toString(), "-o", out.toString(),
                "-w", "%{http_code}"));
        cmd.addAll(args);
        return Processes.run(tmp, cmd);
    }

    static String url(String path) {
        return "https://127.0.0.1:" + exchange.server().apiPort() + path;
    }

    static Processes.Result send(String client, Path signedEnvelope, Path document, Path out) throws Exception {
        List<String> args = new ArrayList<>(List.of("-F", "envelope=@" + signedEnvelope + ";type=application/pkcs7-mime"));
        if (document != null) {
            args.addAll(List.of("-F", "document=@" + document + ";type=application/pdf"));
        }
        args.add(url("/api/v1/messages"));
        return curl(client, args, out);
    }

    /** Rows of the message table, read through a second connection to the server's database (Derby or PostgreSQL). */
    static long messageRows() throws Exception {
        try (java.sql.Connection c = database.connect(exchange.home().resolve("db").resolve("exchange"));
                java.sql.ResultSet r = c.createStatement().executeQuery("SELECT COUNT(*) FROM message")) {
            r.next();
            return r.getLong(1);
        }
    }

    /** Committed blobs (documents, envelopes, queue items) in the blob store. */
    static long storedBlobs() throws Exception {
        Path blobs = exchange.home().resolve("blobs");
        try (var all = Files.walk(blobs)) {
            return all.filter(Files::isRegularFile).filter(p -> !p.startsWith(blobs.resolve("tmp"))).count();
        }
    }

    static int filings(String state) {
        return (int) exchange.admin("filings", "--state", state).lines().skip(1).filter(l -> !l.isBlank()).count();
    }

    @Test
    void aSignedReportIsFiledAndItsReceiptVerifiesAndAResendReturnsTheSameReceipt() throws Exception {
        byte[] report = new byte[700_000];
        new SecureRandom().nextBytes(report);
        Path doc = tmp.resolve("annual-2025.pdf");
        Files.write(doc, report);
        String json = filingEnvelope("arc-2025-annual-1", "ARC", Instant.now(), "annual-2025.pdf", report);
        Path signed = envelope("arcadia-system", json);
        int before = filings("ARC");

        Path receipt = tmp.resolve("receipt-1.p7s");
        Processes.Result r = send("arcadia-system", signed, doc, receipt);
        assertThat(r.output()).as(r.output()).isEqualTo("200");
        Path content = tmp.resolve("receipt-1.json");
        Processes.Result verify = Processes.opensslVerify(receipt, exchange.server().receiptCertificate(), content);
        assertThat(verify.exitCode()).as(verify.output()).isZero();
        MessageReceipt mr = MessageReceiptJson.fromBytes(Files.readAllBytes(content));
        assertThat(mr.messageId()).isEqualTo("arc-2025-annual-1");
        assertThat(mr.envelopeSha256()).isEqualTo(sha256(json.getBytes(StandardCharsets.UTF_8)));
        assertThat(mr.state()).isEqualTo("ARC");
        assertThat(mr.account()).isEqualTo("arcadia-system");
        assertThat(mr.documents()).hasSize(1);
        assertThat(mr.documents().get(0).sha256()).isEqualTo(sha256(report));
        assertThat(filings("ARC")).isEqualTo(before + 1);

        // the filed document is byte for byte what was sent
        Path exported = tmp.resolve("exported.pdf");
        assertThat(exchange.admin("export", mr.documents().get(0).filingId(), "-o", exported.toString())).startsWith("0\n");
        assertThat(Files.readAllBytes(exported)).isEqualTo(report);

        // a resend (even re-signed) returns the original receipt and files nothing
        Path again = tmp.resolve("receipt-2.p7s");
        assertThat(send("arcadia-system", envelope("arcadia-system", json), doc, again).output()).isEqualTo("200");
        assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(receipt));
        assertThat(filings("ARC")).isEqualTo(before + 1);

        // the same id with other content is refused and stores nothing
        String other = filingEnvelope("arc-2025-annual-1", "ARC", Instant.now(), "other.pdf", report);
        Path problem = tmp.resolve("problem.json");
        assertThat(send("arcadia-system", envelope("arcadia-system", other), doc, problem).output()).isEqualTo("409");
        assertThat(Files.readString(problem)).contains("urn:treaty-exchange:problem:duplicate-id").doesNotContain("Exception");
        assertThat(filings("ARC")).isEqualTo(before + 1);
    }

    @Test
    void anEnvelopeNamingADocumentWithAFormatCharacterIsRefusedAndKeepsNothing() throws Exception {
        byte[] report = "a report whose name would display reversed".getBytes(StandardCharsets.UTF_8);
        Path doc = tmp.resolve("plain-name.pdf");
        Files.write(doc, report);
        for (String name : List.of("x\u202e.pdf", "x\u200b.pdf", "annual-report-2025\u202efdp.exe")) {
            String messageId = "syl-hostile-name-" + name.length() + "-" + name.codePointAt(1);
            int filingsBefore = filings("SYL");
            long blobsBefore = storedBlobs();
            Path out = tmp.resolve("problem-name.json");
            // the escaped JSON of the name: the envelope says exactly these code points
            String json = filingEnvelope(messageId, "SYL", Instant.now(), new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(name)
                    .replaceAll("^\"|\"$", ""), report);
            Processes.Result r = send("sylvania-system", envelope("sylvania-system", json), doc, out);
            assertProblem(r, out, "400", "invalid-name");
            assertThat(Files.readString(out)).contains("formatting character");
            assertThat(filings("SYL")).as("filings").isEqualTo(filingsBefore);
            assertThat(storedBlobs()).as("stored documents and envelopes").isEqualTo(blobsBefore);
            // no message row either: the same id is still free for a message with a plain name
            Path receipt = tmp.resolve("receipt-plain-" + messageId + ".p7s");
            String plain = filingEnvelope(messageId, "SYL", Instant.now(), "plain-name.pdf", report);
            assertThat(send("sylvania-system", envelope("sylvania-system", plain), doc, receipt).output()).isEqualTo("200");
            assertThat(filings("SYL")).isEqualTo(filingsBefore + 1);
        }
    }

    @Test
    void everyBrokenRuleIsRefusedWithItsOwnProblemTypeAndStoresNothing() throws Exception {
        byte[] report = "report".getBytes(StandardCharsets.UTF_8);
        Path doc = tmp.resolve("r.pdf");
        Files.write(doc, report);
        int before = filings("BOR");
        long messagesBefore = messageRows();
        long blobsBefore = storedBlobs();
        Path out = tmp.resolve("problem-x.json");

        // a flipped byte in the signed envelope
        byte[] flipped = Files.readAllBytes(envelope("borealia-system", filingEnvelope("bor-1", "BOR", Instant.now(), "r.pdf", report)));
        flipped[flipped.length - 10] ^= 1;
        Path bad = tmp.resolve("flipped.p7s");
        Files.write(bad, flipped);
        assertProblem(send("borealia-system", bad, doc, out), out, "400", "bad-signature");

        // signed by another State's certificate
        assertProblem(send("borealia-system", envelope("arcadia-system", filingEnvelope("bor-2", "BOR", Instant.now(), "r.pdf", report)),
                doc, out), out, "403", "signer-not-of-state");
        // an envelope naming another State
        assertProblem(send("borealia-system", envelope("borealia-system", filingEnvelope("bor-3", "ARC", Instant.now(), "r.pdf", report)),
                doc, out), out, "403", "signer-not-of-state");
        // created an hour ago
        assertProblem(send("borealia-system", envelope("borealia-system",
                filingEnvelope("bor-4", "BOR", Instant.now().minus(1, ChronoUnit.HOURS), "r.pdf", report)), doc, out), out, "400", "clock-skew");
        // the document is not the one announced
        Path wrong = tmp.resolve("wrong.pdf");
        Files.writeString(wrong, "tampered");
        assertProblem(send("borealia-system", envelope("borealia-system", filingEnvelope("bor-5", "BOR", Instant.now(), "r.pdf", report)),
                wrong, out), out, "400", "digest-mismatch");
        // the document is missing
        assertProblem(send("borealia-system", envelope("borealia-system", filingEnvelope("bor-6", "BOR", Instant.now(), "r.pdf", report)),
                null, out), out, "400", "digest-mismatch");
        // malformed JSON inside a valid signature
        assertProblem(send("borealia-system", envelope("borealia-system", "{\"version\":1,\"nonsense\":true}"), null, out), out, "400",
                "malformed");
        // a certificate nobody registered
        Path key = tmp.resolve("rogue.key");
        Path cert = tmp.resolve("rogue.pem");
        assertThat(Processes.run(tmp, List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=rogue")).exitCode()).isZero();
        Path env = tmp.resolve("rogue.json");
        Files.writeString(env, filingEnvelope("bor-7", "BOR", Instant.now(), "r.pdf", report));
        Path rogue = tmp.resolve("rogue.p7s");
        assertThat(Processes.run(tmp, List.of("openssl", "cms", "-sign", "-binary", "-nodetach", "-outform", "DER", "-in", env.toString(),
                "-signer", cert.toString(), "-inkey", key.toString(), "-out", rogue.toString())).exitCode()).isZero();
        assertProblem(send("borealia-system", rogue, doc, out), out, "403", "unknown-signer");
        // and as a TLS client, the rogue certificate gets nowhere
        Processes.Result tls = Processes.run(tmp, List.of("curl", "-sS", "--cacert", exchange.server().caCertificate().toString(), "--cert",
                cert.toString(), "--key", key.toString(), "-o", out.toString(), "-w", "%{http_code}", url("/api/v1/inbox")));
        assertThat(tls.output()).isEqualTo("403");
        assertThat(Files.readString(out)).contains("unknown-client");

        assertThat(filings("BOR")).isEqualTo(before);
        // nor a message row, nor a stored document or envelope (streamed documents are discarded off the event loop)
        assertThat(messageRows()).as("message rows").isEqualTo(messagesBefore);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).untilAsserted(() -> {
            try (var temps = Files.list(exchange.home().resolve("blobs").resolve("tmp"))) {
                assertThat(temps.count()).as("unfinished blobs").isZero();
            }
        });
        assertThat(storedBlobs()).as("stored blobs").isEqualTo(blobsBefore);
        assertThat(exchange.admin("export-audit", "-o", tmp.resolve("audit-refusals.jsonl").toString())).startsWith("0\n");
        assertThat(Files.readString(tmp.resolve("audit-refusals.jsonl"))).contains("message.refused").contains("clock-skew");
    }

    static void assertProblem(Processes.Result r, Path body, String status, String type) throws Exception {
        assertThat(r.output()).as(Files.exists(body) ? Files.readString(body) : r.output()).isEqualTo(status);
        String problem = Files.readString(body);
        assertThat(problem).contains("\"type\":\"urn:treaty-exchange:problem:" + type + "\"").doesNotContain("at org.");
    }

    @Test
    void aBroadcastReachesEveryStatePartysQueueAndDistributedFolderButNotTheSignatory() throws Exception {
        Path body = tmp.resolve("body.txt");
        Files.writeString(body, "The tenth Conference of States Parties opens on 1 September.");
        assertThat(exchange.admin("send", "--to", "all-states-parties", "--title", "CSP10 convened", "--body-file", body.toString()))
                .startsWith("0\n");
        for (String party : List.of("arcadia-system", "borealia-system", "sylvania-system")) {
            Path list = tmp.resolve("inbox-" + party + ".json");
            assertThat(curl(party, List.of(url("/api/v1/inbox")), list).output()).isEqualTo("200");
            String listing = Files.readString(list);
            assertThat(listing).contains("CSP10 convened");
            long seq = Long.parseLong(listing.replaceAll("(?s).*\"seq\"\\s*:\\s*(\\d+).*CSP10.*", "$1"));
            Path item = tmp.resolve("item-" + party + ".p7s");
            assertThat(curl(party, List.of(url("/api/v1/inbox/" + seq)), item).output()).isEqualTo("200");
            Path itemJson = tmp.resolve("item-" + party + ".json");
            assertThat(Processes.opensslVerify(item, exchange.server().receiptCertificate(), itemJson).exitCode()).isZero();
            InboxItem parsed = InboxItemJson.fromBytes(Files.readAllBytes(itemJson));
            assertThat(parsed.title()).isEqualTo("CSP10 convened");
            assertThat(parsed.body()).contains("tenth Conference");
            // acknowledged entries leave the queue
            assertThat(curl(party, List.of("-X", "POST", url("/api/v1/inbox/" + seq + "/ack")), tmp.resolve("ack.txt")).output())
                    .isEqualTo("204");
            assertThat(curl(party, List.of(url("/api/v1/inbox")), list).output()).isEqualTo("200");
            assertThat(Files.readString(list)).doesNotContain("CSP10 convened");
        }
        Path calvera = tmp.resolve("inbox-calvera.json");
        assertThat(curl("calvera-system", List.of(url("/api/v1/inbox")), calvera).output()).isEqualTo("200");
        assertThat(Files.readString(calvera)).doesNotContain("CSP10 convened");
        // and it is in each State Party's SFTP /distributed/
        try (var s = exchange.login("arcadia-officer"); var sftp = exchange.sftp(s)) {
            List<String> names = new ArrayList<>();
            sftp.readDir("/distributed").forEach(e -> names.add(e.getFilename()));
            assertThat(names).anyMatch(n -> n.endsWith("-secretariat-message.p7s"));
        }
    }
}
