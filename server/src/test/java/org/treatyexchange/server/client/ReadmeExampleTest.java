package org.treatyexchange.server.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.sdk.ClientKeys;
import org.treatyexchange.sdk.ExchangeClient;
import org.treatyexchange.sdk.FilingRequest;
import org.treatyexchange.sdk.FilingResult;
import org.treatyexchange.sdk.wire.InboxEntry;
import org.treatyexchange.sdk.KeyGenerator;
import org.treatyexchange.sdk.SentMessage;
import org.treatyexchange.sdk.SshIdentity;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;
import org.treatyexchange.sdk.wire.Envelope;
import org.treatyexchange.sdk.wire.InboxItem;
import org.treatyexchange.sdk.wire.MessageType;
import org.treatyexchange.server.Processes;
import org.treatyexchange.server.TestExchange;

/**
 * The Java example of README.md's "Connecting a national system", compiled and run against a real
 * server. Only the addresses differ: the README's literal paths are resolved against a temporary
 * folder laid out like the repository ({@code walk/national/}: the national system's folder; {@code data/keys/}), and the ports are the
 * test server's. Keep the two in step.
 */
class ReadmeExampleTest {

    @TempDir
    static Path top;

    static TestExchange exchange;

    @BeforeAll
    static void start() throws Exception {
        Path registry = top.resolve("registry.yaml");
        Files.copy(TestExchange.REPO.resolve("config/registry.yaml"), registry);
        exchange = TestExchange.start(top.resolve("data"), c -> TestExchange.withRegistry(c, registry).withApiPort(0).withPortalPort(0));
        // steps 1 to 3 of the README: keys, registration, the host key
        KeyGenerator.generate(Files.createDirectories(path(".")), "borealia-system", "BOR");
        assertThat(exchange.admin("register", "--account", "borealia-system", "--ssh-key",
                path("borealia-system.pub").toString(), "--certificate",
                path("borealia-system-api.cert.pem").toString())).startsWith("0\n");
        java.io.StringWriter out = new java.io.StringWriter();
        int code = org.treatyexchange.sdk.cli.ExchangeCli.run(new String[] {"host-key", "--host", "127.0.0.1", "--port",
            Integer.toString(exchange.port()), "-o", path("known_hosts").toString()},
                new java.io.PrintWriter(out, true), new java.io.PrintWriter(out, true), java.util.Map.of(), false);
        assertThat(code).as(out.toString()).isZero();
        String published = exchange.server().hostKeyFingerprints().stream().filter(f -> f.startsWith("ssh-ed25519 ")).findFirst()
                .orElseThrow().substring("ssh-ed25519 ".length());
        assertThat(out.toString()).contains("host key " + published); // what the user compares with the server's log
        Files.writeString(path("annual-report-2025.pdf"), "Annual report 2025 of Borealia\n");
        Files.writeString(path("question.txt"), "Does the 2025 template cover brokering?\n");
        assertThat(exchange.admin("send", "--to", "BOR", "--title", "Welcome")).startsWith("0\n");
    }

    @AfterAll
    static void stop() throws Exception {
        exchange.close();
    }

    /** A path of the README's example, which runs in the national system's folder {@code walk/national}. */
    static Path path(String readmePath) {
        return top.resolve("walk/national").resolve(readmePath).normalize();
    }

    @Test
    void theReadmeExampleRuns() throws Exception {
        int sftpPort = exchange.port();
        String api = "https://127.0.0.1:" + exchange.server().apiPort();
        List<InboxItem> read = new ArrayList<>();
        FilingResult filedOut;
        SentMessage sentOut;
        // ---- README example, from here (Path.of(x) → path(x), ports → the test server's) ----
        try (ExchangeClient exchange = ExchangeClient.builder()
                .account("borealia-system")
                .sftp("127.0.0.1", sftpPort, SshIdentity.load(path("borealia-system")))
                .sftpHostKeyFile(path("known_hosts"))
                .api(URI.create(api),
                        ClientKeys.fromPem(path("borealia-system-api.key.pem"),
                                path("borealia-system-api.cert.pem")),
                        ExchangeClient.certificate(path("../../data/keys/ca-cert.pem")))
                .receiptCertificate(ExchangeClient.certificate(path("../../data/keys/receipt-cert.pem")))
                .build()) {
            FilingResult filed = exchange.submit(FilingRequest.of(path("annual-report-2025.pdf"),
                    "annual-report", ConfidentialityLevel.STATES_PARTIES).withPeriod("2025"));
            Files.write(path("receipt.p7s"), filed.signedReceipt());

            Envelope.Builder message = Envelope.builder().messageId("bor-2025-question-2")
                    .type(MessageType.CORRESPONDENCE).state("BOR").title("2025 template")
                    .document("question.txt", path("question.txt"), "text/plain");
            SentMessage sent = exchange.send(message.build(), message.files());

            for (InboxEntry entry : exchange.inbox(0, 100)) {
                InboxItem item = exchange.fetch(entry.seq());   // verified against the receipt certificate
                exchange.acknowledge(entry.seq());
                read.add(item);
            }
            exchange.downloadNew(path("distributed"));
            filedOut = filed;
            sentOut = sent;
        }
        // ---- to here ----
        assertThat(filedOut.receipt().period()).isEqualTo("2025");
        assertThat(filedOut.receipt().keyFingerprint()).isEqualTo(SshIdentity.load(path("borealia-system")).fingerprint());
        assertThat(Processes.run(path("."), List.of("openssl", "cms", "-verify", "-inform", "DER", "-in", "receipt.p7s", "-CAfile",
                exchange.server().receiptCertificate().toString())).exitCode()).isZero();
        assertThat(sentOut.receipt().documents()).hasSize(1);
        assertThat(read).extracting(InboxItem::title).containsExactly("Welcome");
        assertThat(Files.list(path("distributed")).map(p -> p.getFileName().toString()))
                .anyMatch(n -> n.endsWith("-secretariat-message.p7s"));
    }
}
