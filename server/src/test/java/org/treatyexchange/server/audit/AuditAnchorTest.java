package org.treatyexchange.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.sdk.ClientKeys;
import org.treatyexchange.sdk.MessageClient;
import org.treatyexchange.sdk.SentMessage;
import org.treatyexchange.sdk.wire.AuditAnchor;
import org.treatyexchange.sdk.wire.Envelope;
import org.treatyexchange.sdk.wire.MessageType;
import org.treatyexchange.sdk.wire.Receipt;
import org.treatyexchange.sdk.wire.ReceiptJson;
import org.treatyexchange.server.Processes;
import org.treatyexchange.server.TestExchange;
import org.treatyexchange.server.crypto.ReceiptSigner;
import org.treatyexchange.server.store.AuditRow;

/**
 * Receipts name the audit event that recorded them, exports are signed, and {@code verify-audit --file}
 * with {@code --anchors} tells an intact export from a cut or rewritten one, offline, with the receipt
 * certificate only.
 */
class AuditAnchorTest {

    @TempDir
    static Path tmp;

    static TestExchange exchange;
    static X509Certificate receiptCertificate;

    @BeforeAll
    static void start() throws Exception {
        exchange = TestExchange.start(tmp.resolve("home"), c -> c.withApiPort(0).withPortalPort(0));
        try (InputStream in = Files.newInputStream(exchange.server().receiptCertificate())) {
            receiptCertificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        exchange.close();
    }

    static MessageClient client(String account) throws Exception {
        Path demo = exchange.home().resolve("demo");
        X509Certificate ca;
        try (InputStream in = Files.newInputStream(exchange.server().caCertificate())) {
            ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        return MessageClient.builder()
                .baseUri(URI.create("https://127.0.0.1:" + exchange.server().apiPort() + "/"))
                .clientKeys(ClientKeys.fromPem(demo.resolve(account + "-api.key.pem"), demo.resolve(account + "-api.cert.pem")))
                .trustedServerCa(ca)
                .receiptCertificate(receiptCertificate)
                .connectTimeout(Duration.ofSeconds(10))
                .requestTimeout(Duration.ofSeconds(60))
                .build();
    }

    static AuditAnchor anchor(Path receipt) throws Exception {
        byte[] cms = Files.readAllBytes(receipt);
        ReceiptSigner.verify(cms, receiptCertificate);
        return ReceiptSigner.anchorOf(cms).orElseThrow();
    }

    @Test
    void sftpAndHttpsReceiptsNameTheEventThatRecordedThemAndOlderReadersStillReadThem() throws Exception {
        Path receipts = tmp.resolve("anchored-receipts");
        Path filed = AuditEvidence.fileAndKeepReceipt(exchange, "arcadia-officer", "/submit/correspondence/secretariat/anchored.txt",
                "anchored".getBytes(StandardCharsets.UTF_8), receipts);
        // stock openssl still verifies it, and the receipt's JSON is the version-1 format every SDK reads
        Path content = tmp.resolve("anchored.json");
        Processes.Result verified = Processes.opensslVerify(filed, exchange.server().receiptCertificate(), content);
        assertThat(verified.exitCode()).as(verified.output()).isZero();
        Receipt receipt = ReceiptJson.fromBytes(Files.readAllBytes(content));

        Path document = tmp.resolve("anchored-message.txt");
        Files.writeString(document, "a message with a document");
        SentMessage sent = client("sylvania-system").deliver(Envelope.builder().messageId("anchored-1").type(MessageType.FILING)
                .state("SYL").reportType("correspondence").title("Anchored").document("anchored-message.txt", document, "text/plain")
                .build(), Map.of("anchored-message.txt", document));
        Path messageReceipt = receipts.resolve("anchored-1.p7s");
        Files.write(messageReceipt, sent.signedReceipt());

        List<AuditRow> rows = AuditEvidence.rows(AuditEvidence.export(exchange, tmp.resolve("anchored.jsonl")));
        AuditAnchor filing = anchor(filed);
        AuditRow filingEvent = AuditEvidence.row(rows, filing.seq());
        assertThat(filingEvent.type()).isEqualTo("filing.accepted");
        assertThat(filingEvent.subject()).isEqualTo(receipt.filingId());
        assertThat(filingEvent.hash()).isEqualTo(filing.hash());

        AuditAnchor message = anchor(messageReceipt);
        AuditRow messageEvent = AuditEvidence.row(rows, message.seq());
        assertThat(messageEvent.type()).isEqualTo("message.accepted");
        assertThat(messageEvent.subject()).isEqualTo("anchored-1");
        assertThat(messageEvent.hash()).isEqualTo(message.hash());
        assertThat(message.seq()).isGreaterThan(filing.seq());
    }

    @Test
    void aSignedExportVerifiesAgainstReceiptsAndACutOrRewrittenCopyIsNamed() throws Exception {
        Path receipts = tmp.resolve("receipts");
        for (int i = 0; i < 4; i++) {
            AuditEvidence.fileAndKeepReceipt(exchange, "borealia-officer", "/submit/correspondence/secretariat/note-" + i + ".txt",
                    ("note " + i).getBytes(StandardCharsets.UTF_8), receipts);
        }
        Path export = AuditEvidence.export(exchange, tmp.resolve("audit.jsonl"));
        assertThat(tmp.resolve("audit.jsonl.p7s")).exists();
        assertThat(exchange.admin("verify-audit", "--file", export.toString(), "--anchors", receipts.toString()))
                .startsWith("0\n").contains("audit export VERIFIED").contains("5 anchors agree"); // 4 receipts + the signature
        List<AuditRow> rows = AuditEvidence.rows(export);
        long second = anchor(sorted(receipts).get(1)).seq();

        // 1. cut: the auditor is handed the export without its last events (and with the original signature)
        Path cut = tmp.resolve("cut.jsonl");
        AuditEvidence.write(cut, rows.subList(0, (int) second - 1));
        Files.copy(tmp.resolve("audit.jsonl.p7s"), tmp.resolve("cut.jsonl.p7s"));
        assertThat(exchange.admin("verify-audit", "--file", cut.toString())).startsWith("1\n")
                .contains("audit export CUT at event " + second).contains("the export's signature");
        assertThat(exchange.admin("verify-audit", "--file", cut.toString(), "--anchors", receipts.toString())).startsWith("1\n")
                .contains("audit export CUT at event " + second).contains("the receipt of filing");

        // 2. rewrite: an early filing event re-attributed, the chain recomputed after it so that it verifies by itself
        long first = anchor(sorted(receipts).get(0)).seq();
        Path rewritten = tmp.resolve("rewritten.jsonl");
        AuditEvidence.write(rewritten, AuditEvidence.rewrite(rows, first, "F-forged"));
        Files.copy(tmp.resolve("audit.jsonl.p7s"), tmp.resolve("rewritten.jsonl.p7s"));
        assertThat(AuditVerifier.verifyRows(AuditEvidence.rows(rewritten).iterator()).intact()).isTrue(); // what it used to say
        assertThat(exchange.admin("verify-audit", "--file", rewritten.toString())).startsWith("1\n")
                .contains("audit export REWRITTEN").contains("the export's signature");
        assertThat(exchange.admin("verify-audit", "--file", rewritten.toString(), "--anchors", receipts.toString())).startsWith("1\n")
                .contains("audit export REWRITTEN at event " + first + ":").contains("the receipt of filing");

        // an export without its signature proves nothing
        Path unsigned = tmp.resolve("unsigned.jsonl");
        Files.copy(export, unsigned);
        assertThat(exchange.admin("verify-audit", "--file", unsigned.toString())).startsWith("1\n").contains("UNSIGNED");
    }

    @Test
    void aForgedReceiptIsNotBelievedAndAnOlderReceiptWithoutAnchorIsSetAside() throws Exception {
        Path receipts = tmp.resolve("mixed");
        AuditEvidence.fileAndKeepReceipt(exchange, "arcadia-officer", "/submit/correspondence/secretariat/mixed.txt",
                "mixed".getBytes(StandardCharsets.UTF_8), receipts);
        Path forged = receipts.resolve("forged.p7s");
        byte[] real = Files.readAllBytes(sorted(receipts).get(0));
        real[real.length - 10] ^= 0x01; // a bit of the signature flipped
        Files.write(forged, real);
        Files.writeString(receipts.resolve("notes.txt"), "not a receipt");
        Path export = AuditEvidence.export(exchange, tmp.resolve("mixed.jsonl"));
        assertThat(exchange.admin("verify-audit", "--file", export.toString(), "--anchors", receipts.toString())).startsWith("0\n")
                .contains("not used: forged.p7s (not signed by the receipt certificate").contains("not used: notes.txt")
                .contains("2 anchors agree");
    }

    @Test
    void theNewestCheckpointIsOnThePublicSiteAndAnyoneCanCheckAnExportAgainstIt() throws Exception {
        AuditEvidence.fileAndKeepReceipt(exchange, "arcadia-officer", "/submit/correspondence/secretariat/public-cp.txt",
                "checkpointed".getBytes(StandardCharsets.UTF_8), tmp.resolve("unused"));
        String made = exchange.admin("checkpoint");
        assertThat(made).startsWith("0\n");
        long seq = Long.parseLong(made.replaceAll("(?s).*audit checkpoint at event (\\d+).*", "$1"));

        HttpResponse<byte[]> got = HttpClient.newBuilder().sslContext(trusting(exchange.server().caCertificate())).build()
                .send(HttpRequest.newBuilder(URI.create(exchange.portalUrl("/audit/checkpoint.p7s"))).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(got.headers().firstValue("Content-Disposition")).hasValueSatisfying(d -> assertThat(d).startsWith("attachment"));
        AuditStatement statement = AuditStatement.fromBytes(ReceiptSigner.verify(got.body(), receiptCertificate));
        assertThat(statement.kind()).isEqualTo(AuditStatement.CHECKPOINT);
        assertThat(statement.seq()).isEqualTo(seq);

        // the public page lists it: position, head hash, time, the download and the certificate that checks it
        HttpClient browser = HttpClient.newBuilder().sslContext(trusting(exchange.server().caCertificate())).build();
        HttpResponse<String> page = browser.send(HttpRequest.newBuilder(URI.create(exchange.portalUrl("/audit"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<dd id=\"checkpoint-seq\">" + seq + "</dd>")
                .contains("<code id=\"checkpoint-hash\">" + statement.hash() + "</code>")
                .contains("id=\"checkpoint-time\"").contains("href=\"/audit/checkpoint.p7s\"")
                .contains("href=\"/audit/receipt-certificate.pem\"");
        HttpResponse<byte[]> pem = browser.send(HttpRequest.newBuilder(URI.create(exchange.portalUrl("/audit/receipt-certificate.pem")))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(pem.body()).isEqualTo(Files.readAllBytes(exchange.server().receiptCertificate()));
        HttpResponse<String> home = browser.send(HttpRequest.newBuilder(URI.create(exchange.portalUrl("/"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(home.body()).contains("href=\"/audit\"");

        Path evidence = tmp.resolve("public-checkpoint");
        Files.createDirectories(evidence);
        Files.write(evidence.resolve("audit-checkpoint.p7s"), got.body());
        Path export = AuditEvidence.export(exchange, tmp.resolve("checkpointed.jsonl"));
        assertThat(exchange.admin("verify-audit", "--file", export.toString(), "--anchors", evidence.toString())).startsWith("0\n")
                .contains("2 anchors agree");
        Path cut = tmp.resolve("checkpointed-cut.jsonl");
        AuditEvidence.write(cut, AuditEvidence.rows(export).subList(0, (int) seq - 1));
        Files.copy(tmp.resolve("checkpointed.jsonl.p7s"), tmp.resolve("checkpointed-cut.jsonl.p7s"));
        assertThat(exchange.admin("verify-audit", "--file", cut.toString(), "--anchors", evidence.toString())).startsWith("1\n")
                .contains("audit export CUT at event " + seq).contains("the checkpoint of");
    }

    static SSLContext trusting(Path caPem) throws Exception {
        X509Certificate ca;
        try (InputStream in = Files.newInputStream(caPem)) {
            ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("exchange-ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    static List<Path> sorted(Path dir) throws Exception {
        try (var s = Files.list(dir)) {
            return s.sorted((a, b) -> {
                try {
                    return Long.compare(anchor(a).seq(), anchor(b).seq());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
        }
    }
}
