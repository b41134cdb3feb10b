package org.treatyexchange.server.registry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;

/** Real keys generated for the tests, written as OpenSSH public key lines. */
public final class TestKeys {
    private static final String SSH_ED25519 = "ssh-ed25519";

    private TestKeys() {}

    public static KeyPair ed25519() {
        try {
            return KeyUtils.generateKeyPair(SSH_ED25519, 256);
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    static KeyPair rsa(int bits) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(bits);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    static KeyPair ecdsa() {
        try {
            return KeyUtils.generateKeyPair("ecdsa-sha2-nistp256", 256);
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    /** {@code type base64 comment}, as in a .pub file. */
    public static String line(PublicKey key, String comment) {
        return PublicKeyEntry.toString(key) + " " + comment;
    }

    /** Writes {@code <dir>/<account>.pub} the way the demo does, and returns the key. */
    static PublicKey writeDemoKey(Path dir, String account) throws IOException {
        PublicKey key = ed25519().getPublic();
        Files.writeString(dir.resolve(account + ".pub"), line(key, account + "@demo") + "\n");
        return key;
    }
}
