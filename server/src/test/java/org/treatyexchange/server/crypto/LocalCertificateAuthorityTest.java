package org.treatyexchange.server.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalCertificateAuthorityTest {

    static final char[] PASSWORD = "ca-pass".toCharArray();
    static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    static final String EMAIL_PROTECTION = "1.3.6.1.5.5.7.3.4";

    @TempDir
    Path dir;
    Path p12;
    Path pem;
    LocalCertificateAuthority ca;

    @BeforeEach
    void setUp() throws Exception {
        p12 = dir.resolve("keys/ca.p12");
        pem = dir.resolve("keys/ca-cert.pem");
        ca = LocalCertificateAuthority.openOrCreate(p12, pem, PASSWORD, "Treaty Exchange CA", Clock.systemUTC());
    }

    @Test
    void createsAP384CaCertificateWithPathLenZero() throws Exception {
        X509Certificate cert = ca.certificate();
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=Treaty Exchange CA,O=Treaty Exchange");
        cert.verify(cert.getPublicKey());
        assertThat(((ECPublicKey) cert.getPublicKey()).getParams().getCurve().getField().getFieldSize()).isEqualTo(384);
        assertThat(cert.getBasicConstraints()).isZero(); // CA:TRUE, pathLen 0
        assertThat(cert.getCriticalExtensionOIDs()).contains("2.5.29.19", "2.5.29.15");
        boolean[] ku = cert.getKeyUsage();
        assertThat(ku[5]).as("keyCertSign").isTrue();
        assertThat(ku[6]).as("cRLSign").isTrue();
        assertThat(ku[0]).as("digitalSignature").isFalse();
        Duration validity = Duration.between(cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant());
        assertThat(validity).isGreaterThanOrEqualTo(Duration.ofDays(3652));
        assertThat(Files.getPosixFilePermissions(p12)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(pem)).isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(LocalCertificateAuthority.readPemCertificates(Files.readString(pem))).containsExactly(cert);
    }

    @Test
    void reopensTheSameCaAndRewritesAMissingPem() throws Exception {
        Files.delete(pem);
        LocalCertificateAuthority again = LocalCertificateAuthority.openOrCreate(p12, pem, PASSWORD, "ignored",
                Clock.systemUTC());
        assertThat(again.certificate()).isEqualTo(ca.certificate());
        assertThat(LocalCertificateAuthority.readPemCertificates(Files.readString(pem))).containsExactly(ca.certificate());
        assertThatThrownBy(() -> LocalCertificateAuthority.openOrCreate(p12, pem, "wrong".toCharArray(), "x",
                Clock.systemUTC()))
                .isInstanceOf(KeyStoreException.class)
                .hasMessage("CA keystore ca.p12 could not be opened: wrong password or damaged file");
    }

    @Test
    void serverCertificateVerifiesWithOpensslAgainstTheCa() throws Exception {
        IssuedCredential server = ca.issueServerCertificate(List.of("localhost", "exchange.example.org"),
                List.of("127.0.0.1", "::1"), Duration.ofDays(90));
        server.writePem(dir.resolve("server.key"), dir.resolve("server.pem"));
        // openssl verify reads the first certificate of server.pem, the leaf.
        Processes.Result verify = Processes.run(dir, "openssl", "verify", "-CAfile", "keys/ca-cert.pem",
                "-purpose", "sslserver", "server.pem");
        assertThat(verify.output()).contains("server.pem: OK");
        assertThat(verify.exitCode()).isZero();
        Processes.Result check = Processes.run(dir, "openssl", "x509", "-in", "server.pem", "-noout",
                "-checkhost", "exchange.example.org", "-checkip", "::1");
        assertThat(check.output()).contains("does match certificate").doesNotContain("NOT match");

        X509Certificate cert = server.certificate();
        assertThat(cert.getExtendedKeyUsage()).containsExactly(SERVER_AUTH);
        assertThat(cert.getBasicConstraints()).isEqualTo(-1);
        assertThat(cert.getSubjectAlternativeNames().stream().map(l -> (Object) l.get(1)).toList())
                .containsExactly("localhost", "exchange.example.org", "127.0.0.1", "0:0:0:0:0:0:0:1");
        assertThat(((ECPublicKey) cert.getPublicKey()).getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
        assertThat(server.chain()).containsExactly(cert, ca.certificate());
        assertThat(Duration.between(Instant.now(), cert.getNotAfter().toInstant())).isBetween(
                Duration.ofDays(89), Duration.ofDays(90));
    }

    @Test
    void clientCertificateSignsAndAuthenticates() throws Exception {
        IssuedCredential client = ca.issueClientCertificate("arcadia-system", "ARC", Duration.ofDays(365));
        X509Certificate cert = client.certificate();
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=arcadia-system,O=ARC");
        assertThat(cert.getIssuerX500Principal()).isEqualTo(ca.certificate().getSubjectX500Principal());
        cert.verify(ca.certificate().getPublicKey());
        assertThat(cert.getExtendedKeyUsage()).containsExactlyInAnyOrder(CLIENT_AUTH, EMAIL_PROTECTION);
        boolean[] ku = cert.getKeyUsage();
        assertThat(ku[0]).as("digitalSignature").isTrue();
        assertThat(ku[1]).as("nonRepudiation").isTrue();
        assertThat(ku[5]).as("keyCertSign").isFalse();
        assertThat(cert.getSubjectAlternativeNames()).isNull();

        client.writePem(dir.resolve("client.key"), dir.resolve("client.pem"));
        assertThat(Files.getPosixFilePermissions(dir.resolve("client.key")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(dir.resolve("client.pem")))
                .isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(Files.readString(dir.resolve("client.key"))).startsWith("-----BEGIN PRIVATE KEY-----\n");
        for (String purpose : List.of("sslclient", "smimesign")) {
            Processes.Result verify = Processes.run(dir, "openssl", "verify", "-CAfile", "keys/ca-cert.pem",
                    "-purpose", purpose, "client.pem");
            assertThat(verify.output()).as(purpose).contains("client.pem: OK");
        }
        // openssl reads the unencrypted PKCS#8 key, and it is the certificate's key.
        Processes.Result keyPub = Processes.run(dir, "openssl", "pkey", "-in", "client.key", "-pubout");
        Processes.Result certPub = Processes.run(dir, "openssl", "x509", "-in", "client.pem", "-noout", "-pubkey");
        assertThat(keyPub.exitCode()).isZero();
        assertThat(keyPub.output()).isEqualTo(certPub.output()).startsWith("-----BEGIN PUBLIC KEY-----");
        assertThat(client.toString()).contains("CN=arcadia-system").doesNotContain("PRIVATE");
    }

    @Test
    void pkcs12LoadsInJavaAndOpenssl() throws Exception {
        IssuedCredential client = ca.issueClientCertificate("borealia-system", "BOR", Duration.ofDays(30));
        Path p = dir.resolve("client.p12");
        client.writePkcs12(p, "p12-pass".toCharArray());
        assertThat(Files.getPosixFilePermissions(p)).isEqualTo(PosixFilePermissions.fromString("rw-------"));

        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(p)) {
            ks.load(in, "p12-pass".toCharArray());
        }
        assertThat(ks.getKey(IssuedCredential.ALIAS, "p12-pass".toCharArray())).isEqualTo(client.key());
        assertThat(ks.getCertificateChain(IssuedCredential.ALIAS)).containsExactly(client.certificate(), ca.certificate());

        Processes.Result certs = Processes.run(dir, "openssl", "pkcs12", "-in", "client.p12", "-passin",
                "pass:p12-pass", "-nokeys");
        assertThat(certs.exitCode()).as(certs.output()).isZero();
        assertThat(LocalCertificateAuthority.readPemCertificates(certs.output().replaceAll("(?m)^(Bag Attributes|    |subject=|issuer=).*\\n", "")))
                .containsExactly(client.certificate(), ca.certificate());
        Processes.Result keys = Processes.run(dir, "openssl", "pkcs12", "-in", "client.p12", "-passin",
                "pass:p12-pass", "-nocerts", "-nodes");
        assertThat(keys.exitCode()).isZero();
        assertThat(keys.output()).contains("-----BEGIN PRIVATE KEY-----");
        Processes.Result wrong = Processes.run(dir, "openssl", "pkcs12", "-in", "client.p12", "-passin",
                "pass:nope", "-nokeys");
        assertThat(wrong.exitCode()).isNotZero();
    }

    @Test
    void fingerprintIsSha256OfDerAsOpensslPrintsIt() throws Exception {
        IssuedCredential client = ca.issueClientCertificate("x", "ARC", Duration.ofDays(1));
        String expected = HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(client.certificate().getEncoded()));
        assertThat(LocalCertificateAuthority.fingerprint(client.certificate())).isEqualTo(expected).hasSize(64);
        client.writePem(dir.resolve("x.key"), dir.resolve("x.pem"));
        Processes.Result out = Processes.run(dir, "openssl", "x509", "-in", "x.pem", "-noout", "-fingerprint", "-sha256");
        assertThat(out.output().strip()).isEqualToIgnoringCase("sha256 Fingerprint="
                + HexFormat.ofDelimiter(":").formatHex(HexFormat.of().parseHex(expected)));
    }

    @Test
    void validityIsBoundedAndCutToTheCasEnd() throws Exception {
        assertThatThrownBy(() -> ca.issueClientCertificate("a", "ARC", Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("validity must be positive");
        assertThatThrownBy(() -> ca.issueClientCertificate("a", "ARC", Duration.ofDays(3654)))
                .isInstanceOf(IllegalArgumentException.class);
        IssuedCredential longest = ca.issueClientCertificate("a", "ARC", Duration.ofDays(3653));
        assertThat(longest.certificate().getNotAfter()).isBeforeOrEqualTo(ca.certificate().getNotAfter());
    }

    @Test
    void refusesBadNames() {
        assertThatThrownBy(() -> ca.issueServerCertificate(List.of(), List.of(), Duration.ofDays(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one");
        assertThatThrownBy(() -> ca.issueServerCertificate(List.of("Bad_Name"), List.of(), Duration.ofDays(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'Bad_Name' is not a lower-case DNS name");
        assertThatThrownBy(() -> ca.issueServerCertificate(List.of(), List.of("example.org"), Duration.ofDays(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("'example.org' is not an IPv4 or IPv6 address");
        assertThatThrownBy(() -> ca.issueServerCertificate(List.of(), List.of("1.2.3"), Duration.ofDays(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ca.issueClientCertificate("a\nb", "ARC", Duration.ofDays(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pemParsingIsStrict() throws Exception {
        IssuedCredential c = ca.issueClientCertificate("x", "ARC", Duration.ofDays(1));
        String certPem = new String(X509Pem.certificatesPem(List.of(c.certificate())), StandardCharsets.US_ASCII);
        String keyPem = new String(X509Pem.privateKeyPem(c.key()), StandardCharsets.US_ASCII);

        assertThat(LocalCertificateAuthority.readPemCertificates("\n" + certPem.replace("\n", "\r\n") + "\n"))
                .containsExactly(c.certificate());
        assertPemRefused(keyPem, "line 1: a PRIVATE KEY block where only CERTIFICATE blocks are allowed");
        assertPemRefused(certPem + keyPem, "line 1: a PRIVATE KEY block where only CERTIFICATE blocks are allowed"
                .replace("line 1", "line " + (certPem.lines().count() + 1)));
        assertPemRefused("subject=CN=x\n" + certPem, "line 1: text outside a PEM block");
        assertPemRefused(certPem.substring(0, certPem.indexOf("-----END")), "CERTIFICATE block 1 has no END line");
        assertPemRefused(certPem.replace("\n-----END", "!\n-----END"), "CERTIFICATE block 1 is not valid base64");
        assertPemRefused("", "no PEM text; expected one or more -----BEGIN CERTIFICATE----- blocks");
        assertPemRefused("x".repeat(X509Pem.MAX_PEM_CHARS + 1), "PEM text is longer than 65536 characters");
        assertPemRefused(certPem.repeat(9), "more than 8 certificates");
        // A certificate with a byte appended inside the base64 is not exactly one DER certificate.
        byte[] der = c.certificate().getEncoded();
        byte[] longer = java.util.Arrays.copyOf(der, der.length + 1);
        String trailing = "-----BEGIN CERTIFICATE-----\n" + java.util.Base64.getEncoder().encodeToString(longer)
                + "\n-----END CERTIFICATE-----\n";
        assertPemRefused(trailing, "CERTIFICATE block 1 is not exactly one DER certificate");
    }

    private static void assertPemRefused(String pem, String message) {
        assertThatThrownBy(() -> LocalCertificateAuthority.readPemCertificates(pem))
                .isInstanceOf(CertificateException.class).hasMessage(message);
    }

    static Clock at(Instant instant) {
        return Clock.fixed(instant, ZoneOffset.UTC);
    }
}
