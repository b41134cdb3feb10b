package org.treatyexchange.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ess.SigningCertificateV2;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.bouncycastle.tsp.TimeStampTokenGenerator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.treatyexchange.sdk.internal.Cms;
import org.treatyexchange.sdk.internal.CmsTimestamps;

/**
 * The SDK's side of receipt timestamps, offline: a token over a receipt's signature value, placed as the CAdES
 * signature-time-stamp, verifies against the TSA's CA and leaves the signature and content as they were; a token
 * for another signature, from an untrusted TSA, or none at all is refused with {@code TIMESTAMP}; every receipt
 * signature carries signing-certificate-v2.
 */
class ReceiptTimestampVerifierTest {

    static TestPki.Identity server;
    static TestPki.Identity tsaCa;
    static X509Certificate tsaCertificate;
    static PrivateKey tsaKey;
    static final byte[] CONTENT = "{\"version\":1}".getBytes(StandardCharsets.UTF_8);

    @BeforeAll
    static void pki() throws Exception {
        server = TestPki.selfSigned("receipts");
        tsaCa = TestPki.ca("TSA Root");
        KeyPair kp = TestPki.ecKey();
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name("CN=TSA Root"), BigInteger.valueOf(77),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))), new X500Name("CN=Test TSA"),
                kp.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.extendedKeyUsage, true, new ExtendedKeyUsage(KeyPurposeId.id_kp_timeStamping));
        tsaCertificate = new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA")
                .build(tsaCa.key())));
        tsaKey = kp.getPrivate();
    }

    static byte[] receipt() throws Exception {
        return Cms.sign(CONTENT, Cms.SigningKey.of(server.key()), server.chain(), Instant.now());
    }

    /** What a TSA answers for {@code imprintOf}'s signature: a token over SHA-256 of its signature value. */
    static byte[] tokenFor(byte[] imprintOf) throws Exception {
        TimeStampTokenGenerator g = new TimeStampTokenGenerator(
                new JcaSimpleSignerInfoGeneratorBuilder().build("SHA256withECDSA", tsaKey, tsaCertificate),
                new JcaDigestCalculatorProviderBuilder().build().get(new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256)),
                new ASN1ObjectIdentifier("1.3.6.1.4.1.99999.21.1"));
        g.addCertificates(new JcaCertStore(List.of(tsaCertificate)));
        TimeStampRequestGenerator r = new TimeStampRequestGenerator();
        r.setCertReq(true);
        byte[] imprint = MessageDigest.getInstance("SHA-256").digest(CmsTimestamps.signatureValue(imprintOf));
        return g.generate(r.generate(NISTObjectIdentifiers.id_sha256, imprint), BigInteger.TEN, new Date()).getEncoded();
    }

    @Test
    void aTokenOverTheSignatureVerifiesAgainstTheTsaCaAndLeavesTheReceiptAsItWas() throws Exception {
        byte[] receipt = receipt();
        byte[] stamped = CmsTimestamps.withToken(receipt, tokenFor(receipt));
        assertThat(ReceiptVerifier.verify(stamped, server.certificate())).isEqualTo(CONTENT);
        assertThat(CmsTimestamps.signatureValue(stamped)).isEqualTo(CmsTimestamps.signatureValue(receipt));
        ReceiptTimestamp ts = ReceiptVerifier.verifyTimestamp(stamped, server.certificate(), List.of(tsaCa.certificate()));
        assertThat(ts.authority()).isEqualTo("CN=Test TSA");
        assertThat(ts.serialNumber()).isEqualTo("a");
        assertThat(ts.hashAlgorithm()).isEqualTo(NISTObjectIdentifiers.id_sha256.getId());
        // trusting the TSA's own certificate works as well as trusting its CA
        ReceiptVerifier.verifyTimestamp(stamped, server.certificate(), List.of(tsaCertificate));
        assertThat(ReceiptVerifier.timestampToken(stamped)).isPresent();
        assertThat(ReceiptVerifier.timestampPendingSince(stamped)).isEmpty();

        // signing-certificate-v2 (RFC 5035) names the signer's certificate by its SHA-256
        SigningCertificateV2 v2 = SigningCertificateV2.getInstance(new CMSSignedData(receipt).getSignerInfos().getSigners().iterator().next()
                .getSignedAttributes().get(PKCSObjectIdentifiers.id_aa_signingCertificateV2).getAttrValues().getObjectAt(0));
        assertThat(v2.getCerts()[0].getCertHash()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(server.certificate().getEncoded()));
    }

    @Test
    void aTokenForAnotherSignatureAnUntrustedTsaOrNoTokenIsRefused() throws Exception {
        byte[] receipt = receipt();
        byte[] other = receipt();
        byte[] moved = CmsTimestamps.withToken(receipt, tokenFor(other));
        assertThatThrownBy(() -> ReceiptVerifier.verifyTimestamp(moved, server.certificate(), List.of(tsaCa.certificate())))
                .isInstanceOfSatisfying(VerificationException.class, e -> {
                    assertThat(e.reason()).isEqualTo(VerificationException.Reason.TIMESTAMP);
                    assertThat(e.getMessage()).contains("for another signature");
                });

        byte[] stamped = CmsTimestamps.withToken(receipt, tokenFor(receipt));
        X509Certificate stranger = TestPki.ca("Another TSA Root").certificate();
        assertThatThrownBy(() -> ReceiptVerifier.verifyTimestamp(stamped, server.certificate(), List.of(stranger)))
                .isInstanceOfSatisfying(VerificationException.class, e -> assertThat(e.getMessage()).contains("is not trusted"));

        assertThatThrownBy(() -> ReceiptVerifier.verifyTimestamp(receipt, server.certificate(), List.of(tsaCa.certificate())))
                .isInstanceOfSatisfying(VerificationException.class, e -> {
                    assertThat(e.reason()).isEqualTo(VerificationException.Reason.TIMESTAMP);
                    assertThat(e.getMessage()).isEqualTo("the receipt has no timestamp");
                });
        Instant asked = Instant.parse("2026-05-31T23:59:58Z");
        byte[] pending = CmsTimestamps.withPending(receipt, asked);
        assertThat(ReceiptVerifier.verify(pending, server.certificate())).isEqualTo(CONTENT);
        assertThat(ReceiptVerifier.timestampPendingSince(pending)).contains(asked);
        assertThatThrownBy(() -> ReceiptVerifier.verifyTimestamp(pending, server.certificate(), List.of(tsaCa.certificate())))
                .hasMessageContaining("no timestamp yet (asked for at 2026-05-31T23:59:58Z");
        // a token replaces the pending mark
        byte[] later = CmsTimestamps.withToken(pending, tokenFor(pending));
        assertThat(ReceiptVerifier.timestampPendingSince(later)).isEmpty();
        ReceiptVerifier.verifyTimestamp(later, server.certificate(), List.of(tsaCa.certificate()));

        // a receipt signed by someone else fails before its token is looked at
        TestPki.Identity forger = TestPki.selfSigned("receipts");
        byte[] forged = Cms.sign(CONTENT, Cms.SigningKey.of(forger.key()), forger.chain(), Instant.now());
        byte[] forgedStamped = CmsTimestamps.withToken(forged, tokenFor(forged));
        assertThatThrownBy(() -> ReceiptVerifier.verifyTimestamp(forgedStamped, server.certificate(), List.of(tsaCa.certificate())))
                .isInstanceOfSatisfying(VerificationException.class,
                        e -> assertThat(e.reason()).isEqualTo(VerificationException.Reason.WRONG_SIGNER));
    }
}
