package org.treatyexchange.server.messages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.sdk.ClientKeys;
import org.treatyexchange.sdk.ExchangeException;
import org.treatyexchange.sdk.wire.InboxEntry;
import org.treatyexchange.sdk.MessageClient;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;
import org.treatyexchange.sdk.wire.Envelope;
import org.treatyexchange.sdk.wire.InboxItem;
import org.treatyexchange.sdk.wire.MessageReceipt;
import org.treatyexchange.sdk.wire.MessageType;
import org.treatyexchange.server.Processes;
import org.treatyexchange.server.TestExchange;
import org.treatyexchange.server.crypto.LocalCertificateAuthority;

/**
 * The Java SDK against the real server, and the life of a client certificate: two valid at once
 * during a rotation, and a revoked one refused as soon as the registry is reloaded.
 */
class ApiClientsTest {

    @TempDir
    static Path tmp;

    static Path registry;
    static String original;
    static TestExchange exchange;

    @BeforeAll
    static void start() throws Exception {
        registry = tmp.resolve("registry.yaml");
        Files.copy(TestExchange.REPO.resolve("config/registry.yaml"), registry);
        original = Files.readString(registry);
        exchange = TestExchange.start(tmp.resolve("home"), c -> TestExchange.withRegistry(c, registry).withApiPort(0).withPortalPort(0));
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

    static MessageClient client(ClientKeys keys) throws Exception {
        return MessageClient.builder()
                .baseUri(URI.create("https://127.0.0.1:" + exchange.server().apiPort() + "/"))
                .clientKeys(keys)
                .trustedServerCa(certificate(exchange.server().caCertificate()))
                .receiptCertificate(certificate(exchange.server().receiptCertificate()))
                .connectTimeout(Duration.ofSeconds(10))
                .requestTimeout(Duration.ofSeconds(60))
                .build();
    }

    static ClientKeys demoKeys(String account) throws Exception {
        Path demo = exchange.home().resolve("demo");
        return ClientKeys.fromPem(demo.resolve(account + "-api.key.pem"), demo.resolve(account + "-api.cert.pem"));
    }

    @Test
    void theSdkSendsAFilingAndTheSecretariatsMessageReachesTheQueue() throws Exception {
        Path report = tmp.resolve("national-report.pdf");
        Files.writeString(report, "Programme of Action national report 2026");
        Envelope envelope = Envelope.builder()
                .messageId("syl-poa-2026")
                .type(MessageType.FILING)
                .state("SYL")
                .level(ConfidentialityLevel.NAMED)
                .namedStates("ARC", "BOR")
                .reportType("national-report")
                .period("2026")
                .title("PoA national report 2026")
                .withheld(true)
                .document("national-report.pdf", report, "application/pdf")
                .build();
        MessageReceipt receipt = client(demoKeys("sylvania-system")).send(envelope, Map.of("national-report.pdf", report));
        assertThat(receipt.messageId()).isEqualTo("syl-poa-2026");
        assertThat(receipt.level()).isEqualTo(ConfidentialityLevel.NAMED);
        assertThat(receipt.documents()).singleElement().satisfies(d -> assertThat(d.name()).isEqualTo("national-report.pdf"));
        String shown = exchange.admin("show", receipt.documents().get(0).filingId());
        assertThat(shown).contains("\"withheld\" : true").contains("\"level\" : \"named\"").contains("\"ARC\"", "\"BOR\"")
                .contains("\"channel\" : \"api\"");

        // the secretariat writes to Borealia through the API; only Borealia's queue gets it
        Envelope note = Envelope.builder()
                .messageId("sec-note-1")
                .type(MessageType.SECRETARIAT_MESSAGE)
                .recipients("BOR")
                .title("Please confirm your national point of contact")
                .body("Dear colleagues, …")
                .build();
        MessageReceipt sent = client(demoKeys("secretariat")).sendSecretariatMessage(note);
        assertThat(sent.recipients()).containsExactly("BOR");

        MessageClient borealia = client(demoKeys("borealia-system"));
        List<InboxEntry> entries = borealia.inbox(0, 100);
        InboxEntry entry = entries.stream().filter(e -> e.title().startsWith("Please confirm")).findFirst().orElseThrow();
        InboxItem item = borealia.fetch(entry.seq());
        assertThat(item.to()).isEqualTo("BOR");
        assertThat(item.body()).isEqualTo("Dear colleagues, …");
        borealia.acknowledge(entry.seq());
        assertThat(borealia.inbox(0, 100)).noneMatch(e -> e.seq() == entry.seq());
        assertThat(client(demoKeys("arcadia-system")).inbox(0, 100)).noneMatch(e -> e.title().startsWith("Please confirm"));

        // a State may not use the secretariat's endpoint, nor read another State's entry
        assertThatThrownBy(() -> client(demoKeys("arcadia-system")).sendSecretariatMessage(note))
                .isInstanceOfSatisfying(ExchangeException.class, e -> assertThat(e.problemType()).isEqualTo("forbidden"));
        assertThatThrownBy(() -> client(demoKeys("arcadia-system")).fetch(entry.seq()))
                .isInstanceOfSatisfying(ExchangeException.class, e -> assertThat(e.status()).isEqualTo(404));
    }

    @Test
    void twoCertificatesWorkDuringARotationAndARevokedOneStopsAtTheNextReload() throws Exception {
        Path key = tmp.resolve("arcadia-new.key");
        Path cert = tmp.resolve("arcadia-new.pem");
        Processes.Result made = Processes.run(tmp, List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "30", "-subj", "/CN=arcadia-system 2027/O=ARC",
                "-addext", "basicConstraints=critical,CA:FALSE", "-addext", "keyUsage=digitalSignature", "-addext", "extendedKeyUsage=clientAuth,emailProtection"));
        assertThat(made.exitCode()).as(made.output()).isZero();
        ClientKeys oldKeys = demoKeys("arcadia-system");
        ClientKeys newKeys = ClientKeys.fromPem(key, cert);
        String oldFingerprint = LocalCertificateAuthority.fingerprint(oldKeys.certificate());
        try {
            // the new certificate is not registered yet
            assertThatThrownBy(() -> client(newKeys).inbox(0, 10))
                    .isInstanceOfSatisfying(ExchangeException.class, e -> assertThat(e.problemType()).isEqualTo("unknown-client"));

            String withNew = original.replace("  - name: arcadia-system\n    state: ARC\n    role: state-system\n",
                    "  - name: arcadia-system\n    state: ARC\n    role: state-system\n    certificates:\n      - file: " + cert + "\n");
            assertThat(withNew).isNotEqualTo(original);
            Files.writeString(registry, withNew);
            assertThat(exchange.admin("reload-registry")).startsWith("0\n");
            assertThat(client(oldKeys).inbox(0, 10)).isNotNull();
            assertThat(client(newKeys).inbox(0, 10)).isNotNull();

            String revoked = withNew.replace("    certificates:\n      - file: " + cert + "\n",
                    "    certificates:\n      - file: " + cert + "\n    revokedCertificates: [" + oldFingerprint + "]\n");
            Files.writeString(registry, revoked);
            assertThat(exchange.admin("reload-registry")).startsWith("0\n").contains("revoked");
            assertThatThrownBy(() -> client(oldKeys).inbox(0, 10))
                    .isInstanceOfSatisfying(ExchangeException.class, e -> assertThat(e.problemType()).isEqualTo("unknown-client"));
            assertThat(client(newKeys).inbox(0, 10)).isNotNull();
            // and an envelope signed with the revoked certificate is refused even when sent with the new one
            Envelope e = Envelope.builder().messageId("arc-after-revocation").type(MessageType.CORRESPONDENCE).state("ARC")
                    .title("hello").body("x").build();
            assertThatThrownBy(() -> client(oldKeys).send(e, Map.of())).isInstanceOf(ExchangeException.class);
            assertThat(client(newKeys).send(e, Map.of()).messageId()).isEqualTo("arc-after-revocation");
        } finally {
            Files.writeString(registry, original);
            exchange.admin("reload-registry");
        }
        assertThat(new String(Files.readAllBytes(registry), StandardCharsets.UTF_8)).isEqualTo(original);
    }
}
