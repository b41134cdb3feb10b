package org.treatyexchange.server.timestamp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.bouncycastle.asn1.ess.SigningCertificateV2;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.sdk.ClientKeys;
import org.treatyexchange.sdk.MessageClient;
import org.treatyexchange.sdk.ReceiptTimestamp;
import org.treatyexchange.sdk.ReceiptVerifier;
import org.treatyexchange.sdk.SentMessage;
import org.treatyexchange.sdk.VerificationException;
import org.treatyexchange.sdk.cli.ExchangeCli;
import org.treatyexchange.sdk.internal.CmsTimestamps;
import org.treatyexchange.sdk.wire.Envelope;
import org.treatyexchange.sdk.wire.MessageType;
import org.treatyexchange.server.Processes;
import org.treatyexchange.server.TestExchange;
import org.treatyexchange.server.config.ServerConfig;
import org.treatyexchange.server.portal.PortalLogin;

/**
 * Receipts with RFC 3161 timestamps from a real authority (Bouncy Castle's TSP server classes over HTTP, started
 * here): the token sits in the receipt as the CAdES signature-time-stamp, next to the signed signing-certificate-v2;
 * stock {@code openssl ts -verify} and the SDK accept it and refuse a token moved onto another receipt; with the
 * authority down or hanging a filing does not wait, its receipt says the timestamp is pending, and the timestamped
 * receipt appears beside it, on SFTP and HTTPS, once the authority is back.
 */
class ReceiptTimestampTest {

    @TempDir
    static Path tmp;

    static TestTimestampAuthority tsa;
    static TestExchange exchange;
    static X509Certificate receiptCertificate;
    static int filed;

