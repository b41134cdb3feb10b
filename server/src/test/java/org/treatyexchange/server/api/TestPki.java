package org.treatyexchange.server.api;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Keys and certificates made in the test: a CA for the server certificate, self-signed client certificates. */
final class TestPki {

    record Identity(PrivateKey key, X509Certificate certificate) {
        /** Writes {@code name.pem} (certificate) and {@code name.key} (PKCS#8) for curl and openssl. */
        Path[] write(Path dir, String name) throws IOException {
            Path cert = dir.resolve(name + ".pem");
            Path key = dir.resolve(name + ".key");
            Files.writeString(cert, pem(certificate));
            Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n"
                    + java.util.Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).encodeToString(this.key.getEncoded())
                    + "\n-----END PRIVATE KEY-----\n");
            return new Path[] {cert, key};
        }
    }

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    final Identity ca;
    final Identity server;

    TestPki() throws Exception {
        KeyPair caKeys = ecKeys();
        ca = new Identity(caKeys.getPrivate(), build(new X500Principal("CN=Test CA"), caKeys, new X500Principal("CN=Test CA"),
                caKeys.getPrivate(), Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(30)), true));
        KeyPair serverKeys = ecKeys();
        server = new Identity(serverKeys.getPrivate(), build(new X500Principal("CN=localhost"), serverKeys, ca.certificate.getSubjectX500Principal(),
                ca.key, Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(30)), false));
    }

    /** A self-signed client certificate, as a State would bring; valid from {@code notBefore} to {@code notAfter}. */
    static Identity client(String cn, Instant notBefore, Instant notAfter) throws Exception {
        KeyPair keys = ecKeys();
        X500Principal subject = new X500Principal("CN=" + cn);
        return new Identity(keys.getPrivate(), build(subject, keys, subject, keys.getPrivate(), notBefore, notAfter, false));
    }

    static Identity client(String cn) throws Exception {
        return client(cn, Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(30)));
    }

    private static KeyPair ecKeys() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static X509Certificate build(X500Principal subject, KeyPair keys, X500Principal issuer, PrivateKey issuerKey,
            Instant notBefore, Instant notAfter, boolean isCa) throws Exception {
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(notBefore), Date.from(notAfter), subject, keys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
        if (!isCa && subject.getName().equals("CN=localhost")) {
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        }
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    }

    static String pem(Object o) throws IOException {
        StringWriter s = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(s)) {
            w.writeObject(o);
        }
        return s.toString();
    }
}
