package org.treatyexchange.server.crypto;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * A private key with its certificate, issued by {@link LocalCertificateAuthority}.
 *
 * @param key the private key (ECDSA P-256)
 * @param certificate the end-entity certificate for {@code key}
 * @param chain {@code certificate} first, then its issuers up to and including the CA certificate
 */
public record IssuedCredential(PrivateKey key, X509Certificate certificate, List<X509Certificate> chain) {

    /** Alias of the single entry in the PKCS#12 files written by {@link #writePkcs12}. */
    public static final String ALIAS = "credential";

    public IssuedCredential {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(certificate, "certificate");
        chain = List.copyOf(chain);
        if (chain.isEmpty() || !chain.get(0).equals(certificate)) {
            throw new IllegalArgumentException("chain must start with the certificate");
        }
    }

    /**
     * Writes the key as unencrypted PKCS#8 PEM (mode 0600) and the chain as PEM, leaf first
     * (mode 0644): the form {@code curl --key key.pem --cert cert.pem} and
     * {@code openssl cms -sign -inkey key.pem -signer cert.pem} read. Anyone who can read
     * {@code keyPem} can act as this credential's holder.
     */
    public void writePem(Path keyPem, Path certPem) throws IOException {
        Objects.requireNonNull(keyPem, "keyPem");
        Objects.requireNonNull(certPem, "certPem");
        OwnerOnlyFiles.writeSecret(keyPem, X509Pem.privateKeyPem(key));
        OwnerOnlyFiles.writePublic(certPem, X509Pem.certificatesPem(chain));
    }

    /**
     * Writes key and chain as a password-protected PKCS#12 file (mode 0600, entry {@value #ALIAS}),
     * readable by Java's {@code KeyStore}, {@code openssl pkcs12} and
     * {@code curl --cert file.p12:password --cert-type P12}.
     */
    public void writePkcs12(Path p12, char[] password) throws IOException, GeneralSecurityException {
        Objects.requireNonNull(p12, "p12");
        OwnerOnlyFiles.writeSecret(p12, pkcs12(password));
    }

    byte[] pkcs12(char[] password) throws IOException, GeneralSecurityException {
        Objects.requireNonNull(password, "password");
        if (password.length == 0) {
            throw new IllegalArgumentException("PKCS#12 password must not be empty");
        }
        // The JDK's PKCS#12 writer uses PBES2 with AES-256 and an HMAC-SHA-256 MAC (JDK 17.0.4+),
        // which OpenSSL 3 reads without its legacy provider.
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(ALIAS, key, password, chain.toArray(new Certificate[0]));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ks.store(bytes, password);
        return bytes.toByteArray();
    }

    /** Names the certificate, never the key. */
    @Override
    public String toString() {
        return "IssuedCredential[" + certificate.getSubjectX500Principal().getName() + ", serial "
                + certificate.getSerialNumber().toString(16) + "]";
    }
}
