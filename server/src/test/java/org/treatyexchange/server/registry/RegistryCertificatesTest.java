package org.treatyexchange.server.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.server.config.ConfigException;
import org.treatyexchange.server.config.ServerConfig;
import org.treatyexchange.server.crypto.IssuedCredential;
import org.treatyexchange.server.crypto.LocalCertificateAuthority;

class RegistryCertificatesTest {
    static final Set<String> REPORT_TYPES = ServerConfig.defaults().reportTypeIds();

    @TempDir
    static Path caDir;
    static LocalCertificateAuthority ca;
    static IssuedCredential c1;
    static IssuedCredential c2;
    static IssuedCredential c3;

    @TempDir
    Path dir;
    Path demoKeys;
    String sshKey;

    @BeforeAll
    static void issue() throws Exception {
        ca = LocalCertificateAuthority.openOrCreate(caDir.resolve("ca.p12"), caDir.resolve("ca.pem"),
                "pw".toCharArray(), "Test CA", Clock.systemUTC());
        c1 = ca.issueClientCertificate("arcadia-system", "ARC", Duration.ofDays(30));
        c2 = ca.issueClientCertificate("arcadia-system-2", "ARC", Duration.ofDays(30));
        c3 = ca.issueClientCertificate("borealia-system", "BOR", Duration.ofDays(30));
    }

    @BeforeEach
    void setUp() throws IOException {
        demoKeys = Files.createDirectory(dir.resolve("demo-keys"));
        sshKey = TestKeys.line(TestKeys.ed25519().getPublic(), "secretariat");
    }

    static String fp(IssuedCredential c) {
        return LocalCertificateAuthority.fingerprint(c.certificate());
    }

    /** The certificate's PEM, as a YAML double-quoted scalar. */
    static String pem(IssuedCredential c) throws IOException {
        Path tmp = Files.createTempFile(caDir, "c", ".pem");
        Path key = Files.createTempFile(caDir, "k", ".pem");
        c.writePem(key, tmp);
        String chain = Files.readString(tmp);
        String leaf = chain.substring(0, chain.indexOf("-----END CERTIFICATE-----") + 26);
        return "\"" + leaf.replace("\n", "\\n") + "\"";
    }

    private String registry(String arcadiaExtra, String borealiaExtra) {
        return """
                states:
                  - code: ARC
                    name: Arcadia
                    status: state-party
                  - code: BOR
                    name: Borealia
                    status: state-party
                accounts:
                  - name: arcadia-system
                    state: ARC
                    role: state-system
                %s
                  - name: borealia-system
                    state: BOR
                    role: state-system
                %s
                  - name: secretariat
                    role: secretariat
                    sshKeys: ["%s"]
                """.formatted(arcadiaExtra.indent(4).stripTrailing(), borealiaExtra.indent(4).stripTrailing(), sshKey);
    }

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("registry.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private Registry load(String yaml) throws Exception {
        return RegistryLoader.load(write(yaml), REPORT_TYPES, demoKeys);
    }

    private void fails(String yaml, String key, String problem) throws IOException {
        fails(yaml, key, problem, Clock.systemUTC());
    }

