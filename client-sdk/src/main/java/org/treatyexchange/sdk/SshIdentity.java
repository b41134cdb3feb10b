package org.treatyexchange.sdk;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyException;
import java.security.KeyPair;
import java.security.interfaces.RSAKey;
import java.util.Iterator;
import java.util.Objects;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.digest.BuiltinDigests;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * The key an account logs in to the SFTP drop box with: Ed25519, or RSA of at least 2048 bits (what the
 * exchange accepts). Loads OpenSSH private keys ({@code -----BEGIN OPENSSH PRIVATE KEY-----}, as
 * {@code ssh-keygen} writes them, passphrase-protected or not) and PEM keys (PKCS#8, traditional RSA).
 * Error messages never contain the key, the passphrase or a path. {@link #toString()} shows the
 * fingerprint only.
 */
public final class SshIdentity {

    private static final int MAX_KEY_BYTES = 64 * 1024;

    private final KeyPair keyPair;
    private final String fingerprint;

    private SshIdentity(KeyPair keyPair) throws KeyException {
        this.keyPair = Objects.requireNonNull(keyPair, "keyPair");
        String type = KeyUtils.getKeyType(keyPair);
        if (keyPair.getPublic() instanceof RSAKey rsa) {
            if (rsa.getModulus().bitLength() < 2048) {
                throw new KeyException("RSA keys must have at least 2048 bits");
            }
        } else if (!"ssh-ed25519".equals(type)) {
            throw new KeyException("the exchange accepts Ed25519 and RSA keys, not " + type);
        }
        this.fingerprint = fingerprint(keyPair);
    }

    /** An unencrypted private key file. */
    public static SshIdentity load(Path privateKey) throws IOException, GeneralSecurityException {
        return load(privateKey, null);
    }

    /**
     * A private key file, OpenSSH or PEM.
     *
     * @param passphrase the key's passphrase, or null for an unencrypted key; not kept
     * @throws KeyException with a safe message when there is no usable key or the passphrase is wrong
     */
    public static SshIdentity load(Path privateKey, char[] passphrase) throws IOException, GeneralSecurityException {
        if (Files.size(privateKey) > MAX_KEY_BYTES) {
            throw new KeyException("the private key file is larger than " + MAX_KEY_BYTES + " bytes");
        }
        FilePasswordProvider password = passphrase == null ? FilePasswordProvider.EMPTY
                : FilePasswordProvider.of(new String(passphrase));
        byte[] content = Files.readAllBytes(privateKey);
        Iterable<KeyPair> pairs;
        try (InputStream in = new java.io.ByteArrayInputStream(content)) {
            pairs = SecurityUtils.loadKeyPairIdentities(null, () -> "private key", in, password);
        } catch (GeneralSecurityException | IOException | RuntimeException e) {
            // MINA's texts may quote internals; ours names the likely cause only
            throw new KeyException(passphrase == null
                    ? "the SSH private key could not be read (is it encrypted? then give its passphrase)"
                    : "the SSH private key could not be read (wrong passphrase?)");
        }
        Iterator<KeyPair> it = pairs == null ? null : pairs.iterator();
        if (it == null || !it.hasNext()) {
            throw new KeyException("no SSH private key found in the file");
        }
        return new SshIdentity(it.next());
    }

    /** A key pair already in memory. */
    public static SshIdentity of(KeyPair keyPair) throws GeneralSecurityException {
        return new SshIdentity(keyPair);
    }

    /** The key pair. */
    public KeyPair keyPair() {
        return keyPair;
    }

    /** {@code SHA256:<base64>}, as {@code ssh-keygen -lf} prints it and as the exchange's receipts name it. */
    public String fingerprint() {
        return fingerprint;
    }

    /** The OpenSSH public-key line the secretariat registers: {@code <type> <base64> <comment>}. */
    public String publicKeyLine(String comment) {
        String entry = PublicKeyEntry.toString(keyPair.getPublic());
        return comment == null || comment.isBlank() ? entry : entry + " " + comment.strip();
    }

    /** {@code SHA256:<base64>} of any SSH public key in a key pair. */
    static String fingerprint(KeyPair pair) {
        return KeyUtils.getFingerPrint(BuiltinDigests.sha256, pair.getPublic());
    }

    @Override
    public String toString() {
        return "SshIdentity[" + fingerprint + "]";
    }
}