    @BeforeAll
    static void start() throws Exception {
        tsa = TestTimestampAuthority.start(tmp.resolve("tsa"), "Alpha");
        ServerConfig.Timestamping timestamping = new ServerConfig.Timestamping(List.of(tsa.url()), List.of(tsa.caPem()),
                Duration.ofSeconds(1), Duration.ofMillis(200), Duration.ofMillis(500), 1000);
        exchange = TestExchange.start(tmp.resolve("home"), c -> c.withApiPort(0).withPortalPort(0).withReceipts(new ServerConfig.Receipts(timestamping)));
        try (InputStream in = Files.newInputStream(exchange.server().receiptCertificate())) {
            receiptCertificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (exchange != null) {
            exchange.close();
        }
        if (tsa != null) {
            tsa.close();
        }
    }

    /** Files a note over SFTP as a State's officer; returns its filing id and the receipt /receipts/ then holds. */
    static Filed file(String text) throws Exception {
        try (ClientSession s = exchange.login("borealia-officer"); SftpClient sftp = exchange.sftp(s)) {
            List<String> before = receipts(sftp);
            try (OutputStream out = sftp.write("/submit/correspondence/secretariat/ts-" + (++filed) + ".txt")) {
                out.write(text.getBytes(StandardCharsets.UTF_8));
            }
            List<String> after = receipts(sftp);
            after.removeAll(before);
            assertThat(after).hasSize(1);
            String name = after.get(0);
            return new Filed(name.substring(0, name.length() - ".p7s".length()), read(sftp, "/receipts/" + name));
        }
    }

    record Filed(String id, byte[] receipt) {
    }

    static byte[] sftpReceipt(String filingId) throws Exception {
        try (ClientSession s = exchange.login("borealia-officer"); SftpClient sftp = exchange.sftp(s)) {
            return read(sftp, "/receipts/" + filingId + ".p7s");
        }
    }

    static byte[] read(SftpClient sftp, String path) throws Exception {
        try (InputStream in = sftp.read(path)) {
            return in.readAllBytes();
        }
    }

    static List<String> receipts(SftpClient sftp) throws Exception {
        List<String> names = new ArrayList<>();
        for (SftpClient.DirEntry e : sftp.readDir("/receipts")) {
            if (e.getFilename().endsWith(".p7s")) {
                names.add(e.getFilename());
            }
        }
        return names;
    }

    record Run(int code, String out, String err) {
    }

    static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ExchangeCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true), Map.of(), false);
        return new Run(code, out.toString(), err.toString());
    }

    static Path write(String name, byte[] bytes) throws Exception {
        Path p = tmp.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    static Processes.Result opensslTsVerify(Path token, Path signature) throws Exception {
        return Processes.run(tmp, List.of("openssl", "ts", "-verify", "-in", token.toString(), "-token_in", "-data", signature.toString(),
                "-CAfile", tsa.caPem().toString()));
    }

    @Test
    void aReceiptCarriesACadesSignatureTimestampThatOpensslTsAndTheSdkAccept() throws Exception {
        tsa.set(TestTimestampAuthority.Mode.UP);
        Instant before = Instant.now().minusSeconds(1);
        Filed filed = file("timestamped at once");
        // normally already timestamped as handed out; a cold first request may miss the 1 s and come from the retries
        Filed f = new Filed(filed.id(), awaitToken(() -> sftpReceipt(filed.id())));

        // CAdES: the token is the unsigned signature-time-stamp; signing-certificate-v2 names the receipt certificate
        SignerInformation signer = new CMSSignedData(f.receipt()).getSignerInfos().getSigners().iterator().next();
        assertThat(signer.getUnsignedAttributes().get(PKCSObjectIdentifiers.id_aa_signatureTimeStampToken)).isNotNull();
        assertThat(signer.getUnsignedAttributes().get(CmsTimestamps.PENDING)).isNull();
        SigningCertificateV2 scv2 = SigningCertificateV2.getInstance(
                signer.getSignedAttributes().get(PKCSObjectIdentifiers.id_aa_signingCertificateV2).getAttrValues().getObjectAt(0));
        assertThat(scv2.getCerts()[0].getCertHash())
                .isEqualTo(MessageDigest.getInstance("SHA-256").digest(receiptCertificate.getEncoded()));

        // the receipt itself still verifies with openssl cms, as before timestamps
        Path receipt = write("stamped.p7s", f.receipt());
        Processes.Result cms = Processes.opensslVerify(receipt, exchange.server().receiptCertificate(), tmp.resolve("stamped.json"));
        assertThat(cms.exitCode()).as(cms.output()).isZero();

        // the SDK: signature, then token (imprint = hash of this signature value, the TSA chains to the given CA)
        ReceiptTimestamp ts = ReceiptVerifier.verifyTimestamp(f.receipt(), receiptCertificate, List.of(tsa.ca()));
        assertThat(ts.time()).isBetween(before, Instant.now().plusSeconds(1));
        assertThat(ts.authority()).contains("CN=Alpha Test TSA");
        assertThat(ts.policy()).isEqualTo(TestTimestampAuthority.POLICY.getId());

        // scripts/exchange writes the token and the signature it covers; stock openssl ts -verify accepts them
        Path token = tmp.resolve("stamped.tsr");
        Path signature = tmp.resolve("stamped.sig");
        Run extracted = cli("receipt-timestamp", "--receipt", receipt.toString(), "--out", token.toString(), "--signature-out",
                signature.toString());
        assertThat(extracted.code()).as(extracted.err()).isEqualTo(ExchangeCli.OK);
        Processes.Result ok = opensslTsVerify(token, signature);
        assertThat(ok.exitCode()).as(ok.output()).isZero();
        assertThat(ok.output()).contains("Verification: OK");
        // and with the digest the command printed, as the README shows
        String digest = extracted.out().replaceAll("(?s).*it must cover the digest ([0-9a-f]{64}).*", "$1");
        assertThat(digest).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(signature))));
        Processes.Result byDigest = Processes.run(tmp, List.of("openssl", "ts", "-verify", "-in", token.toString(), "-token_in",
                "-digest", digest, "-CAfile", tsa.caPem().toString()));
        assertThat(byDigest.exitCode()).as(byDigest.output()).isZero();
        Processes.Result text = Processes.run(tmp, List.of("openssl", "ts", "-reply", "-in", token.toString(), "-token_in", "-token_out",
                "-text"));
        assertThat(text.exitCode()).as(text.output()).isZero();
        assertThat(text.output()).contains("Time stamp:").contains("Policy OID: " + TestTimestampAuthority.POLICY.getId());

        Run verified = cli("verify-receipt", receipt.toString(), "--receipt-certificate", exchange.server().receiptCertificate().toString(),
                "--tsa-certificate", tsa.caPem().toString());
        assertThat(verified.code()).as(verified.err()).isEqualTo(ExchangeCli.OK);
        assertThat(verified.out()).contains("Timestamp: verified").contains("Alpha Test TSA").contains("Audit anchor: event");
    }

    @Test
    void aTokenMovedOntoAnotherReceiptOrFromAnUntrustedAuthorityIsRefused() throws Exception {
        tsa.set(TestTimestampAuthority.Mode.UP);
        String firstId = file("first").id();
        Filed first = new Filed(firstId, awaitToken(() -> sftpReceipt(firstId)));
        Filed second = file("second");
        byte[] token = CmsTimestamps.token(first.receipt()).orElseThrow();
        byte[] forged = CmsTimestamps.withToken(second.receipt(), token); // the second receipt, backdated with the first's token

        ReceiptVerifier.verify(forged, receiptCertificate); // its own signature is untouched...
        assertThatThrownBy(() -> ReceiptVerifier.verifyTimestamp(forged, receiptCertificate, List.of(tsa.ca())))
                .isInstanceOf(VerificationException.class).hasMessageContaining("the timestamp is for another signature")
                .extracting(e -> ((VerificationException) e).reason()).isEqualTo(VerificationException.Reason.TIMESTAMP);
        Path forgedFile = write("forged.p7s", forged);
        Run refused = cli("verify-receipt", forgedFile.toString(), "--receipt-certificate",
                exchange.server().receiptCertificate().toString(), "--tsa-certificate", tsa.caPem().toString());
        assertThat(refused.code()).isEqualTo(ExchangeCli.NOT_VERIFIED);
        assertThat(refused.err()).contains("timestamp: the timestamp is for another signature");

        // openssl agrees: the token does not cover the second receipt's signature
        Path tokenFile = tmp.resolve("moved.tsr");
        Path signature = tmp.resolve("second.sig");
        assertThat(cli("receipt-timestamp", "--receipt", forgedFile.toString(), "--out", tokenFile.toString(), "--signature-out",
                signature.toString()).code()).isEqualTo(ExchangeCli.OK);
        Processes.Result no = opensslTsVerify(tokenFile, signature);
        assertThat(no.exitCode()).as(no.output()).isNotZero();
        assertThat(no.output()).contains("message imprint mismatch");

        // a genuine token, but the caller trusts another authority
        try (TestTimestampAuthority other = TestTimestampAuthority.start(tmp.resolve("other"), "Beta")) {
            assertThatThrownBy(() -> ReceiptVerifier.verifyTimestamp(first.receipt(), receiptCertificate, List.of(other.ca())))
                    .isInstanceOf(VerificationException.class).hasMessageContaining("is not trusted");
        }
    }

    @Test
    void withTheAuthorityDownAFilingDoesNotWaitItsReceiptSaysSoAndTheTimestampedOneAppearsBesideItOnceTheAuthorityIsBack()
            throws Exception {
        tsa.set(TestTimestampAuthority.Mode.DOWN);
        int asked = tsa.requests();
        Filed f = file("while the authority is down");
        assertThat(tsa.requests()).isGreaterThan(asked); // it was asked, and said no
        assertThat(CmsTimestamps.token(f.receipt())).isEmpty();
        assertThat(ReceiptVerifier.timestampPendingSince(f.receipt())).isPresent();
        ReceiptVerifier.verifyFilingReceipt(f.receipt(), receiptCertificate); // a good receipt all the same
        Path pending = write("pending.p7s", f.receipt());
        Run says = cli("verify-receipt", pending.toString(), "--receipt-certificate", exchange.server().receiptCertificate().toString());
        assertThat(says.code()).as(says.err()).isEqualTo(ExchangeCli.OK);
        assertThat(says.out()).contains("Timestamp: not yet");
        Run strict = cli("verify-receipt", pending.toString(), "--receipt-certificate", exchange.server().receiptCertificate().toString(),
                "--tsa-certificate", tsa.caPem().toString());
        assertThat(strict.code()).isEqualTo(ExchangeCli.NOT_VERIFIED);
        assertThat(strict.err()).contains("no timestamp yet");

        // over HTTPS too: the message's receipt goes out pending
        Path document = tmp.resolve("down-message.txt");
        Files.writeString(document, "a message while the authority is down");
        Envelope envelope = Envelope.builder().messageId("ts-down-1").type(MessageType.FILING).state("SYL").reportType("correspondence")
                .title("While down").document("down-message.txt", document, "text/plain").build();
        MessageClient client = client("sylvania-system");
        SentMessage sent = client.deliver(envelope, Map.of("down-message.txt", document));
        assertThat(CmsTimestamps.token(sent.signedReceipt())).isEmpty();
        assertThat(ReceiptVerifier.timestampPendingSince(sent.signedReceipt())).isPresent();

        // the background retries keep asking; the authority comes back
        Thread.sleep(600);
        assertThat(sftpReceipt(f.id())).isEqualTo(f.receipt()); // still pending, nothing changed
        tsa.set(TestTimestampAuthority.Mode.UP);
        byte[] stamped = awaitToken(() -> sftpReceipt(f.id()));
        ReceiptTimestamp ts = ReceiptVerifier.verifyTimestamp(stamped, receiptCertificate, List.of(tsa.ca()));
        assertThat(ts.time()).isAfter(ReceiptVerifier.timestampPendingSince(f.receipt()).orElseThrow());
        // the same signature as the receipt first handed out: the timestamped one is that receipt, stamped
        assertThat(CmsTimestamps.signatureValue(stamped)).isEqualTo(CmsTimestamps.signatureValue(f.receipt()));
        assertThat(ReceiptVerifier.verifyFilingReceipt(stamped, receiptCertificate))
                .isEqualTo(ReceiptVerifier.verifyFilingReceipt(f.receipt(), receiptCertificate));

        // the portal's receipt download serves the same timestamped receipt
        PortalLogin.Session officer = PortalLogin.login(exchange, "borealia-officer");
        HttpResponse<byte[]> download = officer.http().send(HttpRequest.newBuilder(URI.create(exchange.portalUrl("/state/filings/"
                + f.id() + "/receipt.p7s"))).header("Cookie", "__Host-session=" + officer.sessionId()).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).isEqualTo(stamped);

        // the resend of the message answers with its timestamped receipt
        byte[] resent = awaitToken(() -> client.deliver(envelope, Map.of("down-message.txt", document)).signedReceipt());
        ReceiptVerifier.verifyTimestamp(resent, receiptCertificate, List.of(tsa.ca()));
        assertThat(CmsTimestamps.signatureValue(resent)).isEqualTo(CmsTimestamps.signatureValue(sent.signedReceipt()));

        // audited, naming the receipt
        Path export = tmp.resolve("audit-after-down.jsonl");
        assertThat(exchange.admin("export-audit", "-o", export.toString())).startsWith("0\n");
        String audit = Files.readString(export);
        assertThat(audit).contains("\"receipt.timestamped\"").contains(f.id()).contains("SYL/ts-down-1");
    }

    @Test
    void aHangingAuthorityHoldsAFilingNoLongerThanTheTimeoutAndTheRequestOutlivesARestart() throws Exception {
        tsa.set(TestTimestampAuthority.Mode.HANG);
        long start = System.nanoTime();
        Filed f = file("while the authority hangs");
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took).isLessThan(Duration.ofSeconds(6)); // the authority answers after 10 s; the timeout is 1 s
        assertThat(ReceiptVerifier.timestampPendingSince(f.receipt())).isPresent();

        // the server stops before any authority answered; the request is a row, so the next start asks again
        tsa.set(TestTimestampAuthority.Mode.DOWN);
        exchange.stop();
        tsa.set(TestTimestampAuthority.Mode.UP);
        exchange.restart();
        ReceiptVerifier.verifyTimestamp(awaitToken(() -> sftpReceipt(f.id())), receiptCertificate, List.of(tsa.ca()));
    }

    interface Fetch {
        byte[] get() throws Exception;
    }

    static byte[] awaitToken(Fetch fetch) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            byte[] r = fetch.get();
            Optional<byte[]> token = CmsTimestamps.token(r);
            if (token.isPresent()) {
                return r;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no timestamped receipt within 30 s");
            }
            Thread.sleep(100);
        }
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
}
