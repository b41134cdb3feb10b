package org.treatyexchange.server.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.server.crypto.SignatureCheckException.Reason;

/** Envelopes made by the real {@code openssl cms -sign}, as a State's system would make them. */
class EnvelopeVerifierTest {
    static final int MAX = 64 * 1024;
    static final byte[] CONTENT = "{\"messageId\":\"ARC-2026-0001\",\"state\":\"ARC\",\"type\":\"annual-report\"}\n"
            .getBytes(StandardCharsets.UTF_8);

    @TempDir
    static Path dir;
    static LocalCertificateAuthority ca;
    static IssuedCredential alice;

    @BeforeAll
    static void credentials() throws Exception {
        ca = LocalCertificateAuthority.openOrCreate(dir.resolve("ca.p12"), dir.resolve("ca.pem"), "pw".toCharArray(),
                "Test CA", Clock.systemUTC());
        alice = ca.issueClientCertificate("arcadia-system", "ARC", Duration.ofDays(30));
        alice.writePem(dir.resolve("alice.key"), dir.resolve("alice.pem"));
        ca.issueClientCertificate("borealia-system", "BOR", Duration.ofDays(30))
                .writePem(dir.resolve("bob.key"), dir.resolve("bob.pem"));
        Files.write(dir.resolve("msg.json"), CONTENT);
    }

