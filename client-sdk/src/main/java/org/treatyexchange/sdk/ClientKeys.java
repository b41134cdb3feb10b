package org.treatyexchange.sdk;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.treatyexchange.sdk.internal.Cms;
import org.treatyexchange.sdk.internal.Pem;

/**
 * A State system's signing and TLS identity: a private key and its certificate chain (leaf first).
 * The same identity signs envelopes and authenticates the mutual-TLS connection.
 *
 * <p>Loading checks that the key belongs to the leaf certificate (it signs a random challenge that
 * the certificate's public key must verify) and that the key is usable for signing (EC P-256, P-384,
 * P-521 or RSA of at least 2048 bits). Error messages never contain the key, the password or a path.
 *
 * <p>Immutable and thread-safe. {@link #toString()} shows the fingerprint only.
 */
public final class ClientKeys {

    private final PrivateKey privateKey;
    private final List<X509Certificate> chain;
    private final String fingerprint;
    private final Cms.SigningKey signingKey;

    private ClientKeys(PrivateKey privateKey, List<X509Certificate> chain) throws GeneralSecurityException {
        this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
        if (chain == null || chain.isEmpty()) {
            throw new GeneralSecurityException("a certificate chain with at least the leaf certificate is required");
        }
        this.chain = List.copyOf(chain);
        checkPair(privateKey, this.chain.get(0));
        this.fingerprint = fingerprint(this.chain.get(0));
        this.signingKey = Cms.SigningKey.of(privateKey);
    }

    /** The private key as CMS signing uses it (converted once: {@link Cms.SigningKey}). */
    Cms.SigningKey signingKey() {
        return signingKey;
    }

    /**
     * Keys from PEM files: {@code privateKeyPem} holds an unencrypted key ({@code PRIVATE KEY},
     * {@code EC PRIVATE KEY}, {@code RSA PRIVATE KEY}); {@code certificateChainPem} the certificates,
     * leaf first. Both may be the same file.
     */
    public static ClientKeys fromPem(Path privateKeyPem, Path certificateChainPem) throws IOException, GeneralSecurityException {
        return fromPem(privateKeyPem, null, certificateChainPem);
    }

    /**
     * Keys from PEM files where the key may be encrypted ({@code ENCRYPTED PRIVATE KEY}, PKCS#8 with
     * PBES2, or a traditional OpenSSL-encrypted key).
     *
     * @param password the key's password, or null for an unencrypted key; not kept
     */
    public static ClientKeys fromPem(Path privateKeyPem, char[] password, Path certificateChainPem)
            throws IOException, GeneralSecurityException {
        return fromPem(Files.readAllBytes(privateKeyPem), password, Files.readAllBytes(certificateChainPem));
    }

    /** As {@link #fromPem(Path, char[], Path)}, from PEM bytes. */
    public static ClientKeys fromPem(byte[] privateKeyPem, char[] password, byte[] certificateChainPem)
            throws IOException, GeneralSecurityException {
        PrivateKey key = Pem.privateKey(privateKeyPem, password);
        return new ClientKeys(key, Pem.certificates(certificateChainPem));
    }

    /**
     * Keys from a PKCS#12 file holding one private-key entry (the first is taken when there are several).
     *
     * @param password the store password, also used for the key entry
     */
    public static ClientKeys fromPkcs12(Path file, char[] password) throws IOException, GeneralSecurityException {
        Objects.requireNonNull(password, "password");
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password);
        } catch (IOException e) {
            if (e.getCause() instanceof java.security.UnrecoverableKeyException) {
                throw new KeyException("the PKCS#12 file could not be opened (wrong password?)");
            }
            throw new KeyException("the PKCS#12 file could not be read (wrong password or not PKCS#12)");
        }
        for (Enumeration<String> aliases = store.aliases(); aliases.hasMoreElements(); ) {
            String alias = aliases.nextElement();
            if (store.isKeyEntry(alias)) {
                PrivateKey key = (PrivateKey) store.getKey(alias, password);
                List<X509Certificate> chain = new ArrayList<>();
                Certificate[] certificates = store.getCertificateChain(alias);
                for (Certificate c : certificates == null ? new Certificate[0] : certificates) {
                    chain.add((X509Certificate) c);
                }
                return new ClientKeys(key, chain);
            }
        }
        throw new KeyException("the PKCS#12 file holds no private key");
    }

    /** Keys already in memory (for instance from a hardware-backed {@link KeyStore}). */
    public static ClientKeys of(PrivateKey privateKey, List<X509Certificate> chain) throws GeneralSecurityException {
        return new ClientKeys(privateKey, chain);
    }

    /** The private key. */
    public PrivateKey privateKey() {
        return privateKey;
    }

    /** The leaf certificate: the one registered for the State's account. */
    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** Leaf first, as loaded. */
    public List<X509Certificate> chain() {
        return chain;
    }

    /** Lower-case hex SHA-256 of the leaf certificate's DER: what receipts call {@code signerFingerprint}. */
    public String fingerprint() {
        return fingerprint;
    }

    /** Lower-case hex SHA-256 of {@code certificate}'s DER encoding. */
    public static String fingerprint(X509Certificate certificate) throws GeneralSecurityException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    }

    @Override
    public String toString() {
        return "ClientKeys[" + fingerprint + "]";
    }

    private static void checkPair(PrivateKey key, X509Certificate certificate) throws GeneralSecurityException {
        String algorithm = Cms.signatureAlgorithm(key);
        byte[] challenge = new byte[32];
        new SecureRandom().nextBytes(challenge);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(challenge);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        try {
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(challenge);
            if (verifier.verify(signature)) {
                return;
            }
        } catch (GeneralSecurityException e) {
            // fall through: a key of another type cannot match
        }
        throw new KeyException("the private key does not belong to the leaf certificate");
    }
}
