package org.treatyexchange.server.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.sdk.ClientKeys;
import org.treatyexchange.sdk.ExchangeException;
import org.treatyexchange.sdk.MessageClient;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;
import org.treatyexchange.sdk.wire.Envelope;
import org.treatyexchange.sdk.wire.MessageReceipt;
import org.treatyexchange.sdk.wire.MessageType;
import org.treatyexchange.server.Processes;
import org.treatyexchange.server.TestExchange;
import org.treatyexchange.server.store.jdbc.WriterLockHold;

/**
 * A State changes its standing instruction with a signed message of its own; a filing that says no
 * level then follows it (before: the registry's instruction; after a withdrawal: the report type's
 * default), a level the filing does say still wins, and a bad instruction changes nothing.
 * Against the real server with the Java SDK and the stock curl.
 */
class StandingInstructionTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger IDS = new AtomicInteger();

    @TempDir
    static Path tmp;

    @RegisterExtension
    static final TestExchange exchange = TestExchange.perClass(c -> c.withApiPort(0).withPortalPort(0));

    @Test
    void aStatesOwnSignedInstructionReplacesTheRegistrysUntilItWithdrawsIt() throws Exception {
        MessageClient arcadia = client("arcadia-system");

        // Before: the registry's instruction (Arcadia publishes its annual reports).
        {
            JsonNode i = inForce("arcadia-system", "ARC", "annual-report");
            assertThat(i.path("level").asText()).isEqualTo("public");
            assertThat(i.path("source").asText()).isEqualTo("registry");
        }
        MessageReceipt first = fileWithoutLevel(arcadia, "annual-report", "2025");
        assertThat(first.level()).isEqualTo(ConfidentialityLevel.PUBLIC);
        assertThat(plan(first)).contains("\"levelSource\" : \"standing-instruction\"").contains("\"publicArea\" : true");

        // Arcadia now wants its annual reports shown to Borealia only.
        MessageReceipt set = send(arcadia, instruction("ARC", "annual-report", ConfidentialityLevel.NAMED, "BOR"));
        assertThat(set.level()).isEqualTo(ConfidentialityLevel.NAMED);
        assertThat(set.documents()).isEmpty();
        {
            JsonNode i = inForce("arcadia-system", "ARC", "annual-report");
            assertThat(i.path("level").asText()).isEqualTo("named");
            assertThat(i.path("namedStates").toString()).isEqualTo("[\"BOR\"]");
            assertThat(i.path("source").asText()).isEqualTo("message");
            assertThat(i.path("messageId").asText()).isEqualTo(set.messageId());
        }
        MessageReceipt second = fileWithoutLevel(arcadia, "annual-report", "2025");
        assertThat(second.level()).isEqualTo(ConfidentialityLevel.NAMED);
        assertThat(plan(second)).contains("\"levelSource\" : \"standing-instruction\"").contains("\"BOR\"")
                .doesNotContain("\"SYL\"").contains("\"publicArea\" : false");
        // Other report types and other States are untouched.
        assertThat(inForce("arcadia-system", "ARC", "nil-annual-report").path("source").asText()).isEqualTo("registry");
        assertThat(inForce("borealia-system", "BOR", "annual-report").path("level").asText()).isEqualTo("states-parties");

        // A level the filing says itself still wins over the instruction.
        MessageReceipt declared = send(arcadia, filing("ARC", "annual-report", "2025").level(ConfidentialityLevel.SECRETARIAT), true);
        assertThat(declared.level()).isEqualTo(ConfidentialityLevel.SECRETARIAT);
        assertThat(plan(declared)).contains("\"levelSource\" : \"declared\"");

        // Withdrawn: the report type's configured default (annual reports: states-parties), not the registry's.
        MessageReceipt withdrawn = send(arcadia, instruction("ARC", "annual-report", null));
        assertThat(withdrawn.level()).isNull();
        {
            JsonNode i = inForce("arcadia-system", "ARC", "annual-report");
            assertThat(i.path("level").asText()).isEqualTo("states-parties");
            assertThat(i.path("source").asText()).isEqualTo("default");
            assertThat(i.path("messageId").asText()).isEqualTo(withdrawn.messageId());
        }
        MessageReceipt third = fileWithoutLevel(arcadia, "annual-report", "2025");
        assertThat(third.level()).isEqualTo(ConfidentialityLevel.STATES_PARTIES);
        assertThat(plan(third)).contains("\"levelSource\" : \"report-type-default\"");

        // Audited, and the operator sees who set what.
        assertThat(exchange.admin("verify-audit")).startsWith("0\n");
        String table = exchange.admin("instructions", "--state", "ARC");
        assertThat(table).startsWith("0\n").contains("annual-report").contains("default (withdrawn by message " + withdrawn.messageId())
                .containsPattern("nil-annual-report +public +registry");
        assertThat(exchange.admin("instructions", "--state", "XXX")).startsWith("5\n").contains("refused (not-found)").contains("no State XXX");
    }

    @Test
    void aBadInstructionIsRefusedAndChangesNothing() throws Exception {
        MessageClient sylvania = client("sylvania-system");
        JsonNode before = inForceAll("sylvania-system");
        Map<Envelope.Builder, String> bad = new java.util.LinkedHashMap<>();
        bad.put(instruction("SYL", "national-report", ConfidentialityLevel.NAMED, "SYL"), "invalid-routing");   // itself
        bad.put(instruction("SYL", "national-report", ConfidentialityLevel.NAMED, "CAL"), "invalid-routing");   // a signatory
        bad.put(instruction("SYL", "national-report", ConfidentialityLevel.NAMED, "ZZZ"), "invalid-routing");   // not registered
        bad.put(instruction("SYL", "no-such-report", ConfidentialityLevel.PUBLIC), "unknown-report-type");      // not configured
        for (Map.Entry<Envelope.Builder, String> b : bad.entrySet()) {
            Envelope e = b.getKey().build();
            assertThatThrownBy(() -> sylvania.send(e, Map.of()))
                    .isInstanceOfSatisfying(ExchangeException.class, x -> {
                        assertThat(x.status()).isEqualTo(400);
                        assertThat(x.problemType()).isEqualTo(b.getValue());
                    });
            // nothing was recorded: the same message id is still free for a valid message
            assertThat(exchange.admin("instructions", "--state", "SYL", "--json")).doesNotContain(e.messageId());
        }
        assertThat(inForceAll("sylvania-system")).isEqualTo(before);
        String audit = auditExport();
        assertThat(audit).contains("message.refused");

        // Borealia's instruction is Borealia's: Sylvania cannot set it, even with its own certificate.
        Envelope forBorealia = instruction("BOR", "annual-report", ConfidentialityLevel.PUBLIC).build();
        assertThatThrownBy(() -> sylvania.send(forBorealia, Map.of())).isInstanceOf(ExchangeException.class);
        assertThat(inForce("borealia-system", "BOR", "annual-report").path("source").asText()).isEqualTo("registry");
    }

    @Test
    void theStockToolsSetAnInstructionAndTheSecretariatSeesEveryState() throws Exception {
        // The bare envelope, signed with openssl cms and posted with curl, as in the README.
        Path demo = exchange.home().resolve("demo");
        String id = "bor-si-curl-" + IDS.incrementAndGet();
        Path envelope = tmp.resolve(id + ".json");
        Files.writeString(envelope, "{\"version\":1,\"messageId\":\"" + id + "\",\"type\":\"instruction\",\"state\":\"BOR\","
                + "\"createdAt\":\"" + java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + "\","
                + "\"level\":\"secretariat\",\"reportType\":\"initial-report\",\"title\":\"Initial reports stay with the secretariat\"}");
        Path signed = tmp.resolve(id + ".p7s");
        Processes.Result sign = Processes.run(tmp, List.of("openssl", "cms", "-sign", "-binary", "-nodetach", "-outform", "DER",
                "-in", envelope.toString(), "-signer", demo.resolve("borealia-system-api.cert.pem").toString(),
                "-inkey", demo.resolve("borealia-system-api.key.pem").toString(), "-out", signed.toString()));
        assertThat(sign.exitCode()).as(sign.output()).isZero();
        Path receipt = tmp.resolve(id + ".receipt.p7s");
        Processes.Result post = exchange.curl("borealia-system", receipt, "-H", "Content-Type: application/pkcs7-mime",
                "--data-binary", "@" + signed, exchange.apiUrl("/messages"));
        assertThat(post.output()).isEqualTo("200");
        Path content = tmp.resolve(id + ".receipt.json");
        Processes.Result verified = Processes.opensslVerify(receipt, exchange.server().receiptCertificate(), content);
        assertThat(verified.exitCode()).as(verified.output()).isZero();
        assertThat(Files.readString(content)).contains("\"level\":\"secretariat\"").contains("\"messageId\":\"" + id + "\"");
        {
            JsonNode i = inForce("borealia-system", "BOR", "initial-report");
            assertThat(i.path("level").asText()).isEqualTo("secretariat");
            assertThat(i.path("messageId").asText()).isEqualTo(id);
        }

        // A State sees only its own instructions; the secretariat every State's.
        assertThat(inForceAll("arcadia-system").findValuesAsText("state")).containsOnly("ARC");
        assertThat(inForceAll("secretariat").findValuesAsText("state")).contains("ARC", "BOR", "SYL", "CAL");
    }

    @Test
    void anSftpUploadThatSaysNoLevelFollowsTheStandingInstructionAndIsListedUnderTheLevelApplied() throws Exception {
        // Sylvania keeps its initial reports with the secretariat (registry); no instruction for national reports (default: secretariat).
        String first = upload("sylvania-officer", "/submit/initial-report/syl-initial.pdf", "SYL initial report");
        assertThat(exchange.admin("show", first)).contains("\"level\" : \"secretariat\"").contains("\"levelSource\" : \"standing-instruction\"");
        assertThat(list("sylvania-officer", "/submit/initial-report/secretariat")).contains("syl-initial.pdf");
        assertThat(list("sylvania-officer", "/submit/initial-report")).doesNotContain("syl-initial.pdf");

        // Sylvania's own instruction: national reports to Arcadia only. The next drop follows it.
        send(client("sylvania-system"), instruction("SYL", "national-report", ConfidentialityLevel.NAMED, "ARC"));
        // a national report has no implied period: a manifest that says the period, and no level
        String period = "{\"version\":1,\"reportType\":\"national-report\",\"period\":\"" + (java.time.Year.now().getValue() - 2) + "-"
                + (java.time.Year.now().getValue() - 1) + "\",\"withheld\":false}";
        upload("sylvania-officer", "/submit/national-report/syl-national.pdf.manifest.json", period);
        String second = upload("sylvania-officer", "/submit/national-report/syl-national.pdf", "SYL national report");
        assertThat(exchange.admin("show", second)).contains("\"level\" : \"named\"").contains("\"ARC\"").doesNotContain("\"BOR\"")
                .contains("\"levelSource\" : \"standing-instruction\"");
        assertThat(list("sylvania-officer", "/submit/national-report/named")).contains("syl-national.pdf");
        // a second version dropped the same way supersedes the first
        upload("sylvania-officer", "/submit/national-report/syl-national.pdf.manifest.json", period);
        String third = upload("sylvania-officer", "/submit/national-report/syl-national.pdf", "SYL national report, corrected");
        assertThat(exchange.admin("show", third)).contains("\"supersedes\" : \"" + second + "\"");

        // A manifest beside it may still say a level; then that level is declared, not instructed.
        upload("sylvania-officer", "/submit/national-report/syl-open.pdf.manifest.json",
                "{\"version\":1,\"reportType\":\"national-report\",\"period\":\"" + java.time.Year.now().getValue()
                        + "\",\"level\":\"states-parties\",\"withheld\":false}");
        String declared = upload("sylvania-officer", "/submit/national-report/syl-open.pdf", "SYL national report, open");
        assertThat(exchange.admin("show", declared)).contains("\"level\" : \"states-parties\"").contains("\"levelSource\" : \"declared\"");
    }

    /**
     * Receipts are signed ahead of the filing's transaction (FilingService): an instruction that commits
     * in between must still decide the level, and the receipt must say the level recorded. The drop is
     * held at the writers' lock, after its receipt was signed ahead, while the instruction commits from
     * the test's own connection.
     */
    @Test
    void anInstructionThatCommitsWhileADropWaitsToBeRecordedDecidesItsLevelAndItsReceiptSaysSo() throws Exception {
        // no instruction of Sylvania's for correspondence: the default, secretariat, is what is signed ahead
        java.util.concurrent.ExecutorService closer = java.util.concurrent.Executors.newSingleThreadExecutor();
        try (org.apache.sshd.client.session.ClientSession s = exchange.login("sylvania-officer");
                org.apache.sshd.sftp.client.SftpClient sftp = exchange.sftp(s)) {
            List<String> before = names(sftp, "/receipts");
            java.util.concurrent.Future<?> drop;
            try (WriterLockHold hold = WriterLockHold.take(exchange.home().resolve("db").resolve("exchange"))) {
                drop = closer.submit(() -> {
                    try (java.io.OutputStream out = sftp.write("/submit/correspondence/syl-letter.pdf")) {
                        out.write("SYL letter".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    }
                    return null;
                });
                hold.awaitWaiting(1, Duration.ofSeconds(30)); // stored, receipt signed ahead, waiting to be recorded
                hold.update("INSERT INTO standing_instruction (state_code, report_type, confidentiality, named_states, message_id,"
                        + " account, set_at) VALUES ('SYL', 'correspondence', 'states-parties', '', 'syl-race-instruction',"
                        + " 'sylvania-system', CURRENT_TIMESTAMP)");
                hold.commitAndRelease();
            }
            drop.get(30, java.util.concurrent.TimeUnit.SECONDS);

            List<String> after = new java.util.ArrayList<>(names(sftp, "/receipts"));
            after.removeAll(before);
            assertThat(after).hasSize(1);
            Path p7s = tmp.resolve("race-receipt.p7s");
            try (InputStream in = sftp.read("/receipts/" + after.get(0))) {
                Files.write(p7s, in.readAllBytes());
            }
            Path content = tmp.resolve("race-receipt.json");
            assertThat(Processes.opensslVerify(p7s, exchange.server().receiptCertificate(), content).exitCode()).isZero();
            org.treatyexchange.sdk.wire.Receipt receipt = org.treatyexchange.sdk.wire.ReceiptJson.fromBytes(Files.readAllBytes(content));
            assertThat(receipt.level()).isEqualTo(ConfidentialityLevel.STATES_PARTIES);
            assertThat(exchange.admin("show", receipt.filingId())).contains("\"level\" : \"states-parties\"")
                    .contains("\"levelSource\" : \"standing-instruction\"");
        } finally {
            closer.shutdownNow();
        }
    }

    private static String upload(String account, String path, String content) throws Exception {
        try (org.apache.sshd.client.session.ClientSession s = exchange.login(account);
                org.apache.sshd.sftp.client.SftpClient sftp = exchange.sftp(s)) {
            List<String> before = names(sftp, "/receipts");
            try (java.io.OutputStream out = sftp.write(path)) {
                out.write(content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            if (path.endsWith(".manifest.json")) {
                return null;
            }
            List<String> after = new java.util.ArrayList<>(names(sftp, "/receipts"));
            after.removeAll(before);
            assertThat(after).hasSize(1);
            return after.get(0).substring(0, after.get(0).length() - ".p7s".length());
        }
    }

    private static List<String> list(String account, String dir) throws Exception {
        try (org.apache.sshd.client.session.ClientSession s = exchange.login(account);
                org.apache.sshd.sftp.client.SftpClient sftp = exchange.sftp(s)) {
            return names(sftp, dir);
        }
    }

    private static List<String> names(org.apache.sshd.sftp.client.SftpClient sftp, String dir) throws Exception {
        List<String> names = new java.util.ArrayList<>();
        sftp.readDir(dir).forEach(e -> names.add(e.getFilename()));
        return names;
    }

    // ---- helpers ------------------------------------------------------------------------------------

    private static Envelope.Builder instruction(String state, String reportType, ConfidentialityLevel level, String... named) {
        Envelope.Builder b = Envelope.builder().messageId(state.toLowerCase() + "-si-" + IDS.incrementAndGet())
                .type(MessageType.INSTRUCTION).state(state).reportType(reportType).title("Standing instruction for " + reportType);
        if (level != null) {
            b.level(level);
        }
        if (named.length > 0) {
            b.namedStates(named);
        }
        return b;
    }

    private static Envelope.Builder filing(String state, String reportType, String period) throws Exception {
        Path doc = tmp.resolve("report-" + IDS.incrementAndGet() + ".pdf");
        Files.writeString(doc, "report " + doc.getFileName());
        return Envelope.builder().messageId(state.toLowerCase() + "-f-" + IDS.incrementAndGet()).type(MessageType.FILING)
                .state(state).reportType(reportType).period(period).title("Report").document(doc.getFileName().toString(), doc,
                        "application/pdf");
    }

    private static MessageReceipt fileWithoutLevel(MessageClient client, String reportType, String period) throws Exception {
        return send(client, filing("ARC", reportType, period), true);
    }

    private static MessageReceipt send(MessageClient client, Envelope.Builder b) throws Exception {
        return send(client, b, false);
    }

    private static MessageReceipt send(MessageClient client, Envelope.Builder b, boolean withDocument) throws Exception {
        Envelope e = b.build();
        Map<String, Path> docs = withDocument ? Map.of(e.documents().get(0).name(), tmp.resolve(e.documents().get(0).name())) : Map.of();
        return client.send(e, docs);
    }

    private static String plan(MessageReceipt receipt) {
        String shown = exchange.admin("show", receipt.documents().get(0).filingId());
        assertThat(shown).startsWith("0\n");
        return shown;
    }

    private static JsonNode inForceAll(String account) throws Exception {
        Path out = tmp.resolve("instructions-" + IDS.incrementAndGet() + ".json");
        Processes.Result r = exchange.curl(account, out, exchange.apiUrl("/instructions"));
        assertThat(r.output()).isEqualTo("200");
        return JSON.readTree(Files.readAllBytes(out)).path("instructions");
    }

    private static JsonNode inForce(String account, String state, String reportType) throws Exception {
        for (JsonNode i : inForceAll(account)) {
            if (i.path("state").asText().equals(state) && i.path("reportType").asText().equals(reportType)) {
                return i;
            }
        }
        throw new AssertionError("no instruction listed for " + state + " " + reportType);
    }

    private static String auditExport() throws Exception {
        Path out = tmp.resolve("audit-" + IDS.incrementAndGet() + ".jsonl");
        assertThat(exchange.admin("export-audit", "--out", out.toString())).startsWith("0\n");
        return Files.readString(out);
    }

    private static MessageClient client(String account) throws Exception {
        Path demo = exchange.home().resolve("demo");
        return MessageClient.builder()
                .baseUri(URI.create("https://127.0.0.1:" + exchange.server().apiPort() + "/"))
                .clientKeys(ClientKeys.fromPem(demo.resolve(account + "-api.key.pem"), demo.resolve(account + "-api.cert.pem")))
                .trustedServerCa(certificate(exchange.server().caCertificate()))
                .receiptCertificate(certificate(exchange.server().receiptCertificate()))
                .connectTimeout(Duration.ofSeconds(10))
                .requestTimeout(Duration.ofSeconds(60))
                .build();
    }

    private static X509Certificate certificate(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }
}
