package org.treatyexchange.server.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.sdk.ClientKeys;
import org.treatyexchange.sdk.ExchangeClient;
import org.treatyexchange.sdk.ExchangeException;
import org.treatyexchange.sdk.FilingRequest;
import org.treatyexchange.sdk.FilingResult;
import org.treatyexchange.sdk.wire.InboxEntry;
import org.treatyexchange.sdk.RemoteFile;
import org.treatyexchange.sdk.RetryPolicy;
import org.treatyexchange.sdk.SentMessage;
import org.treatyexchange.sdk.SshIdentity;
import org.treatyexchange.sdk.VerificationException;
import org.treatyexchange.sdk.VerifiedReceipt;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;
import org.treatyexchange.sdk.wire.Envelope;
import org.treatyexchange.sdk.wire.InboxItem;
import org.treatyexchange.sdk.wire.MessageType;
import org.treatyexchange.sdk.wire.Receipt;
import org.treatyexchange.sdk.ReceiptVerifier;
import org.treatyexchange.server.TestExchange;

/**
 * The SDK's facade against the real server: SFTP filing with a manifest and a verified receipt,
 * no second filing on a rerun, network faults in the middle of an upload (a TCP proxy that cuts the
 * connection), signed messages, the inbound queue, distributed downloads and offline verification.
 */
class ExchangeClientTest {

    @TempDir
    static Path tmp;

    static TestExchange exchange;
    static X509Certificate receiptCertificate;

    @BeforeAll
    static void start() throws Exception {
        exchange = TestExchange.start(tmp.resolve("home"), c -> c.withApiPort(0).withPortalPort(0));
        receiptCertificate = certificate(exchange.server().receiptCertificate());
    }

    @AfterAll
    static void stop() throws Exception {
        exchange.close();
    }