    private void fails(String yaml, String key, String problem, Clock clock) throws IOException {
        Path file = write(yaml);
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> RegistryLoader.load(file, REPORT_TYPES, demoKeys, clock));
        assertThat(e).as("expected a ConfigException").isNotNull();
        assertThat(e.file()).isEqualTo(file);
        assertThat(e.key()).isEqualTo(key);
        assertThat(e.getMessage()).isEqualTo(file + ": " + key + ": " + problem);
    }

    @Test
    void pemAndFileCertificatesAreRegisteredAndLookedUp() throws Exception {
        Files.createDirectories(dir.resolve("certs"));
        c2.writePem(caDir.resolve("c2.key"), dir.resolve("certs/c2.pem"));
        Registry r = load(registry(
                "certificates:\n  - pem: " + pem(c1) + "\n  - file: certs/c2.pem\n    revoked: false\n",
                "certificates:\n  - pem: " + pem(c3) + "\n"));

        Account arcadia = r.account("arcadia-system").orElseThrow();
        assertThat(arcadia.sshKeys()).isEmpty();
        assertThat(arcadia.certificates()).extracting(RegisteredCertificate::fingerprint).containsExactly(fp(c1), fp(c2));
        assertThat(arcadia.certificates().get(0).certificate()).isEqualTo(c1.certificate());
        assertThat(arcadia.certificates()).noneMatch(RegisteredCertificate::revoked);
        assertThat(r.accountByCertificate(fp(c1))).map(Account::name).contains("arcadia-system");
        assertThat(r.accountByCertificate(fp(c2))).map(Account::name).contains("arcadia-system");
        assertThat(r.accountByCertificate(fp(c3))).map(Account::name).contains("borealia-system");
        assertThat(r.accountByCertificate("0".repeat(64))).isEmpty();
        assertThat(r.certificate(fp(c3))).map(RegisteredCertificate::revoked).contains(false);
    }

    @Test
    void revokedCertificatesAreKnownButDoNotAuthenticate() throws Exception {
        Registry r = load(registry(
                "certificates:\n  - pem: " + pem(c1) + "\n    revoked: true\n  - pem: " + pem(c2) + "\n"
                        + "revokedCertificates: [" + fp(c2) + "]\nsshKeys: [\"" + TestKeys.line(TestKeys.ed25519().getPublic(), "x") + "\"]\n",
                "certificates:\n  - pem: " + pem(c3) + "\n"));
        assertThat(r.accountByCertificate(fp(c1))).isEmpty();
        assertThat(r.accountByCertificate(fp(c2))).isEmpty();
        assertThat(r.certificate(fp(c1))).map(RegisteredCertificate::revoked).contains(true);
        assertThat(r.certificate(fp(c2))).map(RegisteredCertificate::revoked).contains(true);
        assertThat(r.accountByCertificate(fp(c3))).isPresent();
    }

    @Test
    void disabledAccountsDoNotAuthenticate() throws Exception {
        Registry r = load(registry("certificates:\n  - pem: " + pem(c1) + "\ndisabled: true\n",
                "certificates:\n  - pem: " + pem(c3) + "\n"));
        assertThat(r.accountByCertificate(fp(c1))).isEmpty();
        assertThat(r.certificate(fp(c1))).map(RegisteredCertificate::revoked).contains(false);
    }

    @Test
    void demoCertificateIsAddedWhenPresentAndRevocableByFingerprint() throws Exception {
        String demoAccount = "demoKey: true\n";
        TestKeys.writeDemoKey(demoKeys, "arcadia-system");
        TestKeys.writeDemoKey(demoKeys, "borealia-system");
        // Borealia's demo certificate file does not exist: not an error.
        c1.writePem(caDir.resolve("demo.key"), RegistryLoader.demoCertificateFile(demoKeys, "arcadia-system"));
        assertThat(RegistryLoader.demoCertificateFile(demoKeys, "arcadia-system"))
                .isEqualTo(demoKeys.resolve("arcadia-system-api.cert.pem"));
        assertThat(RegistryLoader.demoPublicKeyFile(demoKeys, "arcadia-system"))
                .isEqualTo(demoKeys.resolve("arcadia-system.pub"));

        Registry r = load(registry(demoAccount, demoAccount));
        assertThat(r.account("arcadia-system").orElseThrow().certificates()).singleElement()
                .extracting(RegisteredCertificate::fingerprint).isEqualTo(fp(c1));
        assertThat(r.account("borealia-system").orElseThrow().certificates()).isEmpty();
        assertThat(r.accountByCertificate(fp(c1))).map(Account::name).contains("arcadia-system");

        Registry revoked = load(registry(demoAccount + "revokedCertificates: [" + fp(c1) + "]\n", demoAccount));
        assertThat(revoked.accountByCertificate(fp(c1))).isEmpty();
        assertThat(revoked.certificate(fp(c1))).map(RegisteredCertificate::revoked).contains(true);
    }

    @Test
    void aChainRegistersItsLeafButTwoLeavesAreRefused() throws Exception {
        // writePem writes leaf + CA, as the demo writer does.
        c1.writePem(caDir.resolve("chain.key"), dir.resolve("chain.pem"));
        Registry r = load(registry("certificates:\n  - file: chain.pem\n", "disabled: true\n"));
        assertThat(r.account("arcadia-system").orElseThrow().certificates()).singleElement()
                .extracting(RegisteredCertificate::fingerprint).isEqualTo(fp(c1));
        assertThat(r.certificate(LocalCertificateAuthority.fingerprint(ca.certificate()))).isEmpty();
        Files.writeString(dir.resolve("two.pem"), pem(c1).replace("\\n", "\n").replace("\"", "")
                + pem(c2).replace("\\n", "\n").replace("\"", ""));
        fails(registry("certificates:\n  - file: two.pem\n", "disabled: true\n"),
                "accounts[arcadia-system].certificates[0].file", "holds 2 end-entity certificates; register exactly one "
                        + "(the State system's own certificate, optionally followed by its CA chain)");
    }

    @Test
    void sameCertificateOnTwoAccountsIsRefused() throws Exception {
        fails(registry("certificates:\n  - pem: " + pem(c1) + "\n", "certificates:\n  - pem: " + pem(c1) + "\n"),
                "accounts[borealia-system].certificates[0].pem", "certificate " + fp(c1)
                        + " is already registered to account 'arcadia-system'; each certificate belongs to exactly one account");
    }

    @Test
    void expiredCertificateIsRefusedUnlessRevoked() throws Exception {
        Instant later = c1.certificate().getNotAfter().toInstant().plusSeconds(1);
        Clock afterExpiry = Clock.fixed(later, ZoneOffset.UTC);
        fails(registry("certificates:\n  - pem: " + pem(c1) + "\n", "disabled: true\n"),
                "accounts[arcadia-system].certificates[0].pem", "certificate " + fp(c1) + " of account 'arcadia-system' "
                        + "expired on " + c1.certificate().getNotAfter().toInstant()
                        + "; remove it, or mark it revoked: true to keep it on record", afterExpiry);
        Registry r = RegistryLoader.load(write(registry("certificates:\n  - pem: " + pem(c1) + "\n    revoked: true\n"
                + "disabled: true\n", "disabled: true\n")), REPORT_TYPES, demoKeys, afterExpiry);
        assertThat(r.certificate(fp(c1))).map(RegisteredCertificate::revoked).contains(true);
    }

    @Test
    void invalidCertificateEntriesAreRefusedWithKeyAndFix() throws Exception {
        String b = "disabled: true\n";
        fails(registry("certificates:\n  - pem: \"-----BEGIN PRIVATE KEY-----\\nAAAA\\n-----END PRIVATE KEY-----\\n\"\n", b),
                "accounts[arcadia-system].certificates[0].pem", "is not a PEM certificate: line 1: a PRIVATE KEY block "
                        + "where only CERTIFICATE blocks are allowed; paste one -----BEGIN CERTIFICATE----- block");
        fails(registry("certificates:\n  - pem: " + pem(c1) + "\n    file: x.pem\n", b),
                "accounts[arcadia-system].certificates[0]",
                "give exactly one of pem (the certificate text) or file (a PEM file relative to " + dir.getFileName() + "/)");
        fails(registry("certificates:\n  - revoked: true\n", b), "accounts[arcadia-system].certificates[0]",
                "give exactly one of pem (the certificate text) or file (a PEM file relative to " + dir.getFileName() + "/)");
        fails(registry("certificates:\n  - file: missing.pem\n", b), "accounts[arcadia-system].certificates[0].file",
                "certificate file " + dir.resolve("missing.pem") + " does not exist; paths are relative to the "
                        + "registry file's directory");
        fails(registry("certificates:\n  - pem: " + pem(c1) + "\n    revoke: true\n", b),
                "accounts[arcadia-system].certificates[0].revoke",
                "unknown key — did you mean 'accounts[arcadia-system].certificates[0].revoked'? Allowed here: pem, file, revoked");
        fails(registry("certificates:\n  - pem: " + pem(c1) + "\n" + "revokedCertificates: [" + fp(c1).toUpperCase() + "]\n", b),
                "accounts[arcadia-system].revokedCertificates[0]", "'" + fp(c1).toUpperCase() + "' must be a certificate "
                        + "fingerprint: 64 lower-case hex digits, the SHA-256 of the DER certificate (openssl x509 "
                        + "-noout -fingerprint -sha256, without the colons, in lower case)");
        fails(registry("certificates:\n  - pem: " + pem(c1) + "\n" + "revokedCertificates: [" + fp(c1) + ", " + fp(c1) + "]\n", b),
                "accounts[arcadia-system].revokedCertificates[1]", "'" + fp(c1) + "' is listed twice");
        fails(registry("certificates:\n  - pem: " + pem(c1) + "\n" + "revokedCertificates: [" + fp(c3) + "]\n", b),
                "accounts[arcadia-system].revokedCertificates[0]", "'" + fp(c3) + "' is not the fingerprint of any "
                        + "certificate of account 'arcadia-system'; a revocation must name one of its certificates");
        String caPem = "\"" + Files.readString(caDir.resolve("ca.pem")).replace("\n", "\\n") + "\"";
        fails(registry("certificates:\n  - pem: " + caPem + "\n", b), "accounts[arcadia-system].certificates[0].pem",
                "is a CA certificate; register the end-entity certificate the State's system signs with");
        fails(registry("certificates:\n  - pem: " + pem(c1) + "\n    revoked: true\n", b),
                "accounts[arcadia-system].sshKeys", "account 'arcadia-system' is enabled but has no key or certificate; "
                        + "list an OpenSSH public key under sshKeys or a certificate under certificates, or set disabled: true");
    }

    @Test
    void reloadReportsCertificateChanges() throws Exception {
        Path file = write(registry("certificates:\n  - pem: " + pem(c1) + "\n  - pem: " + pem(c2) + "\n", "disabled: true\n"));
        RegistryService service = new RegistryService(file, REPORT_TYPES, demoKeys);
        write(registry("certificates:\n  - pem: " + pem(c1) + "\n    revoked: true\n  - pem: " + pem(c3) + "\n"
                + "disabled: true\n", "sshKeys: [\"" + TestKeys.line(TestKeys.ed25519().getPublic(), "b") + "\"]\n"));
        RegistryChange change = service.reload();
        assertThat(change.changed()).contains("account arcadia-system: disabled, certificate revoked " + fp(c1)
                + ", certificate added " + fp(c3) + ", certificate removed " + fp(c2));
        write(registry("certificates:\n  - pem: " + pem(c1) + "\n  - pem: " + pem(c3) + "\n"
                + "disabled: true\n", "sshKeys: [\"" + TestKeys.line(TestKeys.ed25519().getPublic(), "b") + "\"]\n"));
        assertThat(service.reload().changed()).anyMatch(s -> s.endsWith("certificate reinstated " + fp(c1)));
        assertThat(service.current().certificate(fp(c1))).map(RegisteredCertificate::revoked).contains(false);
        assertThat(List.of(c1, c2, c3)).hasSize(3);
    }
}
