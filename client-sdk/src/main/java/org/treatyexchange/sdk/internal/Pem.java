package org.treatyexchange.sdk.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyException;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMDecryptorProvider;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.InputDecryptorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads private keys and certificates from PEM text. Keys become JDK key objects (so JSSE and the JDK
 * signature providers take them); Bouncy Castle is used only to parse and decrypt.
 */
public final class Pem {

    /** Largest PEM input read: keys and chains are a few kilobytes. */
    public static final int MAX_PEM_BYTES = 1024 * 1024;

    private Pem() {
    }

    /**
     * The first private key in {@code pem}: PKCS#8 ({@code PRIVATE KEY}), encrypted PKCS#8
     * ({@code ENCRYPTED PRIVATE KEY}), or traditional {@code EC PRIVATE KEY} / {@code RSA PRIVATE KEY},
     * encrypted or not. Other objects (certificates, EC parameters) are skipped.
     *
     * @param password for an encrypted key; may be null otherwise
     * @throws KeyException with a safe message when there is no key, a password is missing or wrong
     */
    public static PrivateKey privateKey(byte[] pem, char[] password) throws GeneralSecurityException, IOException {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (PEMParser parser = parser(pem)) {
            for (Object o; (o = readObject(parser)) != null; ) {
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (o instanceof PEMKeyPair pair) {
                    return converter.getKeyPair(pair).getPrivate();
                }
                if (o instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
                    requirePassword(password);
                    try {
                        InputDecryptorProvider decryptor = new JceOpenSSLPKCS8DecryptorProviderBuilder()
                                .setProvider(BouncyCastle.PROVIDER).build(password);
                        return converter.getPrivateKey(encrypted.decryptPrivateKeyInfo(decryptor));
                    } catch (PKCSException | OperatorCreationException e) {
                        throw new KeyException("the private key could not be decrypted (wrong password?)");
                    }
                }
                if (o instanceof PEMEncryptedKeyPair encrypted) {
                    requirePassword(password);
                    try {
                        PEMDecryptorProvider decryptor = new JcePEMDecryptorProviderBuilder()
                                .setProvider(BouncyCastle.PROVIDER).build(password);
                        return converter.getKeyPair(encrypted.decryptKeyPair(decryptor)).getPrivate();
                    } catch (IOException e) {
                        throw new KeyException("the private key could not be decrypted (wrong password?)");
                    }
                }
            }
        } catch (PEMException e) {
            throw new KeyException("the private key could not be read");
        }
        throw new KeyException("no private key found in the PEM input");
    }

    /** Every certificate in {@code pem}, in file order (leaf first for a chain). */
    public static List<X509Certificate> certificates(byte[] pem) throws GeneralSecurityException, IOException {
        List<X509Certificate> out = new ArrayList<>();
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        try (PEMParser parser = parser(pem)) {
            for (Object o; (o = readObject(parser)) != null; ) {
                if (o instanceof X509CertificateHolder holder) {
                    out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(holder.getEncoded())));
                }
            }
        }
        if (out.isEmpty()) {
            throw new CertificateException("no certificate found in the PEM input");
        }
        return out;
    }

    private static Object readObject(PEMParser parser) throws IOException, KeyException {
        try {
            return parser.readObject();
        } catch (IOException | RuntimeException e) {
            throw new KeyException("the PEM input is malformed");
        }
    }

    private static void requirePassword(char[] password) throws KeyException {
        if (password == null) {
            throw new KeyException("the private key is encrypted: a password is required");
        }
    }

    private static PEMParser parser(byte[] pem) throws IOException {
        if (pem.length > MAX_PEM_BYTES) {
            throw new IOException("PEM input exceeds " + MAX_PEM_BYTES + " bytes");
        }
        Reader reader = new InputStreamReader(new ByteArrayInputStream(pem), StandardCharsets.US_ASCII);
        return new PEMParser(reader);
    }
}