    static X509Certificate certificate(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    static ExchangeClient.Builder builder(String account, int sftpPort) throws Exception {
        ExchangeClient.Builder b = ExchangeClient.builder()
                .account(account)
                .sftp("127.0.0.1", sftpPort, SshIdentity.load(exchange.demoKey(account)))
                .receiptCertificate(receiptCertificate)
                .retryPolicy(new RetryPolicy(3, Duration.ofMillis(200), Duration.ofSeconds(1)))
                .timeout(Duration.ofSeconds(20));
        for (String fp : exchange.server().hostKeyFingerprints()) {
            b.sftpHostKey(fp.substring(fp.indexOf(' ') + 1));
        }
        Path demo = exchange.home().resolve("demo");
        return b.api(URI.create("https://127.0.0.1:" + exchange.server().apiPort()),
                ClientKeys.fromPem(demo.resolve(account + "-api.key.pem"), demo.resolve(account + "-api.cert.pem")),
                certificate(exchange.server().caCertificate()));
    }

    static Path document(String name, int bytes) throws IOException {
        byte[] content = new byte[bytes];
        new SecureRandom().nextBytes(content);
        Path file = tmp.resolve(name);
        Files.write(file, content);
        return file;
    }

    /** The receipts of {@code account}'s State naming this SHA-256, read with MINA's own SFTP client (not the SDK). */
    static List<Receipt> receiptsFor(String account, String sha256) throws Exception {
        List<Receipt> out = new ArrayList<>();
        try (ClientSession session = exchange.login(account); SftpClient sftp = exchange.sftp(session)) {
            for (SftpClient.DirEntry e : sftp.readDir("/receipts")) {
                if (!e.getFilename().endsWith(".p7s")) {
                    continue;
                }
                try (InputStream in = sftp.read("/receipts/" + e.getFilename())) {
                    Receipt r = ReceiptVerifier.verifyFilingReceipt(in.readAllBytes(), receiptCertificate);
                    if (r.sha256().equals(sha256)) {
                        out.add(r);
                    }
                }
            }
        }
        return out;
    }

    @Test
    void aDocumentIsFiledWithItsManifestAndARerunFilesNothingTwice() throws Exception {
        Path doc = document("national-report-borealia.pdf", 200_000);
        String sha = ExchangeClient.sha256(doc);
        FilingRequest request = FilingRequest.of(doc, "national-report", ConfidentialityLevel.NAMED)
                .withPeriod("2024-2025").withNamedStates(List.of("SYL", "ARC")).withWithheld(true);
        try (ExchangeClient client = builder("borealia-system", exchange.port()).build()) {
            FilingResult first = client.submit(request);
            assertThat(first.alreadyFiled()).isFalse();
            assertThat(first.attempts()).isEqualTo(1);
            Receipt r = first.receipt();
            assertThat(r.fileName()).isEqualTo("national-report-borealia.pdf");
            assertThat(r.sha256()).isEqualTo(sha);
            assertThat(r.size()).isEqualTo(200_000);
            assertThat(r.account()).isEqualTo("borealia-system");
            assertThat(r.state()).isEqualTo("BOR");
            assertThat(r.period()).isEqualTo("2024-2025"); // from the manifest
            assertThat(r.level()).isEqualTo(ConfidentialityLevel.NAMED);
            assertThat(ReceiptVerifier.verifyFilingReceipt(first.signedReceipt(), receiptCertificate)).isEqualTo(r);

            FilingResult rerun = client.submit(request);
            assertThat(rerun.alreadyFiled()).isTrue();
            assertThat(rerun.receipt()).isEqualTo(r);
            assertThat(receiptsFor("borealia-system", sha)).hasSize(1);

            FilingResult again = client.submit(request.asNewVersion());
            assertThat(again.alreadyFiled()).isFalse();
            assertThat(again.receipt().supersedes()).isEqualTo(r.filingId());
            assertThat(receiptsFor("borealia-system", sha)).hasSize(2);
        }
    }

    @Test
    void aCallersOwnSubmissionIdMakesARerunIdempotentEvenAsANewVersion() throws Exception {
        Path doc = document("calvera-national-report.pdf", 50_000);
        String sha = ExchangeClient.sha256(doc);
        FilingRequest request = FilingRequest.of(doc, "national-report", ConfidentialityLevel.STATES_PARTIES).withPeriod("2025")
                .withSubmissionId("cal-erp-record-4711").asNewVersion();
        try (ExchangeClient client = builder("calvera-system", exchange.port()).build()) {
            FilingResult first = client.submit(request);
            assertThat(first.alreadyFiled()).isFalse();
            FilingResult rerun = client.submit(request); // uploaded again (new version asked), filed nothing
            assertThat(rerun.alreadyFiled()).isTrue();
            assertThat(rerun.attempts()).isEqualTo(1);
            assertThat(rerun.receipt()).isEqualTo(first.receipt());
            assertThat(rerun.signedReceipt()).isEqualTo(first.signedReceipt());

            Files.write(doc, new byte[] {1, 2, 3}); // another document under the same id
            assertThatThrownBy(() -> client.submit(request))
                    .isInstanceOfSatisfying(ExchangeException.class, e -> assertThat(e.getMessage()).contains("submissionId was already used"));
            assertThat(receiptsFor("calvera-system", ExchangeClient.sha256(doc))).isEmpty();
        }
        assertThat(receiptsFor("calvera-system", sha)).hasSize(1);
    }

    @Test
    void aRefusalIsNotRetriedAndSaysWhy() throws Exception {
        Path doc = document("no-such-type.pdf", 1000);
        try (ExchangeClient client = builder("borealia-system", exchange.port()).build()) {
            assertThatThrownBy(() -> client.submit(FilingRequest.of(doc, "not-a-report-type", ConfidentialityLevel.SECRETARIAT)))
                    .isInstanceOfSatisfying(ExchangeException.class, e -> {
                        // the real cause, found before anything is sent; not the drop folder's "no such file"
                        assertThat(e.problemType()).isEqualTo("unknown-report-type");
                        assertThat(e.getMessage()).contains("no report type 'not-a-report-type'").contains("annual-report");
                    });
            // an annual report cannot cover a future year: the manifest is refused before the document is sent
            assertThatThrownBy(() -> client.submit(FilingRequest.of(doc, "annual-report", ConfidentialityLevel.STATES_PARTIES)
                    .withPeriod("2999")))
                    .isInstanceOfSatisfying(ExchangeException.class, e -> assertThat(e.getMessage()).contains("manifest refused"));
        }
        assertThat(receiptsFor("borealia-system", ExchangeClient.sha256(doc))).isEmpty();
    }

    @Test
    void anUploadCutMidwayIsRestartedCleanlyAndFiledExactlyOnce() throws Exception {
        Path doc = document("annual-report-sylvania.pdf", 4 * 1024 * 1024);
        String sha = ExchangeClient.sha256(doc);
        try (CuttingProxy proxy = new CuttingProxy(exchange.port());
                ExchangeClient client = builder("sylvania-system", proxy.port()).build()) {
            proxy.cutAfterClientBytes(1024 * 1024); // a quarter of the document got through
            FilingResult result = client.submit(FilingRequest.of(doc, "annual-report", ConfidentialityLevel.STATES_PARTIES));
            assertThat(proxy.cuts()).isEqualTo(1);
            assertThat(result.attempts()).isEqualTo(2);
            assertThat(result.receipt().size()).isEqualTo(4 * 1024 * 1024);
            assertThat(result.receipt().sha256()).isEqualTo(sha);
        }
        List<Receipt> filed = receiptsFor("sylvania-system", sha);
        assertThat(filed).hasSize(1);
        // and the broken first try left no partial filing under that name
        try (ClientSession session = exchange.login("sylvania-system"); SftpClient sftp = exchange.sftp(session)) {
            long receipts = 0;
            for (SftpClient.DirEntry e : sftp.readDir("/receipts")) {
                receipts += e.getFilename().endsWith(".p7s") ? 1 : 0;
            }
            assertThat(receipts).isEqualTo(1);
        }
    }

    @Test
    void aReceiptLostAfterTheCommitIsFoundAndNothingIsFiledTwice() throws Exception {
        Path doc = document("annual-report-arcadia-lost-answer.pdf", 1024 * 1024);
        String sha = ExchangeClient.sha256(doc);
        try (CuttingProxy proxy = new CuttingProxy(exchange.port());
                ExchangeClient client = builder("arcadia-system", proxy.port()).build()) {
            // once the whole document went up, drop the first answer the server sends after the filing exists
            proxy.loseRepliesOnce(1024 * 1024, () -> exchange.admin("filings", "--state", "ARC").contains(doc.getFileName().toString()));
            FilingResult result = client.submit(FilingRequest.of(doc, "annual-report", ConfidentialityLevel.PUBLIC));
            assertThat(proxy.cuts()).isEqualTo(1);
            assertThat(result.attempts()).isEqualTo(2);
            assertThat(result.alreadyFiled()).isFalse();
            assertThat(result.receipt().sha256()).isEqualTo(sha);
        }
        assertThat(receiptsFor("arcadia-system", sha)).hasSize(1);
    }

    @Test
    void aMessageIsSentOnceAndTheQueueIsReadAcknowledgedAndDownloaded() throws Exception {
        Path doc = document("correspondence-note.txt", 5000);
        try (ExchangeClient client = builder("calvera-system", exchange.port()).build()) {
            Envelope.Builder e = Envelope.builder().messageId("cal-sdk-" + System.nanoTime()).type(MessageType.CORRESPONDENCE)
                    .state("CAL").title("A note from Calvera").document("correspondence-note.txt", doc, "text/plain");
            Map<String, Path> files = e.files();
            Envelope envelope = e.build();
            SentMessage sent = client.send(envelope, files);
            SentMessage resent = client.send(envelope, files);
            assertThat(resent.receipt()).isEqualTo(sent.receipt());
            assertThat(resent.receipt().documents()).hasSize(1);
            VerifiedReceipt offline = ExchangeClient.verifyReceipt(sent.signedReceipt(), receiptCertificate);
            assertThat(offline.message()).isEqualTo(sent.receipt());
            assertThat(offline.filing()).isNull();

            assertThat(exchange.admin("send", "--to", "CAL", "--title", "Welcome, Calvera")).startsWith("0\n");
            List<InboxEntry> inbox = client.inbox(0, 100);
            assertThat(inbox).extracting(InboxEntry::title).containsExactly("Welcome, Calvera");
            InboxItem item = client.fetch(inbox.get(0).seq());
            assertThat(item.to()).isEqualTo("CAL");
            client.acknowledge(inbox.get(0).seq());
            client.acknowledge(inbox.get(0).seq()); // idempotent
            assertThat(client.inbox(0, 100)).isEmpty();

            Path into = tmp.resolve("calvera-distributed");
            List<Path> fetched = client.downloadNew(into);
            assertThat(fetched).extracting(p -> p.getFileName().toString()).anyMatch(n -> n.endsWith("-secretariat-message.p7s"));
            Path item1 = fetched.stream().filter(p -> p.toString().endsWith(".p7s")).findFirst().orElseThrow();
            assertThat(ReceiptVerifier.verifyInboxItem(Files.readAllBytes(item1), receiptCertificate).title()).isEqualTo("Welcome, Calvera");
            assertThat(client.downloadNew(into)).isEmpty(); // a rerun fetches only what is new
            assertThat(client.distributed()).extracting(RemoteFile::name).contains(item1.getFileName().toString());
            assertThat(Files.list(into).filter(p -> p.toString().endsWith(".part"))).isEmpty();
        }
    }

    @Test
    void aTamperedReceiptOrAnotherSignerIsNotBelieved() throws Exception {
        Path doc = document("tamper-check.pdf", 3000);
        byte[] signed;
        try (ExchangeClient client = builder("borealia-officer", exchange.port()).build()) {
            signed = client.submit(FilingRequest.of(doc, "correspondence", ConfidentialityLevel.SECRETARIAT)).signedReceipt();
            assertThat(client.verifyReceipt(signed).filing().fileName()).isEqualTo("tamper-check.pdf");
        }
        byte[] tampered = signed.clone();
        int at = new String(tampered, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("tamper-check.pdf");
        tampered[at] = 'T';
        assertThatThrownBy(() -> ExchangeClient.verifyReceipt(tampered, receiptCertificate))
                .isInstanceOfSatisfying(VerificationException.class,
                        e -> assertThat(e.reason()).isEqualTo(VerificationException.Reason.BAD_SIGNATURE));
        X509Certificate other = certificate(exchange.server().caCertificate());
        assertThatThrownBy(() -> ExchangeClient.verifyReceipt(signed, other))
                .isInstanceOfSatisfying(VerificationException.class,
                        e -> assertThat(e.reason()).isEqualTo(VerificationException.Reason.WRONG_SIGNER));
    }

    @Test
    void aServerWithAnotherHostKeyIsRefused() throws Exception {
        Path doc = document("pinned.pdf", 100);
        try (ExchangeClient client = ExchangeClient.builder().account("borealia-system")
                .sftp("127.0.0.1", exchange.port(), SshIdentity.load(exchange.demoKey("borealia-system")))
                .sftpHostKey("SHA256:" + "A".repeat(43))
                .receiptCertificate(receiptCertificate).retryPolicy(RetryPolicy.NONE).build()) {
            assertThatThrownBy(() -> client.submit(FilingRequest.of(doc, "correspondence", ConfidentialityLevel.SECRETARIAT)))
                    .isInstanceOf(IOException.class);
        }
        assertThat(receiptsFor("borealia-system", ExchangeClient.sha256(doc))).isEmpty();
    }
}
