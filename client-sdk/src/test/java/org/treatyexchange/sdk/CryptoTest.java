package org.treatyexchange.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.sdk.VerificationException.Reason;
import org.treatyexchange.sdk.wire.MessageReceipt;
import org.treatyexchange.sdk.wire.MessageReceiptJson;

/** Key loading, CMS signing and verification, with the real openssl as the other party. */
class CryptoTest {

    @TempDir
    static Path dir;
    static OpenSsl openssl;
    static final byte[] CONTENT = "{\"version\":1,\"messageId\":\"m\u00e9\"}\r\n\u0000binary".getBytes(StandardCharsets.UTF_8);

    @BeforeAll
    static void keys() throws Exception {
        openssl = new OpenSsl(dir);
        openssl.selfSigned("arc", "P-256");
        openssl.selfSigned("p384", "P-384");
        openssl.selfSigned("other", "P-256");
        Files.write(dir.resolve("content.bin"), CONTENT);
    }

    static X509Certificate cert(String file) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(dir.resolve(file))));
    }

    static ClientKeys arc() throws Exception {
        return ClientKeys.fromPem(dir.resolve("arc.key.pem"), dir.resolve("arc.cert.pem"));
    }

    @Test
    void loadsPkcs8EncryptedPkcs8TraditionalAndPkcs12KeysAlike() throws Exception {
        openssl.ok("pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", "arc.key.pem", "-out", "arc.enc.pem", "-passout", "pass:s3cret");
        openssl.ok("ec", "-in", "arc.key.pem", "-out", "arc.ec.pem");
        openssl.ok("pkcs12", "-export", "-inkey", "arc.key.pem", "-in", "arc.cert.pem", "-out", "arc.p12", "-passout", "pass:s3cret");
        assertThat(Files.readString(dir.resolve("arc.enc.pem"))).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
        assertThat(Files.readString(dir.resolve("arc.ec.pem"))).startsWith("-----BEGIN EC PRIVATE KEY-----");

        ClientKeys plain = arc();
        ClientKeys encrypted = ClientKeys.fromPem(dir.resolve("arc.enc.pem"), "s3cret".toCharArray(), dir.resolve("arc.cert.pem"));
        ClientKeys traditional = ClientKeys.fromPem(dir.resolve("arc.ec.pem"), dir.resolve("arc.cert.pem"));
        ClientKeys pkcs12 = ClientKeys.fromPkcs12(dir.resolve("arc.p12"), "s3cret".toCharArray());

        String expected = openssl.ok("x509", "-in", "arc.cert.pem", "-noout", "-fingerprint", "-sha256")
                .replaceAll("(?s).*=", "").replace(":", "").trim().toLowerCase(java.util.Locale.ROOT);
        for (ClientKeys k : new ClientKeys[] {plain, encrypted, traditional, pkcs12}) {
            assertThat(k.fingerprint()).isEqualTo(expected);
            assertThat(((java.security.interfaces.ECPrivateKey) k.privateKey()).getS())
                    .isEqualTo(((java.security.interfaces.ECPrivateKey) plain.privateKey()).getS());
            assertThat(k.toString()).isEqualTo("ClientKeys[" + expected + "]");
        }
    }

    @Test
    void loadsTraditionalRsaKeys() throws Exception {
        openssl.ok("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "rsa.key.pem", "-out", "rsa.cert.pem",
                "-subj", "/CN=rsa", "-days", "2");
        openssl.ok("rsa", "-in", "rsa.key.pem", "-traditional", "-out", "rsa.trad.pem");
        assertThat(Files.readString(dir.resolve("rsa.trad.pem"))).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        ClientKeys keys = ClientKeys.fromPem(dir.resolve("rsa.trad.pem"), dir.resolve("rsa.cert.pem"));
        byte[] signed = CmsSigner.sign(CONTENT, keys);
        assertThat(ReceiptVerifier.verify(signed, keys.certificate())).isEqualTo(CONTENT);
    }

    @Test
    void refusesWrongPasswordsAndMismatchedPairsWithSafeMessages() throws Exception {
        openssl.ok("pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", "arc.key.pem", "-out", "arc.enc2.pem", "-passout", "pass:s3cret");
        Path enc = dir.resolve("arc.enc2.pem");
        Path cert = dir.resolve("arc.cert.pem");
        assertThatThrownBy(() -> ClientKeys.fromPem(enc, "wrong".toCharArray(), cert))
                .isInstanceOf(KeyException.class).hasMessage("the private key could not be decrypted (wrong password?)");
        assertThatThrownBy(() -> ClientKeys.fromPem(enc, cert))
                .isInstanceOf(KeyException.class).hasMessage("the private key is encrypted: a password is required");
        assertThatThrownBy(() -> ClientKeys.fromPem(dir.resolve("other.key.pem"), cert))
                .isInstanceOf(KeyException.class).hasMessage("the private key does not belong to the leaf certificate");
        assertThatThrownBy(() -> ClientKeys.fromPem(cert, cert)).hasMessage("no private key found in the PEM input");
        openssl.ok("pkcs12", "-export", "-inkey", "arc.key.pem", "-in", "arc.cert.pem", "-out", "arc2.p12", "-passout", "pass:s3cret");
        assertThatThrownBy(() -> ClientKeys.fromPkcs12(dir.resolve("arc2.p12"), "nope".toCharArray()))
                .isInstanceOf(KeyException.class).hasMessageNotContaining(dir.toString()).hasMessageContaining("wrong password");
    }

    @Test
    void opensslVerifiesWhatTheSdkSignsAndOutputsTheExactContent() throws Exception {
        byte[] signed = CmsSigner.sign(CONTENT, arc());
        Files.write(dir.resolve("sdk.p7s"), signed);
        openssl.ok("cms", "-verify", "-inform", "DER", "-binary", "-noverify", "-in", "sdk.p7s", "-out", "sdk.out");
        assertThat(Files.readAllBytes(dir.resolve("sdk.out"))).isEqualTo(CONTENT);
        // With the certificate as trust anchor too (full chain check in openssl).
        openssl.ok("cms", "-verify", "-inform", "DER", "-binary", "-CAfile", "arc.cert.pem", "-in", "sdk.p7s", "-out", "sdk2.out");
        String printed = openssl.ok("cms", "-cmsout", "-print", "-inform", "DER", "-in", "sdk.p7s");
        assertThat(printed).contains("contentType", "messageDigest", "signingTime", "sha256");
        assertThat(ReceiptVerifier.verify(signed, arc().certificate())).isEqualTo(CONTENT);
    }

    @Test
    void p384KeysSignWithSha384AndCarryTheSigningTime() throws Exception {
        ClientKeys keys = ClientKeys.fromPem(dir.resolve("p384.key.pem"), dir.resolve("p384.cert.pem"));
        Instant at = Instant.parse("2026-01-01T00:00:00Z").plusSeconds(System.currentTimeMillis() / 1000 - 1_767_225_600L);
        byte[] signed = CmsSigner.sign(CONTENT, keys, at);
        SignerInformation si = new CMSSignedData(signed).getSignerInfos().getSigners().iterator().next();
        assertThat(si.getDigestAlgorithmID().getAlgorithm()).isEqualTo(NISTObjectIdentifiers.id_sha384);
        assertThat(new CMSSignedData(signed).getCertificates().getMatches(null)).hasSize(1);
        Files.write(dir.resolve("p384.p7s"), signed);
        openssl.ok("cms", "-verify", "-inform", "DER", "-binary", "-noverify", "-in", "p384.p7s", "-out", "p384.out");
        assertThat(Files.readAllBytes(dir.resolve("p384.out"))).isEqualTo(CONTENT);
    }

    @Test
    void aSignatureDatedOutsideTheCertificatesValidityIsRefusedEvenByAVerifierAlreadyInUse() throws Exception {
        ClientKeys keys = arc();
        assertThat(ReceiptVerifier.verify(CmsSigner.sign(CONTENT, keys), keys.certificate())).isEqualTo(CONTENT); // verifier now cached
        Instant beforeIssue = keys.certificate().getNotBefore().toInstant().minus(java.time.Duration.ofDays(10));
        byte[] backdated = CmsSigner.sign(CONTENT, keys, beforeIssue);
        assertReason(() -> ReceiptVerifier.verify(backdated, keys.certificate()), Reason.BAD_SIGNATURE,
                "the certificate was not valid at the signing time");
    }

    @Test
    void verifiesWhatOpensslSignsAgainstThatCertificateOnly() throws Exception {
        openssl.ok("cms", "-sign", "-binary", "-nodetach", "-outform", "DER", "-signer", "arc.cert.pem", "-inkey", "arc.key.pem",
                "-in", "content.bin", "-out", "ossl.p7s");
        byte[] cms = Files.readAllBytes(dir.resolve("ossl.p7s"));
        assertThat(ReceiptVerifier.verify(cms, cert("arc.cert.pem"))).isEqualTo(CONTENT);
        assertReason(() -> ReceiptVerifier.verify(cms, cert("other.cert.pem")), Reason.WRONG_SIGNER, "not signed by the trusted certificate");
    }

    @Test
    void refusesEveryCmsThatIsNotOneGoodSignatureOverEncapsulatedData() throws Exception {
        X509Certificate arc = cert("arc.cert.pem");
        openssl.ok("cms", "-sign", "-binary", "-nodetach", "-outform", "DER", "-signer", "arc.cert.pem", "-inkey", "arc.key.pem",
                "-signer", "other.cert.pem", "-inkey", "other.key.pem", "-in", "content.bin", "-out", "two.p7s");
        assertReason(() -> ReceiptVerifier.verify(Files.readAllBytes(dir.resolve("two.p7s")), arc), Reason.SIGNER_COUNT,
                "expected exactly one signer, found 2");
        openssl.ok("cms", "-sign", "-binary", "-outform", "DER", "-signer", "arc.cert.pem", "-inkey", "arc.key.pem",
                "-in", "content.bin", "-out", "detached.p7s");
        assertReason(() -> ReceiptVerifier.verify(Files.readAllBytes(dir.resolve("detached.p7s")), arc), Reason.MALFORMED,
                "the content is not encapsulated");
        openssl.ok("cms", "-sign", "-binary", "-nodetach", "-noattr", "-outform", "DER", "-signer", "arc.cert.pem",
                "-inkey", "arc.key.pem", "-in", "content.bin", "-out", "noattr.p7s");
        assertReason(() -> ReceiptVerifier.verify(Files.readAllBytes(dir.resolve("noattr.p7s")), arc), Reason.MALFORMED,
                "the signature has no signed attributes");
        openssl.ok("cms", "-sign", "-binary", "-nodetach", "-md", "sha1", "-outform", "DER", "-signer", "arc.cert.pem",
                "-inkey", "arc.key.pem", "-in", "content.bin", "-out", "sha1.p7s");
        assertReason(() -> ReceiptVerifier.verify(Files.readAllBytes(dir.resolve("sha1.p7s")), arc), Reason.WEAK_ALGORITHM,
                "the digest algorithm is not SHA-256, SHA-384 or SHA-512");

        byte[] good = CmsSigner.sign(CONTENT, arc());
        byte[] tampered = good.clone();
        int at = indexOf(tampered, "binary".getBytes(StandardCharsets.UTF_8));
        tampered[at] ^= 1;
        assertReason(() -> ReceiptVerifier.verify(tampered, arc), Reason.BAD_SIGNATURE, "the content does not match its message digest");
        byte[] trailing = Arrays.copyOf(good, good.length + 2);
        trailing[good.length] = 0x05; // a second object (ASN.1 NULL) after the SignedData
        assertReason(() -> ReceiptVerifier.verify(trailing, arc), Reason.MALFORMED, "signed data is not exactly one ASN.1 structure");
        assertReason(() -> ReceiptVerifier.verify("garbage".getBytes(StandardCharsets.UTF_8), arc), Reason.MALFORMED, "not CMS SignedData");
        assertReason(() -> ReceiptVerifier.verify(new byte[ReceiptVerifier.MAX_CMS_BYTES + 1], arc), Reason.TOO_LARGE,
                "signed data exceeds 1048576 bytes");
        assertReason(() -> ReceiptVerifier.verify(new byte[0], arc), Reason.MALFORMED, "no signed data");
    }

    @Test
    void verifiesAMessageReceiptAndRefusesOtherContent() throws Exception {
        MessageReceipt receipt = new MessageReceipt(1, MessageReceipt.Kind.MESSAGE, "m-1", "ARC", "arcadia-system",
                "aa".repeat(32), "bb".repeat(32), Instant.parse("2026-11-23T03:16:11Z"), null, null, null,
                java.util.List.of(), java.util.List.of());
        Files.write(dir.resolve("receipt.json"), MessageReceiptJson.toBytes(receipt));
        openssl.ok("cms", "-sign", "-binary", "-nodetach", "-outform", "DER", "-signer", "arc.cert.pem", "-inkey", "arc.key.pem",
                "-in", "receipt.json", "-out", "receipt.p7s");
        byte[] cms = Files.readAllBytes(dir.resolve("receipt.p7s"));
        assertThat(ReceiptVerifier.verifyMessageReceipt(cms, cert("arc.cert.pem"))).isEqualTo(receipt);
        assertReason(() -> ReceiptVerifier.verifyInboxItem(cms, cert("arc.cert.pem")), Reason.CONTENT, "inbox item has an unknown field");
        assertReason(() -> ReceiptVerifier.verifyFilingReceipt(cms, cert("other.cert.pem")), Reason.WRONG_SIGNER,
                "not signed by the trusted certificate");
    }

    @Test
    void fingerprintIsTheSha256OfTheCertificateDer() throws Exception {
        ClientKeys keys = arc();
        assertThat(keys.fingerprint()).isEqualTo(HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(keys.certificate().getEncoded())));
        assertThat(keys.chain()).containsExactly(keys.certificate());
    }

    interface Call {
        void run() throws Exception;
    }

    static void assertReason(Call call, Reason reason, String message) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(VerificationException.class,
                e -> assertThat(e.reason()).isEqualTo(reason)).hasMessage(message);
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
