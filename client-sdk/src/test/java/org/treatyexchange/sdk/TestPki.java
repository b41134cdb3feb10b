package org.treatyexchange.sdk;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Keys and certificates generated in the test: a CA, TLS leaves, a receipt signer. Nothing is committed. */
final class TestPki {

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    /** A key with its certificate chain (leaf first). */
    record Identity(PrivateKey key, List<X509Certificate> chain) {
        X509Certificate certificate() {
            return chain.get(0);
        }

        ClientKeys clientKeys() throws Exception {
            return ClientKeys.of(key, chain);
        }
    }

    private TestPki() {
    }

    static KeyPair ecKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    static Identity ca(String name) throws Exception {
        KeyPair kp = ecKey();
        X500Name subject = new X500Name("CN=" + name);
        return new Identity(kp.getPrivate(), List.of(certificate(subject, kp, subject, kp.getPrivate(), true, null)));
    }

    static Identity selfSigned(String name) throws Exception {
        KeyPair kp = ecKey();
        X500Name subject = new X500Name("CN=" + name);
        return new Identity(kp.getPrivate(), List.of(certificate(subject, kp, subject, kp.getPrivate(), false, null)));
    }

    /** A leaf issued by {@code ca}; with {@code dnsName} a server certificate for that name and 127.0.0.1. */
    static Identity leaf(Identity ca, String name, String dnsName) throws Exception {
        KeyPair kp = ecKey();
        X509Certificate cert = certificate(new X500Name("CN=" + name), kp,
                new X500Name(ca.certificate().getSubjectX500Principal().getName()), ca.key(), false, dnsName);
        return new Identity(kp.getPrivate(), List.of(cert, ca.certificate()));
    }

    private static X509Certificate certificate(X500Name subject, KeyPair kp, X500Name issuer, PrivateKey issuerKey,
                                               boolean isCa, String dnsName) throws Exception {
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))), subject, kp.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
        if (dnsName != null) {
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.dNSName, dnsName), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        }
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    }
}
