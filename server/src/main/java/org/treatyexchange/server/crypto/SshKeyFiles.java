package org.treatyexchange.server.crypto;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.InvalidKeySpecException;
import java.util.Collections;
import java.util.Objects;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.digest.BuiltinDigests;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SSH key material in the formats OpenSSH uses: Ed25519 key files that {@code sftp -i} and
 * {@code ssh-keygen} read, {@code SHA256:} fingerprints exactly as {@code ssh-keygen -lf} prints
 * them, and single authorized_keys lines. Ed25519 comes from Bouncy Castle through MINA's security
 * provider registrar.
 */
public final class SshKeyFiles {

    private static final Logger LOG = LoggerFactory.getLogger(SshKeyFiles.class);

    /** Far above any real key line (an RSA-16384 line is ~2.8 KB); bounds what is parsed. */
    static final int MAX_LINE_LENGTH = 16 * 1024;
    static final int MIN_RSA_BITS = 2048;

    private SshKeyFiles() {
    }

    /**
     * Creates a new Ed25519 key pair: {@code privateKeyFile} as an unencrypted OpenSSH private key
     * (mode 0600) and {@code privateKeyFile + ".pub"} as one authorized_keys line (mode 0644).
     * Refuses to overwrite an existing private key.
     */
    public static PublicKey generateEd25519(Path privateKeyFile, String comment) throws IOException, GeneralSecurityException {
        Objects.requireNonNull(privateKeyFile, "privateKeyFile");
        String safeComment = checkComment(comment);
        if (Files.exists(privateKeyFile)) {
            throw new FileAlreadyExistsException(privateKeyFile.getFileName().toString(), null,
                    "refusing to overwrite an existing private key");
        }
        if (!SecurityUtils.isEDDSACurveSupported()) {
            throw new GeneralSecurityException("Ed25519 is unavailable: Bouncy Castle is not registered with MINA SSHD");
        }
        KeyPair pair = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        ByteArrayOutputStream privateBytes = new ByteArrayOutputStream();
        OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(pair, safeComment, null, privateBytes);
        OwnerOnlyFiles.writeSecret(privateKeyFile, privateBytes.toByteArray());
        Path pub = privateKeyFile.resolveSibling(privateKeyFile.getFileName() + ".pub");
        OwnerOnlyFiles.writePublic(pub, (authorizedKeyLine(pair.getPublic(), safeComment) + "\n").getBytes(StandardCharsets.US_ASCII));
        LOG.info("generated Ed25519 key {} ({})", privateKeyFile.getFileName(), fingerprint(pair.getPublic()));
        return pair.getPublic();
    }

    /** "SHA256:" + unpadded base64 of the SHA-256 of the SSH wire encoding, as ssh-keygen -lf prints. */
    public static String fingerprint(PublicKey key) {
        Objects.requireNonNull(key, "key");
        return KeyUtils.getFingerPrint(BuiltinDigests.sha256, key);
    }

    /** {@code <type> <base64>[ <comment>]}, without options and without a line break. */
    public static String authorizedKeyLine(PublicKey key, String comment) {
        Objects.requireNonNull(key, "key");
        String safeComment = checkComment(comment);
        String entry = PublicKeyEntry.toString(key);
        return safeComment.isEmpty() ? entry : entry + " " + safeComment;
    }

    /**
     * Parses exactly one authorized_keys line {@code <type> <base64> [comment]}. Refuses options
     * ({@code from=}, {@code command=} ...: the registry, not the key line, decides what an account
     * may do), several lines, comments, unknown types, DSA and RSA under 2048 bits.
     */
    public static PublicKey parseAuthorizedKey(String line) throws GeneralSecurityException {
        if (line == null || line.isBlank()) {
            throw new InvalidKeySpecException("authorized key line is empty");
        }
        if (line.length() > MAX_LINE_LENGTH) {
            throw new InvalidKeySpecException("authorized key line is longer than " + MAX_LINE_LENGTH + " characters");
        }
        String trimmed = line.strip();
        if (trimmed.indexOf('\n') >= 0 || trimmed.indexOf('\r') >= 0) {
            throw new InvalidKeySpecException("expected one authorized key line, got several");
        }
        if (trimmed.startsWith("#")) {
            throw new InvalidKeySpecException("authorized key line is a comment");
        }
        AuthorizedKeyEntry entry;
        try {
            entry = AuthorizedKeyEntry.parseAuthorizedKeyEntry(trimmed);
        } catch (RuntimeException e) {
            throw new InvalidKeySpecException("not an authorized key line: expected '<type> <base64> [comment]'");
        }
        if (entry == null) {
            throw new InvalidKeySpecException("not an authorized key line: expected '<type> <base64> [comment]'");
        }
        if (entry.getLoginOptions() != null && !entry.getLoginOptions().isEmpty()) {
            throw new InvalidKeySpecException("authorized key line has options " + entry.getLoginOptions().keySet()
                    + "; only '<type> <base64> [comment]' is accepted");
        }
        String type = entry.getKeyType();
        if (KeyPairProvider.SSH_DSS.equals(type)) {
            throw new InvalidKeySpecException("DSA keys (ssh-dss) are not accepted");
        }
        PublicKey key;
        try {
            key = entry.resolvePublicKey(null, Collections.emptyMap(), PublicKeyEntryResolver.FAILING);
        } catch (IOException | RuntimeException e) {
            throw new InvalidKeySpecException("authorized key of type " + printable(type) + " cannot be decoded");
        }
        if (key == null) {
            throw new InvalidKeySpecException("authorized key type " + printable(type) + " is not supported");
        }
        if (key instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < MIN_RSA_BITS) {
            throw new InvalidKeySpecException("RSA key has " + rsa.getModulus().bitLength()
                    + " bits; at least " + MIN_RSA_BITS + " are required");
        }
        return key;
    }

    private static String checkComment(String comment) {
        if (comment == null) {
            return "";
        }
        if (comment.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("key comment must be one line of printable text");
        }
        return comment.strip();
    }

    /** Key types come from untrusted input: keep them short and printable in messages. */
    private static String printable(String type) {
        if (type == null) {
            return "(none)";
        }
        String cut = type.length() > 40 ? type.substring(0, 40) + "..." : type;
        return cut.replaceAll("[^\\x21-\\x7e]", "?");
    }
}
