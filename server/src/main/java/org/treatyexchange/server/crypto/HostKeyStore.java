package org.treatyexchange.server.crypto;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.List;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A password-protected copy of the SSH host key files, {@code keys/ssh-host-keys.p12} (PKCS#12, the
 * keystore password): one entry per host key file, named after the file, holding its bytes. MINA reads
 * its host keys from OpenSSH files, which are unencrypted; those files stay in the home (owner-only) but
 * never go into a backup. What a backup carries is this keystore, so a thief of a backup without the
 * password cannot impersonate the server, and a restored home gets its host keys back at its first start
 * ({@link #restoreMissing}), with the fingerprints States have pinned.
 */
public final class HostKeyStore {

    /** Where the keystore lives, in the home's key directory. */
    public static final String FILE_NAME = "ssh-host-keys.p12";

    private static final Logger LOG = LoggerFactory.getLogger(HostKeyStore.class);
    /** An HMAC key may be any length: the entry is a sealed blob, not a key the JDK uses. */
    private static final String ENTRY_ALGORITHM = "HmacSHA256";

    private HostKeyStore() {
    }

    /**
     * Writes every missing host key file that the keystore holds (after a restore), owner-only. Files
     * that exist are left as they are. Nothing happens when there is no keystore.
     *
     * @return the names of the files written
     * @throws GeneralSecurityException if the keystore does not open with {@code password}
     */
    public static List<String> restoreMissing(Path keystore, List<Path> hostKeyFiles, char[] password)
            throws IOException, GeneralSecurityException {
        if (!Files.exists(keystore, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        KeyStore ks = load(keystore, password);
        List<String> written = new java.util.ArrayList<>();
        for (Path file : hostKeyFiles) {
            String alias = file.getFileName().toString();
            if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) || !ks.containsAlias(alias)) {
                continue;
            }
            KeyStore.Entry entry = ks.getEntry(alias, new KeyStore.PasswordProtection(password));
            if (!(entry instanceof KeyStore.SecretKeyEntry secret)) {
                throw new GeneralSecurityException(keystore + ": entry '" + alias + "' is not a host key file");
            }
            byte[] content = secret.getSecretKey().getEncoded();
            try {
                OwnerOnlyFiles.writeSecret(file, content);
            } finally {
                Arrays.fill(content, (byte) 0);
            }
            written.add(alias);
            LOG.info("host key {} restored from {}", alias, keystore.getFileName());
        }
        return List.copyOf(written);
    }

    /**
     * Seals the current host key files into the keystore, replacing it when what it holds differs (a key
     * was generated or replaced). Files that do not exist are left out.
     */
    public static void save(Path keystore, List<Path> hostKeyFiles, char[] password) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        boolean same = Files.exists(keystore, LinkOption.NOFOLLOW_LINKS);
        KeyStore old = same ? load(keystore, password) : null;
        int entries = 0;
        for (Path file : hostKeyFiles) {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            String alias = file.getFileName().toString();
            byte[] content = Files.readAllBytes(file);
            try {
                ks.setEntry(alias, new KeyStore.SecretKeyEntry(new SecretKeySpec(content, ENTRY_ALGORITHM)),
                        new KeyStore.PasswordProtection(password));
                if (same) {
                    KeyStore.Entry e = old.containsAlias(alias) ? old.getEntry(alias, new KeyStore.PasswordProtection(password)) : null;
                    same = e instanceof KeyStore.SecretKeyEntry s && Arrays.equals(s.getSecretKey().getEncoded(), content);
                }
            } finally {
                Arrays.fill(content, (byte) 0);
            }
            entries++;
        }
        if (same && old.size() == entries) {
            return;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ks.store(bytes, password);
        OwnerOnlyFiles.writeSecret(keystore, bytes.toByteArray());
        LOG.info("host keys sealed into {} ({} entries)", keystore.getFileName(), entries);
    }

    private static KeyStore load(Path keystore, char[] password) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = new ByteArrayInputStream(Files.readAllBytes(keystore))) {
            ks.load(in, password);
        }
        return ks;
    }
}
