package org.treatyexchange.server.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SshKeyFilesTest {

    @TempDir
    Path dir;

    @Test
    void generatedKeyIsReadByOpensshAndFingerprintsAgree() throws Exception {
        Path priv = dir.resolve("id_state_a");
        PublicKey key = SshKeyFiles.generateEd25519(priv, "state-a@treaty");
        Path pub = dir.resolve("id_state_a.pub");

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(priv))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pub))).isEqualTo("rw-r--r--");
        assertThat(Files.readString(priv)).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----");
        String pubLine = Files.readString(pub, StandardCharsets.US_ASCII);
        assertThat(pubLine).isEqualTo(SshKeyFiles.authorizedKeyLine(key, "state-a@treaty") + "\n").startsWith("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5");

        // OpenSSH loads the private key (same loader as sftp -i) and derives the same public key.
        Processes.Result derived = Processes.run(dir, "ssh-keygen", "-y", "-f", priv.toString());
        assertThat(derived.exitCode()).as(derived.output()).isZero();
        assertThat(firstTwoFields(derived.output())).isEqualTo(firstTwoFields(pubLine));

        String ours = SshKeyFiles.fingerprint(key);
        assertThat(ours).startsWith("SHA256:").doesNotEndWith("=");
        for (Path file : new Path[] {pub, priv}) {
            Processes.Result lf = Processes.run(dir, "ssh-keygen", "-lf", file.toString());
            assertThat(lf.exitCode()).as(lf.output()).isZero();
            assertThat(lf.output().split(" ")[1]).isEqualTo(ours);
            assertThat(lf.output()).contains("(ED25519)");
        }
        assertThat(SshKeyFiles.parseAuthorizedKey(pubLine)).isEqualTo(key);
    }

    @Test
    void refusesToOverwriteAnExistingKey() throws Exception {
        Path priv = dir.resolve("id");
        SshKeyFiles.generateEd25519(priv, "");
        byte[] before = Files.readAllBytes(priv);
        assertThatThrownBy(() -> SshKeyFiles.generateEd25519(priv, "again")).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readAllBytes(priv)).isEqualTo(before);
        assertThat(Files.readString(dir.resolve("id.pub"))).matches("ssh-ed25519 [A-Za-z0-9+/=]+\n");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"ed25519,256", "ecdsa,384", "rsa,3072"})
    void parsesOpensshKeysAndFingerprintsLikeSshKeygen(String type, int bits) throws Exception {
        Processes.Result gen = Processes.run(dir, "ssh-keygen", "-q", "-t", type, "-b", String.valueOf(bits),
                "-N", "", "-C", "officer@state", "-f", "k");
        assertThat(gen.exitCode()).as(gen.output()).isZero();
        String line = Files.readString(dir.resolve("k.pub"));
        PublicKey key = SshKeyFiles.parseAuthorizedKey(line);
        Processes.Result lf = Processes.run(dir, "ssh-keygen", "-lf", "k.pub");
        assertThat(SshKeyFiles.fingerprint(key)).isEqualTo(lf.output().split(" ")[1]);
        assertThat(firstTwoFields(SshKeyFiles.authorizedKeyLine(key, "x"))).isEqualTo(firstTwoFields(line));
    }

    @Test
    void refusesOptionsGarbageAndWeakKeys() throws Exception {
        PublicKey key = SshKeyFiles.generateEd25519(dir.resolve("id"), null);
        String good = SshKeyFiles.authorizedKeyLine(key, "c");
        assertThat(SshKeyFiles.parseAuthorizedKey(good + "\n")).isEqualTo(key);

        assertRefused("from=\"10.0.0.1\" " + good, "options");
        assertRefused("command=\"/bin/sh\",no-pty " + good, "options");
        assertRefused(good + "\n" + good, "several");
        assertRefused("", "empty");
        assertRefused("# " + good, "comment");
        assertRefused("hello world", null);
        assertRefused("ssh-ed25519 AAAAnot-base64!!", null);
        assertRefused("ssh-ed25519 " + good.split(" ")[1].substring(0, 30), null);
        assertRefused(good.replace("ssh-ed25519", "ssh-rsa"), null);
        assertRefused("ssh-ed25519 " + "A".repeat(20_000), "longer");

        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(1024);
        assertRefused(SshKeyFiles.authorizedKeyLine(rsa.generateKeyPair().getPublic(), "old"), "2048");
        assertThatThrownBy(() -> SshKeyFiles.authorizedKeyLine(key, "two\nlines")).isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertRefused(String line, String messagePart) {
        var thrown = assertThatThrownBy(() -> SshKeyFiles.parseAuthorizedKey(line)).isInstanceOf(GeneralSecurityException.class);
        if (messagePart != null) {
            thrown.hasMessageContaining(messagePart);
        }
    }

    private static String firstTwoFields(String line) {
        String[] f = line.strip().split(" ");
        return f[0] + " " + f[1];
    }
}
