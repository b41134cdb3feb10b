package org.treatyexchange.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.sdk.internal.Cms;

/**
 * Keys as national systems have them: OpenSSH private keys from the stock {@code ssh-keygen}
 * (with and without a passphrase), PEM and PKCS#12 from {@code openssl}, and what {@link KeyGenerator}
 * writes, checked by the stock tools.
 */
class KeysTest {

    @TempDir
    Path dir;

    String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
        return out;
    }

    @Test
    void openSshKeysFromSshKeygenLoadWithTheSameFingerprint() throws Exception {
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "plain", "-f", "plain");
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "correct horse", "-C", "protected", "-f", "protected");
        run("ssh-keygen", "-q", "-t", "rsa", "-b", "3072", "-m", "PEM", "-N", "", "-f", "rsa-pem");

        SshIdentity plain = SshIdentity.load(dir.resolve("plain"));
        assertThat(run("ssh-keygen", "-lf", "plain.pub")).contains(plain.fingerprint());
        assertThat(plain.publicKeyLine("plain")).isEqualTo(Files.readString(dir.resolve("plain.pub")).strip());

        SshIdentity protectedKey = SshIdentity.load(dir.resolve("protected"), "correct horse".toCharArray());
        assertThat(run("ssh-keygen", "-lf", "protected.pub")).contains(protectedKey.fingerprint());
        assertThatThrownBy(() -> SshIdentity.load(dir.resolve("protected"), "wrong".toCharArray()))
                .isInstanceOf(KeyException.class).hasMessageContaining("wrong passphrase").hasMessageNotContaining(dir.toString());
        assertThatThrownBy(() -> SshIdentity.load(dir.resolve("protected")))
                .isInstanceOf(KeyException.class).hasMessageContaining("give its passphrase");

        SshIdentity rsa = SshIdentity.load(dir.resolve("rsa-pem"));
        assertThat(run("ssh-keygen", "-lf", "rsa-pem.pub")).contains(rsa.fingerprint());
        assertThat(rsa.toString()).isEqualTo("SshIdentity[" + rsa.fingerprint() + "]");
    }

    @Test
    void keysTheExchangeRefusesAreRefusedOnLoad() throws Exception {
        run("ssh-keygen", "-q", "-t", "ecdsa", "-b", "256", "-N", "", "-f", "ecdsa");
        run("ssh-keygen", "-q", "-t", "rsa", "-b", "1024", "-N", "", "-f", "small");
        assertThatThrownBy(() -> SshIdentity.load(dir.resolve("ecdsa"))).isInstanceOf(KeyException.class).hasMessageContaining("Ed25519");
        assertThatThrownBy(() -> SshIdentity.load(dir.resolve("small"))).isInstanceOf(KeyException.class).hasMessageContaining("2048");
        Files.writeString(dir.resolve("not-a-key"), "hello\n");
        assertThatThrownBy(() -> SshIdentity.load(dir.resolve("not-a-key"))).isInstanceOf(KeyException.class);
    }

    @Test
    void apiKeysLoadFromPemAndPkcs12() throws Exception {
        OpenSsl openssl = new OpenSsl(dir);
        openssl.selfSigned("system", "P-256");
        ClientKeys pem = ClientKeys.fromPem(dir.resolve("system.key.pem"), dir.resolve("system.cert.pem"));
        openssl.ok("pkcs12", "-export", "-inkey", "system.key.pem", "-in", "system.cert.pem", "-out", "system.p12",
                "-passout", "pass:p12-secret");
        ClientKeys p12 = ClientKeys.fromPkcs12(dir.resolve("system.p12"), "p12-secret".toCharArray());
        assertThat(p12.fingerprint()).isEqualTo(pem.fingerprint());
        assertThatThrownBy(() -> ClientKeys.fromPkcs12(dir.resolve("system.p12"), "wrong".toCharArray()))
                .isInstanceOf(KeyException.class).hasMessageNotContaining("p12-secret");
    }

    @Test
    void generatedKeysAreWhatTheStockToolsAndTheSdkExpect() throws Exception {
        KeyGenerator.GeneratedKeys k = KeyGenerator.generate(dir.resolve("keys"), "borealia-system", "BOR");
        assertThat(run("ssh-keygen", "-lf", k.sshPublicKey().toString())).contains(k.sshFingerprint());
        assertThat(SshIdentity.load(k.sshPrivateKey()).fingerprint()).isEqualTo(k.sshFingerprint());
        // ssh-keygen reads the private key too (it derives the same public key)
        String[] derived = run("ssh-keygen", "-y", "-f", k.sshPrivateKey().toString()).strip().split(" ");
        String[] written = Files.readString(k.sshPublicKey()).strip().split(" ");
        assertThat(derived[0] + " " + derived[1]).isEqualTo(written[0] + " " + written[1]);

        ClientKeys api = ClientKeys.fromPem(k.apiPrivateKey(), k.apiCertificate());
        assertThat(api.fingerprint()).isEqualTo(k.certificateFingerprint());
        assertThat(api.certificate().getBasicConstraints()).isEqualTo(-1); // an end-entity certificate, as the registry requires
        assertThat(api.certificate().getSubjectX500Principal().getName()).isEqualTo("O=BOR,CN=borealia-system");
        assertThat(Cms.signatureAlgorithm(api.privateKey())).isEqualTo("SHA256withECDSA");

        OpenSsl openssl = new OpenSsl(dir);
        assertThat(openssl.ok("req", "-noout", "-verify", "-subject", "-in", k.apiCertificateRequest().toString()))
                .contains("borealia-system");
        String fp = openssl.ok("x509", "-noout", "-fingerprint", "-sha256", "-in", k.apiCertificate().toString());
        assertThat(fp.replace(":", "").toLowerCase()).contains(k.certificateFingerprint());
        assertThat(Files.readString(k.apiCertificateRequest())).startsWith("-----BEGIN CERTIFICATE REQUEST-----");

        for (Path secret : List.of(k.sshPrivateKey(), k.apiPrivateKey())) {
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(secret))).isEqualTo("rw-------");
        }
        assertThatThrownBy(() -> KeyGenerator.generate(dir.resolve("keys"), "borealia-system", "BOR"))
                .isInstanceOf(FileAlreadyExistsException.class);
        assertThatThrownBy(() -> KeyGenerator.generate(dir.resolve("keys"), "Bad Name", "BOR")).isInstanceOf(IllegalArgumentException.class);
    }
}