    /** Runs {@code openssl cms -sign -binary -in msg.json -outform DER <args>} and returns the output. */
    static byte[] opensslSign(String name, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl", "cms", "-sign", "-binary", "-in", "msg.json",
                "-outform", "DER", "-out", name));
        command.addAll(List.of(args));
        Processes.Result r = Processes.run(dir, command.toArray(new String[0]));
        assertThat(r.exitCode()).as(r.output()).isZero();
        return Files.readAllBytes(dir.resolve(name));
    }

    static byte[] standard() throws Exception {
        return opensslSign("std.p7s", "-nodetach", "-md", "sha256", "-signer", "alice.pem", "-inkey", "alice.key");
    }

    static SignatureCheckException refused(byte[] cms, int max, Reason reason, String message) {
        SignatureCheckException e = catchThrowableOfType(SignatureCheckException.class,
                () -> EnvelopeVerifier.verify(cms, max));
        assertThat(e).as("expected refusal").isNotNull();
        assertThat(e.reason()).isEqualTo(reason);
        assertThat(e.getMessage()).isEqualTo(message);
        return e;
    }

    @Test
    void opensslEnvelopeVerifiesWithExactContentAndSigner() throws Exception {
        byte[] cms = standard();
        Instant before = Instant.now().minusSeconds(5);
        VerifiedEnvelope v = EnvelopeVerifier.verify(cms, MAX);
        assertThat(v.content()).isEqualTo(CONTENT);
        assertThat(v.signer()).isEqualTo(alice.certificate());
        assertThat(v.signerFingerprint()).isEqualTo(LocalCertificateAuthority.fingerprint(alice.certificate()));
        assertThat(v.signingTime()).isBetween(before, Instant.now().plusSeconds(5));
        assertThat(v.toString()).doesNotContain("ARC-2026");
        // And openssl itself accepts it for S/MIME signing against the CA: the client EKUs suffice.
        Processes.Result r = Processes.run(dir, "openssl", "cms", "-verify", "-inform", "DER", "-in", "std.p7s",
                "-CAfile", "ca.pem", "-purpose", "smimesign", "-out", "verified.json");
        assertThat(r.output()).contains("Verification successful");
        assertThat(Files.readAllBytes(dir.resolve("verified.json"))).isEqualTo(CONTENT);
    }

    @Test
    void sha384AndSha512AndSubjectKeyIdentifierAreAccepted() throws Exception {
        for (String md : List.of("sha384", "sha512")) {
            byte[] cms = opensslSign(md + ".p7s", "-nodetach", "-md", md, "-keyid", "-signer", "alice.pem",
                    "-inkey", "alice.key");
            assertThat(EnvelopeVerifier.verify(cms, MAX).content()).as(md).isEqualTo(CONTENT);
        }
    }

    @Test
    void rsaPkcs1AndPssAreAccepted() throws Exception {
        Processes.Result gen = Processes.run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                "-keyout", "rsa.key", "-out", "rsa.pem", "-subj", "/CN=rsa signer", "-days", "2");
        assertThat(gen.exitCode()).as(gen.output()).isZero();
        byte[] pkcs1 = opensslSign("rsa1.p7s", "-nodetach", "-md", "sha256", "-signer", "rsa.pem", "-inkey", "rsa.key");
        assertThat(EnvelopeVerifier.verify(pkcs1, MAX).content()).isEqualTo(CONTENT);
        byte[] pss = opensslSign("pss.p7s", "-nodetach", "-md", "sha256", "-signer", "rsa.pem", "-inkey", "rsa.key",
                "-keyopt", "rsa_padding_mode:pss");
        assertThat(EnvelopeVerifier.verify(pss, MAX).content()).isEqualTo(CONTENT);
    }

    @Test
    void aSignerWhoseKeyUsageForbidsSignaturesIsRefused() throws Exception {
        Processes.Result gen = Processes.run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "enc.key",
                "-out", "enc.pem", "-subj", "/CN=encryption only", "-days", "2", "-addext", "keyUsage=critical,keyEncipherment");
        assertThat(gen.exitCode()).as(gen.output()).isZero();
        byte[] cms = opensslSign("enc.p7s", "-nodetach", "-md", "sha256", "-signer", "enc.pem", "-inkey", "enc.key");
        refused(cms, MAX, Reason.UNTRUSTED_SIGNER, "the signer's certificate does not allow digital signatures (keyUsage)");
    }

    @Test
    void aSignerWhoseKeyUsageIsNonRepudiationAloneIsAccepted() throws Exception {
        Processes.Result gen = Processes.run(dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", "nr.key", "-out", "nr.pem", "-subj", "/CN=non-repudiation", "-days", "2",
                "-addext", "keyUsage=critical,nonRepudiation");
        assertThat(gen.exitCode()).as(gen.output()).isZero();
        byte[] cms = opensslSign("nr.p7s", "-nodetach", "-md", "sha256", "-signer", "nr.pem", "-inkey", "nr.key");
        assertThat(EnvelopeVerifier.verify(cms, MAX).content()).isEqualTo(CONTENT);
    }

    @Test
    void aMessageIsJudgedByItsSignersValidityAtItsSigningTimeNotAtItsArrival() throws Exception {
        // alice's certificate is valid for 30 days; the message, signed now, still verifies after them
        Clock later = Clock.fixed(Instant.now().plus(java.time.Duration.ofDays(60)), java.time.ZoneOffset.UTC);
        assertThat(EnvelopeVerifier.verify(standard(), MAX, later).content()).isEqualTo(CONTENT);
    }

    @Test
    void aLimitOfNoBytesIsAProgrammingError() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> EnvelopeVerifier.verify(new byte[] {0x30, 0}, 0, Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void weakRsaKeyIsRefused() throws Exception {
        Processes.Result gen = Processes.run(dir, "openssl", "req", "-x509", "-newkey", "rsa:1024", "-nodes",
                "-keyout", "rsa1024.key", "-out", "rsa1024.pem", "-subj", "/CN=weak", "-days", "2");
        assertThat(gen.exitCode()).as(gen.output()).isZero();
        byte[] cms = opensslSign("weak.p7s", "-nodetach", "-md", "sha256", "-signer", "rsa1024.pem", "-inkey", "rsa1024.key");
        refused(cms, MAX, Reason.BAD_SIGNATURE, "RSA key of 1024 bits is too weak; at least 2048 are required");
    }

    @Test
    void detachedSignatureIsRefused() throws Exception {
        byte[] cms = opensslSign("detached.p7s", "-md", "sha256", "-signer", "alice.pem", "-inkey", "alice.key");
        refused(cms, MAX, Reason.MALFORMED, "content is not encapsulated (a detached signature); sign with -nodetach");
    }

    @Test
    void twoSignersAreRefused() throws Exception {
        byte[] cms = opensslSign("two.p7s", "-nodetach", "-md", "sha256", "-signer", "alice.pem", "-inkey", "alice.key",
                "-signer", "bob.pem", "-inkey", "bob.key");
        refused(cms, MAX, Reason.MALFORMED, "expected exactly one signer, found 2");
    }

    @Test
    void tamperedContentIsRefused() throws Exception {
        byte[] cms = standard();
        int at = indexOf(cms, "ARC-2026-0001".getBytes(StandardCharsets.US_ASCII));
        assertThat(at).isPositive();
        cms[at + 12] = '2';
        refused(cms, MAX, Reason.BAD_SIGNATURE, "content digest does not match");
    }

    @Test
    void tamperedSignatureIsRefused() throws Exception {
        byte[] cms = standard();
        // The last bytes are the end of the ECDSA signature value.
        cms[cms.length - 1] ^= 0x01;
        refused(cms, MAX, Reason.BAD_SIGNATURE, "signature does not verify");
    }

    @Test
    void tamperedSignedAttributeIsRefused() throws Exception {
        byte[] cms = standard();
        // signingTime is UTCTime "YYMMDDhhmmssZ"; change the seconds' last digit.
        int at = indexOf(cms, new byte[] {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01,
            0x09, 0x05});
        assertThat(at).isPositive();
        int digit = at + 11 + 2 + 2 + 11; // OID, SET header, UTCTime header, "YYMMDDhhmms"
        cms[digit] = (byte) (cms[digit] == '0' ? '1' : '0');
        refused(cms, MAX, Reason.BAD_SIGNATURE, "signature does not verify");
    }

    @Test
    void sha1IsRefused() throws Exception {
        byte[] cms = opensslSign("sha1.p7s", "-nodetach", "-md", "sha1", "-signer", "alice.pem", "-inkey", "alice.key");
        refused(cms, MAX, Reason.BAD_SIGNATURE,
                "digest algorithm 1.3.14.3.2.26 is not accepted; use SHA-256, SHA-384 or SHA-512");
    }

    @Test
    void oversizedIsRefusedBeforeParsing() throws Exception {
        byte[] cms = standard();
        refused(cms, cms.length - 1, Reason.MALFORMED, "signed data is larger than " + (cms.length - 1) + " bytes");
        assertThat(EnvelopeVerifier.verify(cms, cms.length).content()).isEqualTo(CONTENT);
    }

    @Test
    void garbageEmptyTrailingAndBerAreRefused() throws Exception {
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < 200; i++) {
            byte[] garbage = new byte[1 + random.nextInt(4000)];
            random.nextBytes(garbage);
            SignatureCheckException e = catchThrowableOfType(SignatureCheckException.class,
                    () -> EnvelopeVerifier.verify(garbage, MAX));
            assertThat(e).isNotNull();
            assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
        }
        refused(new byte[] {0x30, 0x03, 0x02, 0x01, 0x01, 0x00}, MAX, Reason.MALFORMED, "data follows the signed data");
        refused(new byte[0], MAX, Reason.MALFORMED, "signed data is empty");
        refused("-----BEGIN PKCS7-----".getBytes(StandardCharsets.US_ASCII), MAX, Reason.MALFORMED,
                "ASN.1 length exceeds its container");
        byte[] cms = standard();
        byte[] trailing = Arrays.copyOf(cms, cms.length + 2);
        refused(trailing, MAX, Reason.MALFORMED, "data follows the signed data");
        byte[] truncated = Arrays.copyOf(cms, cms.length - 1);
        refused(truncated, MAX, Reason.MALFORMED, "ASN.1 length exceeds its container");
        byte[] ber = opensslSign("ber.p7s", "-nodetach", "-stream", "-md", "sha256", "-signer", "alice.pem",
                "-inkey", "alice.key");
        refused(ber, MAX, Reason.MALFORMED, "indefinite-length (BER) encoding; send DER");
        byte[] notSignedData = {0x30, 0x0b, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x07, 0x01};
        refused(notSignedData, MAX, Reason.MALFORMED, "not CMS SignedData");
    }

    @Test
    void deepNestingIsRefusedWithoutRecursion() {
        int levels = 20_000;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // 20,000 nested SEQUENCEs, each with a 3-byte length: far past the limit, within 64 KiB... almost.
        for (int i = 0; i < levels; i++) {
            out.write(0x30);
            out.write(0x80 | 3);
            int len = (levels - i - 1) * 5;
            out.write(len >> 16);
            out.write(len >> 8);
            out.write(len);
        }
        byte[] deep = out.toByteArray();
        refused(deep, deep.length, Reason.MALFORMED, "ASN.1 nested deeper than 32 levels");
    }

    @Test
    void certificateLessEnvelopeIsRefused() throws Exception {
        byte[] cms = opensslSign("nocerts.p7s", "-nodetach", "-nocerts", "-md", "sha256", "-signer", "alice.pem",
                "-inkey", "alice.key");
        refused(cms, MAX, Reason.MALFORMED, "the signer's certificate is not included; do not sign with -nocerts");
    }

    @Test
    void tooManyCertificatesAreRefused() throws Exception {
        StringBuilder extra = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            extra.append(new String(X509Pem.certificatesPem(List.of(
                    ca.issueClientCertificate("extra" + i, "ARC", Duration.ofDays(1)).certificate())),
                    StandardCharsets.US_ASCII));
        }
        Files.writeString(dir.resolve("extra.pem"), extra);
        byte[] cms = opensslSign("many.p7s", "-nodetach", "-md", "sha256", "-signer", "alice.pem", "-inkey", "alice.key",
                "-certfile", "extra.pem");
        refused(cms, MAX, Reason.MALFORMED, "more than 4 certificates");
    }

    @Test
    void theSignerWithThreeMoreCertificatesIsAccepted() throws Exception {
        StringBuilder extra = new StringBuilder();
        for (int i = 0; i < EnvelopeVerifier.MAX_CERTIFICATES - 1; i++) {
            extra.append(new String(X509Pem.certificatesPem(List.of(
                    ca.issueClientCertificate("chain" + i, "ARC", Duration.ofDays(1)).certificate())),
                    StandardCharsets.US_ASCII));
        }
        Files.writeString(dir.resolve("chain.pem"), extra);
        byte[] cms = opensslSign("four.p7s", "-nodetach", "-md", "sha256", "-signer", "alice.pem", "-inkey", "alice.key",
                "-certfile", "chain.pem");
        assertThat(EnvelopeVerifier.verify(cms, MAX).content()).isEqualTo(CONTENT);
    }

    @Test
    void missingSignedAttributesAreRefused() throws Exception {
        byte[] cms = opensslSign("noattr.p7s", "-nodetach", "-noattr", "-md", "sha256", "-signer", "alice.pem",
                "-inkey", "alice.key");
        refused(cms, MAX, Reason.MALFORMED, "signed attributes are missing");
    }

    @Test
    void expiredSignerIsRefused() throws Exception {
        Instant past = Instant.now().minus(Duration.ofDays(400));
        LocalCertificateAuthority oldCa = LocalCertificateAuthority.openOrCreate(dir.resolve("old-ca.p12"),
                dir.resolve("old-ca.pem"), "pw".toCharArray(), "Old CA", Clock.fixed(past, ZoneOffset.UTC));
        IssuedCredential expired = oldCa.issueClientCertificate("old", "ARC", Duration.ofDays(30));
        expired.writePem(dir.resolve("old.key"), dir.resolve("old.pem"));
        byte[] cms = opensslSign("expired.p7s", "-nodetach", "-md", "sha256", "-signer", "old.pem", "-inkey", "old.key");
        SignatureCheckException e = catchThrowableOfType(SignatureCheckException.class,
                () -> EnvelopeVerifier.verify(cms, MAX));
        assertThat(e.reason()).isEqualTo(Reason.UNTRUSTED_SIGNER);
        assertThat(e.getMessage()).startsWith("the signer's certificate was not valid at the signing time ");
        // At a signing time inside its validity it would have been fine: the clock only matters without one.
        X509Certificate cert = expired.certificate();
        assertThat(cert.getNotAfter().toInstant()).isBefore(Instant.now());
    }

    @Test
    void serverSignedInboxItemVerifiesWithTheSameVerifier() throws Exception {
        Instant now = Instant.now();
        ReceiptSigner signer = ReceiptSigner.openOrCreate(dir.resolve("receipt.p12"), dir.resolve("receipt.pem"),
                "pw".toCharArray(), "Treaty Exchange receipts", Clock.fixed(now, ZoneOffset.UTC));
        byte[] item = "{\"inbox\":\"document for ARC\"}".getBytes(StandardCharsets.UTF_8);
        VerifiedEnvelope v = EnvelopeVerifier.verify(signer.sign(item), MAX);
        assertThat(v.content()).isEqualTo(item);
        assertThat(v.signer()).isEqualTo(signer.certificate());
        assertThat(v.signingTime()).isEqualTo(now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
