package org.treatyexchange.server.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.sdk.cli.ExchangeCli;
import org.treatyexchange.server.Processes;
import org.treatyexchange.server.TestExchange;

/**
 * The command-line tool as a new national system uses it, against the real server: keygen, the
 * secretariat registers the keys, then submit, verify-receipt, send, inbox, ack and fetch, each one
 * command; plus the exit codes a cron job relies on, {@code --json}, and no progress bar off a terminal.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExchangeCliTest {

    @TempDir
    static Path tmp;

    static TestExchange exchange;
    static Path registry;
    static Path keys;
    static Path config;
    static String sshFingerprint;
    static String certificateFingerprint;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        registry = tmp.resolve("registry.yaml");
        Files.copy(TestExchange.REPO.resolve("config/registry.yaml"), registry);
        exchange = TestExchange.start(tmp.resolve("home"), c -> TestExchange.withRegistry(c, registry).withApiPort(0).withPortalPort(0));
        keys = tmp.resolve("keys");
        config = tmp.resolve("exchange.properties");
    }

    @AfterAll
    static void stop() throws Exception {
        exchange.close();
    }

    record Run(int code, String out, String err) {
        JsonNode json() throws Exception {
            return JSON.readTree(out);
        }
    }

    static Run cli(boolean terminal, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ExchangeCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true), Map.of(), terminal);
        return new Run(code, out.toString(), err.toString());
    }

    static Run cli(String... args) {
        List<String> all = new ArrayList<>(List.of("--config", config.toString()));
        all.addAll(List.of(args));
        return cli(false, all.toArray(String[]::new));
    }

    static String hostKeys() {
        return String.join(", ", exchange.server().hostKeyFingerprints().stream().map(f -> f.substring(f.indexOf(' ') + 1)).toList());
    }

    static void writeConfig(Path file, int sftpPort, String extra) throws Exception {
        Files.writeString(file, String.join("\n",
                "account = borealia-system",
                "state = BOR",
                "sftp.host = 127.0.0.1",
                "sftp.port = " + sftpPort,
                "sftp.key = keys/borealia-system",
                "sftp.hostKey = " + hostKeys(),
                "api.url = https://127.0.0.1:" + exchange.server().apiPort(),
                "api.key = keys/borealia-system-api.key.pem",
                "api.certificate = keys/borealia-system-api.cert.pem",
                "api.ca = " + exchange.server().caCertificate(),
                "receiptCertificate = " + exchange.server().receiptCertificate(),
                "retry.initialDelaySeconds = 0",
                extra, ""));
    }

    @Test
    @Order(1)
    void keygenWritesKeysOwnerOnlyAndPrintsTheFingerprints() throws Exception {
        Run r = cli(false, "--json", "keygen", "--account", "borealia-system", "--organisation", "BOR", "--dir", keys.toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode n = r.json();
        sshFingerprint = n.get("sshFingerprint").asText();
        certificateFingerprint = n.get("certificateFingerprint").asText();
        assertThat(sshFingerprint).startsWith("SHA256:");
        assertThat(certificateFingerprint).matches("[0-9a-f]{64}");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.resolve("borealia-system")))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.resolve("borealia-system-api.key.pem"))))
                .isEqualTo("rw-------");
        // the stock tools agree with the fingerprints printed
        Processes.Result sshKeygen = Processes.run(tmp, List.of("ssh-keygen", "-lf", keys.resolve("borealia-system.pub").toString()));
        assertThat(sshKeygen.output()).contains(sshFingerprint);
        Processes.Result openssl = Processes.run(tmp, List.of("openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in",
                keys.resolve("borealia-system-api.cert.pem").toString()));
        assertThat(openssl.output().replace(":", "").toLowerCase()).contains(certificateFingerprint);
        Processes.Result csr = Processes.run(tmp, List.of("openssl", "req", "-noout", "-verify", "-in",
                keys.resolve("borealia-system-api.csr.pem").toString()));
        assertThat(csr.exitCode()).as(csr.output()).isZero();
        // never overwritten
        assertThat(cli(false, "keygen", "--account", "borealia-system", "--organisation", "BOR", "--dir", keys.toString()).code())
                .isEqualTo(ExchangeCli.USAGE);
    }

    @Test
    @Order(2)
    void theSecretariatRegistersTheKeysInOneCommandAndABadRegistrationChangesNothing() throws Exception {
        String before = Files.readString(registry);
        String refused = exchange.admin("register", "--account", "no-such-account", "--ssh-key", keys.resolve("borealia-system.pub").toString());
        assertThat(refused).doesNotStartWith("0\n").contains("no account 'no-such-account'");
        assertThat(Files.readString(registry)).isEqualTo(before);

        String done = exchange.admin("register", "--account", "borealia-system", "--ssh-key", keys.resolve("borealia-system.pub").toString(),
                "--certificate", keys.resolve("borealia-system-api.cert.pem").toString());
        assertThat(done).startsWith("0\n").contains(sshFingerprint).contains(certificateFingerprint);
        String after = Files.readString(registry);
        assertThat(after).contains(Files.readString(keys.resolve("borealia-system.pub")).strip())
                .contains("registered with scripts/admin register on")
                .contains("Replace this file for a real deployment."); // comments kept

        // the same key for another account is refused by the registry's own rules, and nothing changes
        String twice = exchange.admin("register", "--account", "arcadia-system", "--ssh-key", keys.resolve("borealia-system.pub").toString());
        assertThat(twice).doesNotStartWith("0\n").contains(sshFingerprint + " is already registered to account");
        assertThat(Files.readString(registry)).isEqualTo(after);
    }

    @Test
    @Order(3)
    void withTheRegisteredKeysEachStepIsOneCommand() throws Exception {
        writeConfig(config, exchange.port(), "");
        Path report = tmp.resolve("annual-report-2025.pdf");
        Files.writeString(report, "Annual report 2025 of Borealia\n");
        Path receipt = tmp.resolve("receipt.p7s");

        Run submit = cli("--json", "submit", report.toString(), "--report-type", "annual-report", "--level", "states-parties",
                "--period", "2025", "--title", "Borealia annual report 2025", "-o", receipt.toString());
        assertThat(submit.code()).as(submit.err()).isZero();
        assertThat(submit.err()).isEmpty(); // not a terminal: no progress bar
        JsonNode filed = submit.json();
        assertThat(filed.get("alreadyFiled").asBoolean()).isFalse();
        assertThat(filed.get("receipt").get("keyFingerprint").asText()).isEqualTo(sshFingerprint); // the new key, not the demo one
        assertThat(filed.get("receipt").get("period").asText()).isEqualTo("2025");
        // the title travelled in the manifest
        assertThat(exchange.admin("show", filed.get("filingId").asText())).contains("\"title\" : \"Borealia annual report 2025\"");
        // a bad title is refused before anything is sent
        assertThat(cli("submit", report.toString(), "--report-type", "annual-report", "--level", "states-parties", "--title",
                "Report \u202efdp.exe").code()).isEqualTo(ExchangeCli.USAGE);

        Run again = cli("submit", report.toString(), "--report-type", "annual-report", "--level", "states-parties", "--period", "2025",
                "-o", tmp.resolve("again.p7s").toString());
        assertThat(again.code()).isZero();
        assertThat(again.out()).startsWith("already filed as " + filed.get("filingId").asText());

        // a cron job that names its own submission id files once, even with --new-version
        Path nightly = tmp.resolve("nightly-note.txt");
        Files.writeString(nightly, "Nightly note\n");
        String[] job = {"--json", "submit", nightly.toString(), "--report-type", "correspondence", "--level", "secretariat",
            "--new-version", "--submission-id", "bor-nightly-2026-11-23", "-o", tmp.resolve("nightly.p7s").toString()};
        Run nightlyFirst = cli(job);
        assertThat(nightlyFirst.code()).as(nightlyFirst.err()).isZero();
        assertThat(nightlyFirst.json().get("alreadyFiled").asBoolean()).isFalse();
        Run nightlyRerun = cli(job);
        assertThat(nightlyRerun.code()).as(nightlyRerun.err()).isZero();
        assertThat(nightlyRerun.json().get("alreadyFiled").asBoolean()).isTrue();
        assertThat(nightlyRerun.json().get("filingId").asText()).isEqualTo(nightlyFirst.json().get("filingId").asText());
        Files.writeString(nightly, "Another note\n");
        Run changed = cli(job);
        assertThat(changed.code()).isEqualTo(ExchangeCli.REFUSED);
        assertThat(changed.err()).contains("submissionId was already used");
        assertThat(cli("submit", nightly.toString(), "--report-type", "correspondence", "--level", "secretariat",
                "--submission-id", "too-short").code()).isEqualTo(ExchangeCli.USAGE);

        Run verify = cli("verify-receipt", receipt.toString(), "--document", report.toString());
        assertThat(verify.code()).as(verify.err()).isZero();
        assertThat(verify.out()).startsWith("Verification successful").contains(filed.get("filingId").asText())
                .containsPattern("Audit anchor: event \\d+, hash [0-9a-f]{64}");
        Processes.Result openssl = Processes.run(tmp, List.of("openssl", "cms", "-verify", "-inform", "DER", "-in", receipt.toString(),
                "-CAfile", exchange.server().receiptCertificate().toString()));
        assertThat(openssl.exitCode()).as(openssl.output()).isZero();

        Path note = tmp.resolve("note.txt");
        Files.writeString(note, "A question for the secretariat\n");
        String[] send = {"--json", "send", "--message-id", "bor-cli-001", "--type", "correspondence", "--title", "A question",
            "-o", tmp.resolve("message-receipt.p7s").toString(), note.toString()};
        Run sent = cli(send);
        assertThat(sent.code()).as(sent.err()).isZero();
        assertThat(sent.json().get("receipt").get("signerFingerprint").asText()).isEqualTo(certificateFingerprint);
        byte[] firstReceipt = Files.readAllBytes(tmp.resolve("message-receipt.p7s"));
        Run resent = cli(send); // a rerun of the job: the same envelope from the outbox, the original receipt
        assertThat(resent.code()).as(resent.err()).isZero();
        assertThat(Files.readAllBytes(tmp.resolve("message-receipt.p7s"))).isEqualTo(firstReceipt);
        Run reused = cli("send", "--message-id", "bor-cli-001", "--type", "correspondence", "--title", "Another question", note.toString());
        assertThat(reused.code()).isEqualTo(ExchangeCli.USAGE);
        assertThat(reused.err()).contains("was used before for another message");

        assertThat(exchange.admin("send", "--to", "BOR", "--title", "Reminder: annual reports are due by 31 May")).startsWith("0\n");
        Run inbox = cli("--json", "inbox");
        assertThat(inbox.code()).as(inbox.err()).isZero();
        JsonNode entries = inbox.json().get("entries");
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).get("title").asText()).isEqualTo("Reminder: annual reports are due by 31 May");
        long seq = entries.get(0).get("seq").asLong();
        Run fetch = cli("fetch", "--dir", tmp.resolve("distributed").toString());
        assertThat(fetch.code()).as(fetch.err()).isZero();
        assertThat(Files.list(tmp.resolve("distributed")).map(p -> p.getFileName().toString()))
                .anyMatch(n -> n.endsWith("-secretariat-message.p7s"));
        Run ack = cli("ack", Long.toString(seq));
        assertThat(ack.code()).as(ack.err()).isZero();
        assertThat(cli("--json", "inbox").json().get("entries")).isEmpty();
    }

    @Test
    @Order(4)
    void exitCodesFitCronJobs() throws Exception {
        Path report = tmp.resolve("exit-codes.pdf");
        Files.writeString(report, "x\n");
        // refused by the exchange: 1
        Run refused = cli("--json", "submit", report.toString(), "--report-type", "no-such-type", "--level", "secretariat");
        assertThat(refused.code()).isEqualTo(ExchangeCli.REFUSED);
        assertThat(refused.json().get("exitCode").asInt()).isEqualTo(ExchangeCli.REFUSED);
        assertThat(refused.err()).startsWith("exchange: ");
        // bad arguments or configuration: 2
        assertThat(cli("submit", report.toString(), "--report-type", "annual-report", "--level", "everyone").code()).isEqualTo(ExchangeCli.USAGE);
        assertThat(cli(false, "--config", tmp.resolve("missing.properties").toString(), "inbox").code()).isEqualTo(ExchangeCli.USAGE);
        Path typo = tmp.resolve("typo.properties");
        writeConfig(typo, exchange.port(), "api.pasword = secret");
        Run unknownKey = cli(false, "--config", typo.toString(), "inbox");
        assertThat(unknownKey.code()).isEqualTo(ExchangeCli.USAGE);
        assertThat(unknownKey.err()).contains("unknown key(s) [api.pasword]").doesNotContain("secret");
        // a receipt that does not verify: 3
        Path tampered = tmp.resolve("tampered.p7s");
        byte[] bytes = Files.readAllBytes(tmp.resolve("receipt.p7s"));
        int at = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("annual-report-2025.pdf");
        bytes[at] = 'A'; // the signed content, not the certificates the CMS carries (those are ignored)
        Files.write(tampered, bytes);
        assertThat(cli("verify-receipt", tampered.toString()).code()).isEqualTo(ExchangeCli.NOT_VERIFIED);
        assertThat(cli("verify-receipt", tmp.resolve("receipt.p7s").toString(), "--document", report.toString()).code())
                .isEqualTo(ExchangeCli.NOT_VERIFIED);
        // an SFTP server whose host key is not the pinned one: 3, at once (no retry can change it)
        Path impostor = tmp.resolve("impostor.properties");
        writeConfig(impostor, exchange.port(), "");
        Files.writeString(impostor, Files.readString(impostor).replace("sftp.hostKey = " + hostKeys(), "sftp.hostKey = SHA256:" + "A".repeat(43)));
        Run pinned = cli(false, "--config", impostor.toString(), "fetch", "--dir", tmp.resolve("never").toString());
        assertThat(pinned.code()).as(pinned.err()).isEqualTo(ExchangeCli.NOT_VERIFIED);
        assertThat(pinned.err()).contains("host key is not the one pinned");
        assertThat(tmp.resolve("never")).doesNotExist();
        // a key the exchange does not know: the login is refused, 1
        Path stranger = tmp.resolve("stranger");
        assertThat(cli(false, "keygen", "--account", "borealia-system", "--organisation", "BOR", "--dir", stranger.toString()).code()).isZero();
        Path unregistered = tmp.resolve("unregistered.properties");
        writeConfig(unregistered, exchange.port(), "");
        Files.writeString(unregistered, Files.readString(unregistered).replace("sftp.key = keys/borealia-system", "sftp.key = stranger/borealia-system"));
        Run refusedLogin = cli(false, "--config", unregistered.toString(), "submit", report.toString(), "--report-type", "annual-report",
                "--level", "secretariat");
        assertThat(refusedLogin.code()).as(refusedLogin.err()).isEqualTo(ExchangeCli.REFUSED);
        assertThat(refusedLogin.err()).contains("refused the SFTP login");
        // unreachable after every retry: 4 (try again later)
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Path down = tmp.resolve("down.properties");
        writeConfig(down, closed, "retry.attempts = 2");
        Run unreachable = cli(false, "--config", down.toString(), "submit", report.toString(), "--report-type", "annual-report",
                "--level", "secretariat");
        assertThat(unreachable.code()).as(unreachable.err()).isEqualTo(ExchangeCli.UNAVAILABLE);
    }

    @Test
    @Order(5)
    void aProgressBarIsDrawnOnlyOnATerminal() throws Exception {
        Path big = tmp.resolve("large-annex.pdf");
        Files.write(big, new byte[3 * 1024 * 1024]);
        Run onTerminal = cli(true, "--config", config.toString(), "submit", big.toString(), "--report-type", "correspondence",
                "--level", "secretariat", "-o", tmp.resolve("big.p7s").toString());
        assertThat(onTerminal.code()).as(onTerminal.err()).isZero();
        assertThat(onTerminal.err()).contains("\r").contains("100%").contains("large-annex.pdf");
        Run quiet = cli(true, "--config", config.toString(), "--quiet", "submit", big.toString(), "--report-type", "correspondence",
                "--level", "secretariat", "--new-version", "-o", tmp.resolve("big2.p7s").toString());
        assertThat(quiet.code()).isZero();
        assertThat(quiet.err()).isEmpty();
    }
}
