package org.treatyexchange.server.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStoreException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReceiptSignerTest {

    private static final char[] PASSWORD = "receipt-pass".toCharArray();
    private static final Instant NOW = Instant.parse("2026-11-23T03:16:11Z");
    private static final ASN1ObjectIdentifier CMS_ALGORITHM_PROTECTION = new ASN1ObjectIdentifier("1.2.840.113549.1.9.52");

    @TempDir
    Path dir;

    private Path keystore;
    private Path pem;
    private ReceiptSigner signer;
    private final byte[] content = "{\"receipt\":\"filing 42\",\"sha256\":\"ab12\"}\n".getBytes(StandardCharsets.UTF_8);

    @BeforeEach
    void setUp() throws Exception {
        keystore = dir.resolve("receipt.p12");
        pem = dir.resolve("receipt-signer.pem");
        signer = ReceiptSigner.openOrCreate(keystore, pem, PASSWORD, "Treaty Exchange receipts", Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void createsAP384LeafCertificateAndOwnerOnlyKeystore() throws Exception {
        X509Certificate cert = signer.certificate();
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=Treaty Exchange receipts,O=Treaty Exchange");
        assertThat(cert.getIssuerX500Principal()).isEqualTo(cert.getSubjectX500Principal());
        cert.verify(cert.getPublicKey());
        assertThat(cert.getVersion()).isEqualTo(3);
        assertThat(((ECPublicKey) cert.getPublicKey()).getParams().getCurve().getField().getFieldSize()).isEqualTo(384);
        assertThat(cert.getSigAlgName()).isEqualTo("SHA384withECDSA");
        assertThat(cert.getBasicConstraints()).isEqualTo(-1);
        assertThat(Arrays.copyOf(cert.getKeyUsage(), 3)).containsExactly(true, true, false);
        assertThat(cert.getExtensionValue("2.5.29.14")).as("subject key identifier").isNotNull();
        assertThat(Duration.between(cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant()).toDays()).isGreaterThanOrEqualTo(3652);
        assertThat(cert.getNotBefore().toInstant()).isBefore(NOW);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keystore))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pem))).isEqualTo("rw-r--r--");
        X509Certificate fromPem = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(pem)));
        assertThat(fromPem).isEqualTo(cert);

        Processes.Result text = Processes.run(dir, "openssl", "x509", "-in", pem.toString(), "-noout", "-text");
        assertThat(text.exitCode()).isZero();
        assertThat(text.output()).contains("CA:FALSE", "Digital Signature, Non Repudiation", "P-384", "Subject Key Identifier");
    }

    @Test
    void opensslVerifiesTheReceiptAndOutputsTheContent() throws Exception {
        Files.write(dir.resolve("r.p7s"), signer.sign(content));
        Processes.Result r = Processes.run(dir, "openssl", "cms", "-verify", "-inform", "DER", "-in", "r.p7s",
                "-CAfile", pem.toString(), "-out", "content");
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("Verification successful");
        assertThat(Files.readAllBytes(dir.resolve("content"))).isEqualTo(content);
    }

    @Test
    void opensslRefusesAFlippedByteInTheContentOrTheSignature() throws Exception {
        byte[] cms = signer.sign(content);
        int inContent = indexOf(cms, content);
        assertThat(inContent).isPositive();
        for (int offset : new int[] {inContent + 3, cms.length - 2}) {
            byte[] bad = cms.clone();
            bad[offset] ^= 0x01;
            Files.write(dir.resolve("bad.p7s"), bad);
            Files.deleteIfExists(dir.resolve("out"));
            Processes.Result r = Processes.run(dir, "openssl", "cms", "-verify", "-inform", "DER", "-in", "bad.p7s",
                    "-CAfile", pem.toString(), "-out", "out");
            assertThat(r.exitCode()).as("flip at %d: %s", offset, r.output()).isNotZero();
            assertThat(r.output()).doesNotContain("Verification successful");
            assertThatThrownBy(() -> ReceiptSigner.verify(bad, signer.certificate()))
                    .isInstanceOfSatisfying(SignatureCheckException.class,
                            e -> assertThat(e.reason()).isEqualTo(SignatureCheckException.Reason.BAD_SIGNATURE));
        }
    }

    @Test
    void signatureHasTheRequiredAttributesAndAlgorithms() throws Exception {
        CMSSignedData signed = new CMSSignedData(signer.sign(content));
        assertThat(signed.getSignedContent().getContent()).isEqualTo(content);
        assertThat(signed.getCertificates().getMatches(null)).hasSize(1);
        SignerInformation info = signed.getSignerInfos().getSigners().iterator().next();
        assertThat(info.getDigestAlgorithmID().getAlgorithm()).isEqualTo(NISTObjectIdentifiers.id_sha384);
        assertThat(info.getEncryptionAlgOID()).isEqualTo("1.2.840.10045.4.3.3"); // ecdsa-with-SHA384
        AttributeTable attributes = info.getSignedAttributes();
        assertThat(attributes.get(CMSAttributes.contentType)).isNotNull();
        assertThat(attributes.get(CMSAttributes.messageDigest)).isNotNull();
        assertThat(attributes.get(CMS_ALGORITHM_PROTECTION)).isNotNull();
        Time signingTime = Time.getInstance(attributes.get(CMSAttributes.signingTime).getAttrValues().getObjectAt(0));
        assertThat(signingTime.getDate().toInstant()).isEqualTo(NOW);
    }

    @Test
    void verifyReturnsTheContentOnlyForTheTrustedSigner() throws Exception {
        assertThat(ReceiptSigner.verify(signer.sign(content), signer.certificate())).isEqualTo(content);

        ReceiptSigner other = ReceiptSigner.openOrCreate(dir.resolve("o.p12"), dir.resolve("o.pem"), PASSWORD,
                "Treaty Exchange receipts", Clock.fixed(NOW, ZoneOffset.UTC));
        assertReason(() -> ReceiptSigner.verify(other.sign(content), signer.certificate()),
                SignatureCheckException.Reason.UNTRUSTED_SIGNER);
        assertReason(() -> ReceiptSigner.verify(new byte[] {0x30, 0x03, 1, 2, 3}, signer.certificate()),
                SignatureCheckException.Reason.MALFORMED);
        assertReason(() -> ReceiptSigner.verify(new byte[0], signer.certificate()), SignatureCheckException.Reason.MALFORMED);
        byte[] huge = Arrays.copyOf(signer.sign(content), ReceiptSigner.MAX_CMS_BYTES + 1);
        assertReason(() -> ReceiptSigner.verify(huge, signer.certificate()), SignatureCheckException.Reason.MALFORMED);
    }

    @Test
    void verifiesWhatOpensslSignsAndRefusesDetachedSignatures() throws Exception {
        // A State's own tooling: openssl key + certificate, openssl cms -sign.
        assertThat(Processes.run(dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", "state.key", "-out", "state.pem", "-days", "30", "-subj", "/CN=State A/O=Ministry").exitCode()).isZero();
        Files.write(dir.resolve("msg.json"), content);
        assertThat(Processes.run(dir, "openssl", "cms", "-sign", "-binary", "-nodetach", "-in", "msg.json", "-signer", "state.pem",
                "-inkey", "state.key", "-outform", "DER", "-out", "msg.p7s").exitCode()).isZero();
        assertThat(Processes.run(dir, "openssl", "cms", "-sign", "-binary", "-in", "msg.json", "-signer", "state.pem",
                "-inkey", "state.key", "-outform", "DER", "-out", "detached.p7s").exitCode()).isZero();
        X509Certificate state = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(dir.resolve("state.pem"))));

        assertThat(ReceiptSigner.verify(Files.readAllBytes(dir.resolve("msg.p7s")), state)).isEqualTo(content);
        assertReason(() -> ReceiptSigner.verify(Files.readAllBytes(dir.resolve("msg.p7s")), signer.certificate()),
                SignatureCheckException.Reason.UNTRUSTED_SIGNER);
        assertReason(() -> ReceiptSigner.verify(Files.readAllBytes(dir.resolve("detached.p7s")), state),
                SignatureCheckException.Reason.MALFORMED);
    }

    @Test
    void signatureOutsideTheCertificateValidityIsUntrusted() throws Exception {
        ReceiptSigner late = ReceiptSigner.openOrCreate(keystore, pem, PASSWORD, "ignored on reopen",
                Clock.fixed(NOW.plus(Duration.ofDays(3660)), ZoneOffset.UTC));
        assertReason(() -> ReceiptSigner.verify(late.sign(content), signer.certificate()),
                SignatureCheckException.Reason.UNTRUSTED_SIGNER);
    }

    @Test
    void reopensTheSameKeyRewritesAMissingPemAndRefusesAWrongPassword() throws Exception {
        byte[] receipt = signer.sign(content);
        Files.delete(pem);
        ReceiptSigner again = ReceiptSigner.openOrCreate(keystore, pem, "receipt-pass".toCharArray(), "x", Clock.systemUTC());
        assertThat(again.certificate()).isEqualTo(signer.certificate());
        assertThat(Files.exists(pem)).isTrue();
        assertThat(ReceiptSigner.verify(again.sign(content), signer.certificate())).isEqualTo(content);
        assertThat(ReceiptSigner.verify(receipt, again.certificate())).isEqualTo(content);

        assertThatThrownBy(() -> ReceiptSigner.openOrCreate(keystore, pem, "nope".toCharArray(), "x", Clock.systemUTC()))
                .isInstanceOf(KeyStoreException.class)
                .hasMessage("receipt keystore receipt.p12 could not be opened: wrong password or damaged file");
        assertThatThrownBy(() -> ReceiptSigner.openOrCreate(dir.resolve("n.p12"), dir.resolve("n.pem"), PASSWORD, " ", Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("commonName");
    }

    private interface Call {
        void run() throws Exception;
    }

    private static void assertReason(Call call, SignatureCheckException.Reason reason) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(SignatureCheckException.class,
                e -> assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** The published certificate is what States verify receipts with: a stale or replaced copy is rewritten from the keystore. */
    @Test
    void aPublishedCertificateThatDiffersFromTheKeyIsRewrittenOnOpen() throws Exception {
        byte[] published = Files.readAllBytes(pem);
        Files.writeString(pem, "-----BEGIN CERTIFICATE-----\nnot the receipt key\n-----END CERTIFICATE-----\n");
        ReceiptSigner reopened = ReceiptSigner.openOrCreate(keystore, pem, PASSWORD, "ignored on reopen", Clock.fixed(NOW, ZoneOffset.UTC));
        assertThat(Files.readAllBytes(pem)).isEqualTo(published);
        assertThat(reopened.certificate()).isEqualTo(signer.certificate());
    }
}
