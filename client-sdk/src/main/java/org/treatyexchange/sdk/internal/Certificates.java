package org.treatyexchange.sdk.internal;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * What a national system needs to register its signing and TLS key: a PKCS#10 certificate signing
 * request (for a secretariat that issues certificates) and a self-signed end-entity certificate (the
 * exchange pins client certificates by fingerprint, so a self-signed one registers as it is).
 */
public final class Certificates {

    private Certificates() {
    }

    /** Subject {@code CN=<account>, O=<organisation>}. */
    private static X500Name subject(String account, String organisation) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, account).addRDN(BCStyle.O, organisation).build();
    }

    /** A PEM {@code CERTIFICATE REQUEST} for {@code pair}, signed with it. */
    public static String csrPem(KeyPair pair, String account, String organisation) throws GeneralSecurityException {
        try {
            ContentSigner signer = new JcaContentSignerBuilder(Cms.signatureAlgorithm(pair.getPrivate())).build(pair.getPrivate());
            PKCS10CertificationRequest csr = new JcaPKCS10CertificationRequestBuilder(subject(account, organisation), pair.getPublic())
                    .build(signer);
            return pem(csr);
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("the certificate request could not be signed", e);
        }
    }

    /**
     * A self-signed end-entity certificate for TLS client authentication and signing (not a CA), valid
     * from an hour ago (clock differences) for {@code validity}.
     */
    public static X509Certificate selfSigned(KeyPair pair, String account, String organisation, Duration validity)
            throws GeneralSecurityException {
        try {
            Instant now = Instant.now();
            X500Name name = subject(account, organisation);
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, new BigInteger(127, new SecureRandom()),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(validity)), name, pair.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            ContentSigner signer = new JcaContentSignerBuilder(Cms.signatureAlgorithm(pair.getPrivate())).build(pair.getPrivate());
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (OperatorCreationException | IOException e) {
            throw new GeneralSecurityException("the certificate could not be made", e);
        }
    }

    /** PEM text of a key, certificate or request. */
    public static String pem(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new IllegalStateException("PEM could not be written to memory", e);
        }
        return out.toString();
    }
}
